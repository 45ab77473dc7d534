package dev.tally.core.index;

import dev.tally.core.query.Query;

/**
 * A search within one workspace: the query, an optional sort, the page size, and where the last
 * page ended ({@code after}, null for the first page). {@code nowSeconds} resolves relative times.
 */
public record SearchRequest(
    long workspaceId, Query query, Sort sort, int limit, Cursor after, long nowSeconds) {

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
