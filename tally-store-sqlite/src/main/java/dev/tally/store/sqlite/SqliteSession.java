package dev.tally.store.sqlite;

import dev.tally.store.jdbc.CountChanges;
import dev.tally.store.jdbc.Sql;
import dev.tally.store.jdbc.WriterSession;
import java.sql.SQLException;

/**
 * The writer's one connection to the SQLite file, for good. A batch begins with BEGIN IMMEDIATE,
 * which takes the file's write lock at once; since this connection assigns every oplog position,
 * positions grow in commit order and the head is what the writer last committed.
 */
final class SqliteSession implements WriterSession {
  private final Sql db;

  SqliteSession(Sql db) {
    this.db = db;
  }

  @Override
  public Sql connect() {
    return db;
  }

  @Override
  public long begin(long knownHead) throws SQLException {
    db.exec("BEGIN IMMEDIATE");
    return knownHead;
  }

  @Override
  public void commit(CountChanges counts) throws SQLException {
    counts.apply(db);
    db.exec("COMMIT");
  }

  @Override
  public void rollback() {
    try {
      db.exec("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction left to roll back
    }
  }

  @Override
  public void disconnect() {
    // the file does not go away; the connection is closed with the store
  }
}
