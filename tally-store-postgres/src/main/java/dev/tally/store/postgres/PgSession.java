package dev.tally.store.postgres;

import dev.tally.store.jdbc.Sql;
import dev.tally.store.jdbc.StoreErrors;
import dev.tally.store.jdbc.WriterSession;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/**
 * The writer's connection to PostgreSQL, replaced when it is lost.
 *
 * <p>Several Tally processes may write to one database, and the oplog must never skip (a reader
 * must not pass a position whose transaction commits later). So every batch first takes one
 * transaction-scoped advisory lock per schema and only then draws oplog positions from the
 * sequence (the function {@code tally_begin_write()}, which also returns the head). PostgreSQL
 * makes a commit visible before it releases the committing transaction's locks, so the next batch,
 * in any process, draws its positions only after every lower position is visible: position order
 * is commit order. The price is that write transactions on one database run one at a time; group
 * commit, and few round trips per batch, are what keep that cheap.
 */
final class PgSession implements WriterSession {
  private final DataSource source;
  private Sql db; // null until (re)connected

  PgSession(DataSource source) {
    this.source = source;
  }

  @Override
  public Sql connect() throws SQLException {
    if (db == null) {
      Connection c = source.getConnection();
      try {
        c.setAutoCommit(false);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      db = new Sql(c);
    }
    return db;
  }

  /** A connection that died while idle (the database restarted since the last batch) is replaced once, before any task has run. */
  @Override
  public long begin(long knownHead) throws SQLException {
    boolean fresh = db == null;
    try {
      return lockOplog();
    } catch (SQLException e) {
      if (fresh || !StoreErrors.connectionLost(PgDialect.INSTANCE, e)) {
        throw e;
      }
      disconnect();
      return lockOplog();
    }
  }

  private long lockOplog() throws SQLException {
    Long head = connect().queryLong("SELECT tally_begin_write()");
    return head == null ? 0 : head;
  }

  @Override
  public void commit() throws SQLException {
    db.connection().commit();
  }

  @Override
  public void rollback() {
    try {
      if (db != null) {
        db.connection().rollback();
      }
    } catch (SQLException ignored) {
      // no transaction left to roll back, or no connection
    }
  }

  @Override
  public void disconnect() {
    if (db == null) {
      return;
    }
    db.close();
    try {
      db.connection().close();
    } catch (SQLException ignored) {
      // the connection is already gone
    }
    db = null;
  }
}
