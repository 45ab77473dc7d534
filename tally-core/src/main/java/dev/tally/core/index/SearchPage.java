package dev.tally.core.index;

import java.util.List;

/**
 * One page of hits (contact ids in order), the total number of matches, and the cursor after the
 * last hit (null at the end).
 */
public record SearchPage(List<Long> ids, long total, SearchRequest.Cursor next) {}
