package dev.tally.core.query;

/**
 * Bounds on a query's shape and cost, so that no query can exhaust the stack, the heap or the
 * index's CPU. All are checked while parsing, before any index work, and each refusal is a 400
 * naming the limit.
 *
 * @param maxDepth deepest nesting of AND/OR groups
 * @param maxGroupSize most filters or groups in one group
 * @param maxListValues most values in one IN / NIN
 * @param maxFilters most filters in the whole query
 * @param maxPatterns most {@code ~}, {@code !~}, {@code ^} and {@code $} filters in the whole
 *     query: each is matched against the index's terms (an automaton for {@code ~}), the costly
 *     kind of filter
 * @param maxValues most values in the whole query (IN lists included): each is a term to look up
 */
public record QueryLimits(
    int maxDepth,
    int maxGroupSize,
    int maxListValues,
    int maxFilters,
    int maxPatterns,
    int maxValues) {
  public static final QueryLimits DEFAULTS = new QueryLimits(10, 100, 1000, 100, 20, 10_000);

  public QueryLimits {
    if (maxDepth < 1
        || maxGroupSize < 1
        || maxListValues < 1
        || maxFilters < 1
        || maxPatterns < 0
        || maxValues < 1) {
      throw new IllegalArgumentException("query limits must be positive");
    }
  }
}
