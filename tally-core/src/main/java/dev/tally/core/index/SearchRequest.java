package dev.tally.core.index;

import dev.tally.core.query.Query;

/**
 * A search within one workspace: the query, an optional sort, the page size, and where the last
 * page ended ({@code after}, null for the first page). {@code nowSeconds} resolves relative times.
 * {@code deadlineNanos} (on {@link System#nanoTime()}'s clock) is when the index should give up and
 * throw {@link SearchTimedOut}; {@link #NO_DEADLINE} for none.
 */
public record SearchRequest(
    long workspaceId,
    Query query,
    Sort sort,
    int limit,
    Cursor after,
    long nowSeconds,
    long deadlineNanos) {

  public static final long NO_DEADLINE = Long.MAX_VALUE;

  public SearchRequest(
      long workspaceId, Query query, Sort sort, int limit, Cursor after, long nowSeconds) {
    this(workspaceId, query, sort, limit, after, nowSeconds, NO_DEADLINE);
  }

  /** Whether the deadline has passed. */
  public boolean pastDeadline() {
    return deadlineNanos != NO_DEADLINE && System.nanoTime() - deadlineNanos > 0;
  }

  /** Milliseconds left before the deadline (at least 1), or -1 when there is none. */
  public long millisLeft() {
    if (deadlineNanos == NO_DEADLINE) {
      return -1;
    }
    return Math.max(1, (deadlineNanos - System.nanoTime()) / 1_000_000);
  }

  /**
   * Sort by a numeric or date field (or id), ascending or descending; ties broken by id; contacts
   * without a value last.
   */
  public record Sort(dev.tally.core.query.Field field, boolean descending) {}

  /**
   * Where the previous page ended: its last hit's sort key (a long, or a double's bits for float
   * fields), whether that hit had no value for the sort field, and its id.
   */
  public record Cursor(long sortKey, boolean missing, long id) {
    public static Cursor afterId(long id) {
      return new Cursor(0, false, id);
    }
  }
}
