package dev.tally.bench;

/**
 * Something the write benchmark drives: each client thread opens its own session and writes one
 * new contact per call, durably, before the call returns.
 */
interface WriteTarget extends AutoCloseable {
  /** A short name for the report, such as "tally". */
  String name();

  /** Opens one client's session (its own HTTP client or its own JDBC connection). */
  Session openSession() throws Exception;

  /** How often a write had to be retried because SQLite reported the database busy (0 where it cannot happen). */
  default long busyRetries() {
    return 0;
  }

  @Override
  void close() throws Exception;

  /** One client: used by one thread only. */
  interface Session extends AutoCloseable {
    /** Writes contact number {@code n} (unique across the run) and returns once it is durable; throws on any failure. */
    void write(long n) throws Exception;

    @Override
    void close() throws Exception;
  }
}
