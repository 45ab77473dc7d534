package dev.tally.core.index;

import dev.tally.core.query.Query;

/**
 * A search within one workspace: the query, an optional sort, the page size, and where the last
 * page ended ({@code after}, null for the first page). {@code nowSeconds} resolves relative times.
 */
public record SearchRequest(long workspaceId, Query query, Sort sort, int limit, Cursor after, long nowSeconds) {

  /** Sort by a numeric or date field (or id), ascending or descending; ties broken by id. */
  public record Sort(dev.tally.core.query.Field field, boolean descending) {}

  /** The sort key and id of the last hit of the previous page. */
  public record Cursor(long sortKey, long id) {}
}
