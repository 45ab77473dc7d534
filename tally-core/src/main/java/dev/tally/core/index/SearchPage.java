package dev.tally.core.index;

import java.util.List;
import java.util.function.LongFunction;

/**
 * One page of hits (contact ids in order), the total number of matches, and the cursor after the
 * last hit (null at the end).
 */
public record SearchPage(List<Long> ids, long total, SearchRequest.Cursor next) {

  /**
   * The page of the first {@code limit} of {@code ids}, which an index fetched one past the limit
   * to know whether another page follows; the cursor is made from the last id on the page.
   */
  public static SearchPage of(
      List<Long> ids, int limit, long total, LongFunction<SearchRequest.Cursor> cursor) {
    if (ids.size() > limit) {
      List<Long> page = ids.subList(0, limit);
      return new SearchPage(List.copyOf(page), total, cursor.apply(page.get(limit - 1)));
    }
    return new SearchPage(List.copyOf(ids), total, null);
  }
}
