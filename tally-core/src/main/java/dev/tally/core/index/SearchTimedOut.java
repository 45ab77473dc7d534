package dev.tally.core.index;

/**
 * Thrown by an index whose search passed its request's deadline: the work stopped, no partial
 * answer is given. The server answers 503 (the query's cost is bounded before it runs, so a
 * deadline is passed under load, and a retry can succeed).
 */
public final class SearchTimedOut extends RuntimeException {
  public SearchTimedOut(String message) {
    super(message);
  }
}
