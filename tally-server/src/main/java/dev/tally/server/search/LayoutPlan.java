package dev.tally.server.search;

import dev.tally.core.index.IndexEngine;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.util.List;

/**
 * What `tally apply` would do to bring the index to the layout this Tally writes: every step,
 * create before destroy, the destructive ones marked.
 */
public record LayoutPlan(String generation, String layout, String targetLayout, List<Step> steps) {

  /** One step; a destructive one removes something that cannot be had back without a rebuild. */
  public record Step(int step, String action, boolean destructive) {}

  public boolean changes() {
    return !steps.isEmpty();
  }

  /** A warning when the serving index's layout is not the one this Tally writes; null otherwise. */
  String warning() {
    return changes()
        ? "the index "
            + generation
            + " has layout "
            + layout
            + " but this Tally writes "
            + targetLayout
            + "; it keeps serving it: run tally plan, then tally apply"
        : null;
  }

  static LayoutPlan of(
      Store store, IndexEngine engine, String current, Duration generationRetention) {
    String have = engine.layoutOf(current);
    String want = engine.layout();
    if (want.equals(have)) {
      return new LayoutPlan(current, have, want, List.of());
    }
    long contacts = store.workspaces().stream().mapToLong(w -> store.contactCount(w.id())).sum();
    List<Step> steps =
        List.of(
            new Step(
                1,
                "create a new, empty generation with layout "
                    + want
                    + " beside the serving "
                    + current,
                false),
            new Step(
                2,
                "fill it from the store: "
                    + contacts
                    + " contacts, while "
                    + current
                    + " goes on serving",
                false),
            new Step(3, "catch it up from the oplog position noted before the fill", false),
            new Step(
                4,
                "check its contact counts per workspace against the store's at the same position; on any difference "
                    + "stop here and leave "
                    + current
                    + " serving as it is",
                false),
            new Step(
                5,
                "switch searches to the new generation in one atomic step ("
                    + (engine.shared() ? "the alias" : "CURRENT")
                    + "); "
                    + current
                    + " is kept",
                false),
            new Step(
                6,
                "delete the old generation "
                    + current
                    + " once the new one has served for --generation-retention ("
                    + generationRetention.toMinutes()
                    + " min), or at the next start",
                true));
    return new LayoutPlan(current, have, want, steps);
  }
}
