package dev.tally.bench;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.LongAdder;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/**
 * The baseline Tally is measured against: the simplest durable way to store the same documents, a
 * prepared upsert on its own connection per client, committed row by row (autocommit), with the
 * pragmas of Tally's store (WAL, synchronous=FULL, busy_timeout=5000, foreign_keys, secure_delete).
 * No HTTP, no JSON parsing, no identities or oplog: only SQLite and the fsync.
 */
final class BareSqliteTarget implements LoadTarget {
  private static final String UPSERT =
      "INSERT INTO contacts (external_id, doc) VALUES (?, ?) ON CONFLICT (external_id) DO UPDATE SET doc = excluded.doc";

  private final SQLiteDataSource source;
  private final LongAdder busyRetries = new LongAdder();

  private BareSqliteTarget(SQLiteDataSource source) {
    this.source = source;
  }

  static BareSqliteTarget create(Path file) throws SQLException {
    SQLiteDataSource source = new SQLiteDataSource(tallyPragmas());
    source.setUrl("jdbc:sqlite:" + file.toAbsolutePath());
    try (Connection c = source.getConnection();
        Statement s = c.createStatement()) {
      s.execute(
          "CREATE TABLE contacts (id INTEGER PRIMARY KEY, external_id TEXT UNIQUE, doc TEXT)");
      requireDurable(s);
    }
    return new BareSqliteTarget(source);
  }

  /** The same settings as SqliteStore's writer connection. */
  private static SQLiteConfig tallyPragmas() {
    return dev.tally.bench.common.SqlitePragmas.tallyWriter();
  }

  /**
   * The comparison is only fair if every commit here is as durable as Tally's: check, do not
   * assume.
   */
  private static void requireDurable(Statement s) throws SQLException {
    String mode;
    int sync;
    try (ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      mode = rs.getString(1);
    }
    try (ResultSet rs = s.executeQuery("PRAGMA synchronous")) {
      rs.next();
      sync = rs.getInt(1);
    }
    if (!"wal".equalsIgnoreCase(mode) || sync != 2) {
      throw new IllegalStateException(
          "bare loop must run with journal_mode=WAL, synchronous=FULL; got " + mode + ", " + sync);
    }
  }

  @Override
  public String name() {
    return "bare";
  }

  @Override
  public long busyRetries() {
    return busyRetries.sum();
  }

  @Override
  public Session openSession() throws SQLException {
    Connection conn = source.getConnection(); // autocommit: one durable commit per executeUpdate
    PreparedStatement upsert = conn.prepareStatement(UPSERT);
    return new Session() {
      @Override
      public void call(long n) throws SQLException {
        upsert.setString(1, ContactBodies.externalId(n));
        upsert.setString(2, ContactBodies.json(n));
        while (true) {
          try {
            upsert.executeUpdate();
            return;
          } catch (SQLiteException e) {
            // busy_timeout already waited up to 5 s; count it and try again rather than drop the
            // write
            if ((e.getErrorCode() & 0xff)
                != SQLiteErrorCode.SQLITE_BUSY.code) { // also SQLITE_BUSY_SNAPSHOT etc.
              throw e;
            }
            busyRetries.increment();
          }
        }
      }

      @Override
      public void close() throws SQLException {
        upsert.close();
        conn.close();
      }
    };
  }

  @Override
  public void close() {
    // connections belong to the sessions; nothing shared to release
  }
}
