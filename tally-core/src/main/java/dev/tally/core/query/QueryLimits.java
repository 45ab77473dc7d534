package dev.tally.core.query;

/** Bounds on a query's shape, so that no query can exhaust the stack, the heap or the index. */
public record QueryLimits(int maxDepth, int maxGroupSize, int maxListValues) {
  public static final QueryLimits DEFAULTS = new QueryLimits(10, 100, 1000);
}
