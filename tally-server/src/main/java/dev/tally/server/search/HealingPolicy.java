package dev.tally.server.search;

import dev.tally.core.index.IndexEngine;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * When the serving index must be replaced, and why. At start-up and then every second it checks
 * that the index's files are there (a searcher keeps deleted files open, so a wiped index would
 * otherwise go on answering until its next reopen), every 30 s that their checksums hold, that the
 * index can still follow the oplog, and it acts on readiness when the index's counts disagree with
 * the store's at the same position: first a verify-and-repair, then, if that does not fix it, a
 * rebuild ("the index heals without a restart", docs/invariants.md).
 */
final class HealingPolicy {
  private static final Logger LOG = LoggerFactory.getLogger(HealingPolicy.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  static final int DEEP_EVERY_CHECKS = 30;

  /**
   * Counts that disagree for this many checks in a row are acted on (one could be a write in
   * between).
   */
  static final int MISMATCHES_BEFORE_ACTING = 3;

  /** Why an index is replaced. */
  enum Reason {
    /** The store has contacts but the index has no generation at all. */
    MISSING,
    /**
     * Files lost, emptied or failing their checksums, or an OpenSearch index deleted behind the
     * alias.
     */
    DAMAGED,
    /** The oplog was pruned past the index's position: replay would leave a gap. */
    PRUNED_PAST,
    /**
     * The index holds positions the store has not handed out (the store was restored from a
     * backup).
     */
    AHEAD_OF_STORE,
    /** Its counts differ from the store's and a repair did not fix them. */
    COUNTS_DIFFER,
    /** An operator asked for it (tally restore). */
    ASKED
  }

  /** A reason with its particulars, in words for readiness and logs. */
  record Cause(Reason reason, String detail, boolean atStartUp) {
    String words() {
      return atStartUp ? "at start-up " + detail : detail;
    }

    Cause foundAtStartUp() {
      return new Cause(reason, detail, true);
    }
  }

  /** Null while the index at {@code written} can follow the oplog; otherwise why not. */
  static Cause cannotCatchUp(Store store, long written) {
    long floor = store.oplogFloor();
    if (written < floor) {
      return new Cause(
          Reason.PRUNED_PAST,
          "the index is at oplog position "
              + written
              + ", but the oplog was pruned up to "
              + floor
              + " (retention); it cannot catch up by replay",
          false);
    }
    long head = store.head();
    // The SQLite store publishes its head just after the commit that readers can already see, so
    // the projector may have applied an entry that head() does not count yet: the index is ahead
    // only if the oplog holds nothing at or past its position. (Judged by head() alone, steady
    // writes made the healer rebuild a sound index now and then.)
    if (written > head && store.oplog(written - 1, 1).isEmpty()) {
      // Positions the store will hand out again would be skipped: the index must not be trusted.
      return new Cause(
          Reason.AHEAD_OF_STORE,
          "the index is at oplog position "
              + written
              + ", ahead of the store's head "
              + head
              + " (was the store restored from a backup?)",
          false);
    }
    return null;
  }

  /**
   * What is wrong with the serving generation at start-up, before it is opened; null when nothing
   * is.
   */
  static Cause atStartUp(Store store, IndexEngine engine, String current) {
    if (!engine.exists(current)) {
      // A generation that does not exist yet is a new index, unless the store has contacts: then it
      // was lost, and a rebuild (a bulk load) brings it back faster than replaying the whole oplog.
      boolean hasContacts =
          store.workspaces().stream().anyMatch(w -> store.contactCount(w.id()) > 0);
      return hasContacts
          ? new Cause(Reason.MISSING, "the index " + current + " is missing", true)
          : null;
    }
    String damage = engine.damage(current, true);
    return damage == null ? null : new Cause(Reason.DAMAGED, damage, true);
  }

  private final IndexManager indexes;
  private final IndexEngine engine;
  private final Store store;
  private final Supplier<IndexReadiness.State> readiness;
  private int checks;
  private int mismatches;

  HealingPolicy(
      IndexManager indexes,
      IndexEngine engine,
      Store store,
      Supplier<IndexReadiness.State> readiness) {
    this.indexes = indexes;
    this.engine = engine;
    this.store = store;
    this.readiness = readiness;
  }

  Scheduler.Task schedule(Scheduler scheduler) {
    return scheduler.every("index-healer", CHECK_EVERY, this::check);
  }

  /** One check; the scheduler runs it every second, never two at once. */
  void check() {
    if (indexes.rebuilding()) {
      return;
    }
    checks++;
    String damage = engine.damage(indexes.servingGeneration(), checks % DEEP_EVERY_CHECKS == 0);
    Cause cause =
        damage != null
            ? new Cause(Reason.DAMAGED, damage, false)
            : cannotCatchUp(store, Projector.written(indexes.serving()));
    if (cause != null) {
      indexes.startHealing(cause);
      return;
    }
    mismatches = countsDisagree() ? mismatches + 1 : 0;
    if (mismatches >= MISMATCHES_BEFORE_ACTING) {
      mismatches = 0;
      Verifier.Report r = indexes.verify(true);
      if (!r.agree()) {
        indexes.startHealing(
            new Cause(
                Reason.COUNTS_DIFFER,
                "the index's contact counts differ from the store's and a repair did not "
                    + "fix it ("
                    + r.differences().size()
                    + " contacts still differ)",
                false));
      } else {
        LOG.atWarn()
            .addKeyValue("repaired", r.repaired())
            .log("the index's counts differed from the store's; repaired");
      }
    }
  }

  private boolean countsDisagree() {
    IndexReadiness.State s = readiness.get();
    return s != null && s.countsDiffer();
  }
}
