package dev.tally.bench.search;

import dev.tally.core.index.SearchPage;
import java.util.List;

/**
 * What each system answers for the segment: the count and the first page of ids (ascending); for
 * raw OpenSearch requests also OpenSearch's own {@code took} in milliseconds (else 0).
 */
record SegmentResult(long count, List<Long> ids, long took) {
  SegmentResult(long count, List<Long> ids) {
    this(count, ids, 0);
  }

  /** Tally's own answer, from its index. */
  static SegmentResult of(SearchPage page) {
    return new SegmentResult(page.total(), page.ids());
  }

  boolean sameAnswer(SegmentResult other) {
    return count == other.count && ids.equals(other.ids);
  }
}
