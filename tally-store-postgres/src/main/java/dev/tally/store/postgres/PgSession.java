package dev.tally.store.postgres;

import dev.tally.store.jdbc.CountChanges;
import dev.tally.store.jdbc.Sql;
import dev.tally.store.jdbc.StoreErrors;
import dev.tally.store.jdbc.WriterSession;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import javax.sql.DataSource;
import org.postgresql.core.BaseConnection;
import org.postgresql.core.TransactionState;

/**
 * The writer's connection to PostgreSQL, replaced when it is lost.
 *
 * <p>Several Tally processes may write to one database, and the oplog must never skip (a reader
 * must not pass a position whose transaction commits later). So every batch first takes one
 * transaction-scoped advisory lock per schema and only then draws oplog positions from the sequence
 * (the function {@code tally_begin_write()}, which also returns the head). PostgreSQL makes a
 * commit visible before it releases the committing transaction's locks, so the next batch, in any
 * process, draws its positions only after every lower position is visible: position order is commit
 * order. The price is that write transactions on one database run one at a time; group commit, and
 * few round trips per batch, are what keep that cheap.
 *
 * <p>The connection stays in autocommit mode and the session sends BEGIN and COMMIT itself, so that
 * each travels with other statements: BEGIN with the lock ({@code BEGIN; SELECT
 * tally_begin_write()}), COMMIT after the batch's count updates. pgjdbc sends the statements of one
 * such string together and reads their answers after, one round trip for each pair; each statement
 * still gets its own snapshot, so the head is read after the lock is held.
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
        c.setAutoCommit(true);
      } catch (SQLException e) {
        c.close();
        throw e;
      }
      db = new Sql(c);
    }
    return db;
  }

  /**
   * A connection that died while idle (the database restarted since the last batch) is replaced
   * once, before any task has run.
   */
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
    PreparedStatement begin = connect().prepare("BEGIN; SELECT tally_begin_write()");
    begin.execute();
    while (begin.getResultSet() == null) {
      if (!begin.getMoreResults() && begin.getUpdateCount() == -1) {
        throw new SQLException("tally_begin_write() returned nothing");
      }
    }
    try (ResultSet rs = begin.getResultSet()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  @Override
  public void commit(CountChanges counts) throws SQLException {
    BaseConnection c = db.connection().unwrap(BaseConnection.class);
    // PostgreSQL answers the COMMIT of a failed transaction with ROLLBACK, not an error; a failed
    // statement after this point (a count update) makes pgjdbc throw, so only this case is left.
    if (c.getTransactionState() != TransactionState.OPEN) {
      throw new SQLException(
          "the write transaction cannot be committed (transaction state "
              + c.getTransactionState()
              + ")",
          "25P02");
    }
    try (Statement s = c.createStatement()) {
      s.execute(counts.inlined() + "COMMIT");
    }
  }

  @Override
  public void rollback() {
    try {
      if (db != null) {
        db.exec("ROLLBACK");
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
