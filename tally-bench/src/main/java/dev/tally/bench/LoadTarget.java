package dev.tally.bench;

/**
 * Something the benchmark drives with closed-loop clients: each client thread opens its own session
 * and calls it again as soon as the previous call has returned.
 */
interface LoadTarget extends AutoCloseable {
  /** A short name for the report, such as "api" or "bare". */
  String name();

  /** Opens one client's session (its own HTTP client or its own JDBC connection). */
  Session openSession() throws Exception;

  /**
   * How often a call had to be retried because SQLite reported the database busy (0 where it cannot
   * happen).
   */
  default long busyRetries() {
    return 0;
  }

  @Override
  void close() throws Exception;

  /** One client: used by one thread only. */
  interface Session extends AutoCloseable {
    /**
     * Does operation number {@code n} (unique across the run) and returns once it is done (durable,
     * for writes); throws on any failure.
     */
    void call(long n) throws Exception;

    @Override
    void close() throws Exception;
  }
}
