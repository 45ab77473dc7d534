package dev.tally.store.jdbc;

/**
 * The database failures that are outages rather than bugs: each becomes a retriable 503 with
 * Retry-After. A failure a {@link Dialect} does not classify as one of these is a bug in Tally (a
 * 500, logged with its stack), never a 503 that would tell clients to retry the same mistake.
 */
public enum Outage {
  /** The connection is lost, refused, or the server is shutting down or starting up. */
  UNREACHABLE("store_unreachable", "the database is unreachable"),
  /** A lock, statement or busy timeout, a serialization failure or a deadlock. */
  BUSY("store_busy", "the database is busy"),
  /** Out of disk, memory or connections. */
  FULL("store_full", "the database is out of space or resources"),
  /** Connected to a read-only server, such as a standby before or after a failover. */
  READ_ONLY(
      "store_read_only", "the database accepts no writes (a standby, or a failover in progress)"),
  /** The database could not read or write its own files. */
  IO("store_io", "the database could not read or write its files");

  public final String code;
  public final String words;

  Outage(String code, String words) {
    this.code = code;
    this.words = words;
  }
}
