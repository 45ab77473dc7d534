package dev.tally.core.query;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Keeps a deleted tag or company from matching. Deleting one takes its contacts' memberships away
 * in bounded batches (each re-projects its contacts), so for a while the index still holds the
 * deleted id on contacts not yet reached. Before a query runs, every tag (company) id it names that
 * is not a live tag (company) of the workspace becomes {@link #NO_MEMBER}, an id nothing has (ids
 * are positive): {@code tag_id = deleted} then matches nothing and {@code != deleted} everything,
 * in every evaluator, mid-way through a deletion as after it.
 */
public final class MemberFilters {
  /** The id no tag or company has. */
  public static final long NO_MEMBER = 0;

  private MemberFilters() {}

  /** Every id of this kind the query names. */
  public static Set<Long> ids(Query q, Field.Members.Kind kind) {
    Set<Long> out = new HashSet<>();
    collect(q, kind, out);
    return out;
  }

  private static void collect(Query q, Field.Members.Kind kind, Set<Long> out) {
    switch (q) {
      case Query.Group g -> g.children().forEach(c -> collect(c, kind, out));
      case Query.Not n -> collect(n.child(), kind, out);
      case Query.Filter f -> {
        if (f.field() instanceof Field.Members m && m.kind() == kind) {
          f.values().forEach(v -> out.add((Long) v));
        }
      }
    }
  }

  /**
   * {@code q} with each id of this kind that is not live replaced by {@link #NO_MEMBER}; {@code
   * live} answers which of a set of ids are live (called once, and only when the query names one).
   */
  public static Query onlyLive(
      Query q, Field.Members.Kind kind, Function<Set<Long>, Set<Long>> live) {
    Set<Long> named = ids(q, kind);
    if (named.isEmpty()) {
      return q;
    }
    Set<Long> alive = live.apply(named);
    return alive.containsAll(named) ? q : replace(q, kind, alive);
  }

  private static Query replace(Query q, Field.Members.Kind kind, Set<Long> alive) {
    return switch (q) {
      case Query.Group g -> {
        List<Query> children = new ArrayList<>(g.children().size());
        g.children().forEach(c -> children.add(replace(c, kind, alive)));
        yield new Query.Group(g.logic(), children);
      }
      case Query.Not n -> new Query.Not(replace(n.child(), kind, alive));
      case Query.Filter f when f.field() instanceof Field.Members m && m.kind() == kind -> {
        List<Object> values = new ArrayList<>(f.values().size());
        f.values().forEach(v -> values.add(alive.contains((Long) v) ? v : (Object) NO_MEMBER));
        yield new Query.Filter(f.field(), f.operator(), values, f.isNull());
      }
      case Query.Filter f -> f;
    };
  }
}
