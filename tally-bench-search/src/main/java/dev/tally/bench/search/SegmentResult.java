package dev.tally.bench.search;

import java.util.List;

/** What each system answers for the segment: the count and the first page of ids (ascending). */
record SegmentResult(long count, List<Long> ids) {}
