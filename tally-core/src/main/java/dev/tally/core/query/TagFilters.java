package dev.tally.core.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps a deleted tag from matching. Deleting a tag takes its contacts' memberships away in bounded
 * batches (each re-projects its contacts), so for a while the index still holds the deleted tag's
 * id on contacts not yet reached. Before a query runs, every tag id it names that is not a live tag
 * of the workspace becomes {@link #NO_TAG}, an id no tag has (ids are positive): {@code tag_id =
 * deleted} then matches nothing and {@code != deleted} everything, in every evaluator, mid-way
 * through a deletion as after it.
 */
public final class TagFilters {
  /** The id no tag has. */
  public static final long NO_TAG = 0;

  private TagFilters() {}

  /** Every tag id the query names. */
  public static Set<Long> tagIds(Query q) {
    Set<Long> out = new HashSet<>();
    collect(q, out);
    return out;
  }

  private static void collect(Query q, Set<Long> out) {
    switch (q) {
      case Query.Group g -> g.children().forEach(c -> collect(c, out));
      case Query.Filter f -> {
        if (f.field() instanceof Field.TagId) {
          f.values().forEach(v -> out.add((Long) v));
        }
      }
    }
  }

  /**
   * {@code q} with each tag id that is not live replaced by {@link #NO_TAG}; {@code live} answers
   * which of a set of ids are live (called once, and only when the query names a tag).
   */
  public static Query onlyLive(Query q, Function<Set<Long>, Set<Long>> live) {
    Set<Long> named = tagIds(q);
    if (named.isEmpty()) {
      return q;
    }
    Set<Long> alive = live.apply(named);
    return alive.containsAll(named) ? q : replace(q, alive);
  }

  private static Query replace(Query q, Set<Long> alive) {
    return switch (q) {
      case Query.Group g -> {
        List<Query> children = new ArrayList<>(g.children().size());
        g.children().forEach(c -> children.add(replace(c, alive)));
        yield new Query.Group(g.logic(), children);
      }
      case Query.Filter f when f.field() instanceof Field.TagId -> {
        List<Object> values = new ArrayList<>(f.values().size());
        f.values().forEach(v -> values.add(alive.contains((Long) v) ? v : (Object) NO_TAG));
        yield new Query.Filter(f.field(), f.operator(), values, f.isNull());
      }
      case Query.Filter f -> f;
    };
  }
}
