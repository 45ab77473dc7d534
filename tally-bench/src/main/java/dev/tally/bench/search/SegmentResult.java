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

  /**
   * Checks one round of answers: Tally's ({@code r[0]}) has the {@code expected} count and a full
   * page of 50, and every other system answered the same; the message names the first {@code
   * names.length} systems.
   */
  static void checkAgree(long expected, SegmentResult[] r, String... names) {
    boolean agree = r[0].count() == expected && r[0].ids().size() == 50;
    for (int i = 1; i < r.length; i++) {
      agree &= r[0].sameAnswer(r[i]);
    }
    if (!agree) {
      StringBuilder message =
          new StringBuilder("the systems disagree (expected count ").append(expected).append("): ");
      for (int i = 0; i < names.length; i++) {
        message.append(i == 0 ? "" : ", ").append(names[i]).append(' ').append(r[i]);
      }
      throw new IllegalStateException(message.toString());
    }
  }

  /** What {@link #checkAgree} established over {@code runs} rounds, for the report. */
  static String agreement(long expected, int runs) {
    return "all three returned count "
        + expected
        + " and the same 50 first-page ids in every one of "
        + runs
        + " runs";
  }

  boolean sameAnswer(SegmentResult other) {
    return count == other.count && ids.equals(other.ids);
  }
}
