package dev.tally.store.jdbc;

import java.sql.SQLException;

/**
 * The writer's connection and its transaction control, which differ by database: SQLite has one
 * connection for good and begins with {@code BEGIN IMMEDIATE}; PostgreSQL takes its connection from
 * a data source (replaced when lost) and begins by taking the oplog's lock.
 */
public interface WriterSession {

  /**
   * The writer's connection, connecting if there is none (at first, or after {@link #disconnect}).
   */
  Sql connect() throws SQLException;

  /**
   * Connects if needed (and may replace a connection found dead), then begins a batch's transaction
   * so that oplog positions drawn in it are above every position already visible and grow in commit
   * order; returns the oplog head at that moment. {@code knownHead} is the head after this writer's
   * last commit.
   */
  long begin(long knownHead) throws SQLException;

  /**
   * Writes the batch's count changes, then commits (in as few round trips as the database allows).
   */
  void commit(CountChanges counts) throws SQLException;

  /** Rolls back the open transaction, if any; quietly, since it may be gone with its connection. */
  void rollback();

  /** Drops a connection that was lost; the next {@link #connect} opens a new one. */
  void disconnect();
}
