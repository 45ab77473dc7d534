package dev.tally.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tally.core.TallyException;
import dev.tally.store.jdbc.GroupCommitWriter;
import dev.tally.store.jdbc.JdbcStore;
import dev.tally.store.jdbc.JdbcWriteTx;
import dev.tally.store.jdbc.Sql;
import dev.tally.store.jdbc.StoreErrors;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import org.flywaydb.core.Flyway;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteDataSource;

/**
 * The embedded store: one SQLite file in WAL mode with synchronous=FULL, so a commit is durable
 * when it returns. Writes go through one {@link GroupCommitWriter}; reads use a small pool of
 * read-only connections, which WAL lets run beside the writer.
 */
public final class SqliteStore extends JdbcStore {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  /**
   * Tables whose ids come from an AUTOINCREMENT sequence, each started at its own offset in tests
   * (T8).
   */
  static final List<String> SEQUENCED_TABLES =
      List.of(
          "workspaces",
          "workspace_tokens",
          "admin_tokens",
          "contacts",
          "events",
          "data_attributes",
          "segments",
          "oplog",
          "tags",
          "admins",
          "notes",
          "companies",
          "campaigns",
          "sends",
          "subscription_types");

  private final SqliteOptions options;
  private final Connection writerConnection;
  private final HikariDataSource readers;

  private SqliteStore(
      SqliteOptions options,
      Connection writerConnection,
      GroupCommitWriter writer,
      HikariDataSource readers) {
    super(SqliteDialect.INSTANCE, writer);
    this.options = options;
    this.writerConnection = writerConnection;
    this.readers = readers;
  }

  /** Opens (creating and migrating as needed) the store in {@code options.file()}. */
  public static SqliteStore open(SqliteOptions options) {
    Path file = options.file().toAbsolutePath();
    try {
      dev.tally.core.PrivateFiles.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw TallyException.unavailable(
          "store_unavailable",
          "cannot create the data directory " + file.getParent() + ": " + e,
          e);
    }
    String url = "jdbc:sqlite:" + file;
    SQLiteDataSource writeSource = new SQLiteDataSource(config(false));
    writeSource.setUrl(url);
    Flyway.configure().dataSource(writeSource).locations("classpath:db/sqlite").load().migrate();
    Connection conn = null;
    try {
      conn = writeSource.getConnection();
      checkDurability(conn, file);
      if (options.testIdOffsets()) {
        startSequencesAboveTwoToThe32(conn);
      }
      Long head = new Sql(conn).queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog");
      GroupCommitWriter writer =
          new GroupCommitWriter(
              "tally-sqlite-writer",
              new SqliteSession(new Sql(conn)),
              SqliteDialect.INSTANCE,
              options.writerSettings(),
              head == null ? 0 : head);
      HikariConfig hc = new HikariConfig();
      SQLiteDataSource readSource = new SQLiteDataSource(config(true));
      readSource.setUrl(url);
      hc.setDataSource(readSource);
      hc.setPoolName("tally-sqlite-readers");
      hc.setReadOnly(true);
      hc.setMaximumPoolSize(options.readers());
      hc.setMinimumIdle(1);
      hc.setConnectionTimeout(5_000);
      LOG.atInfo()
          .addKeyValue("file", file.toString())
          .addKeyValue("head", writer.head())
          .log("store opened");
      return new SqliteStore(options, conn, writer, new HikariDataSource(hc));
    } catch (SQLException e) {
      closeQuietly(conn);
      throw TallyException.unavailable(
          "store_unavailable", "cannot open the store " + file + ": " + e.getMessage(), e);
    }
  }

  private static SQLiteConfig config(boolean readOnly) {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setBusyTimeout(5_000);
    c.enforceForeignKeys(true);
    c.setReadOnly(readOnly);
    // Deleted content is overwritten, so an erased contact's data does not linger in free pages.
    c.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    return c;
  }

  /** A write is acknowledged only after a durable commit: refuse to run otherwise. */
  private static void checkDurability(Connection conn, Path file) throws SQLException {
    Sql db = new Sql(conn);
    String mode = db.queryString("PRAGMA journal_mode");
    Long sync = db.queryLong("PRAGMA synchronous");
    db.close();
    if (!"wal".equalsIgnoreCase(mode) || sync == null || sync != 2) {
      throw new SQLException(
          "the store "
              + file
              + " must run with journal_mode=WAL and synchronous=FULL(2), but has journal_mode="
              + mode
              + " synchronous="
              + sync);
    }
  }

  private static void startSequencesAboveTwoToThe32(Connection conn) throws SQLException {
    Sql db = new Sql(conn);
    for (int i = 0; i < SEQUENCED_TABLES.size(); i++) {
      String table = SEQUENCED_TABLES.get(i);
      long offset = dev.tally.store.jdbc.TestIdOffsets.offset(table, i);
      Long seq = db.queryLong("SELECT seq FROM sqlite_sequence WHERE name = ?", table);
      if (seq == null) {
        db.update("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, offset);
      } else if (seq == 0) {
        // A migration's INSERT ... SELECT that inserted nothing (V7's) leaves a row at 0: unused.
        db.update("UPDATE sqlite_sequence SET seq = ? WHERE name = ?", offset, table);
      }
    }
    db.close();
  }

  public SqliteOptions options() {
    return options;
  }

  @Override
  public long head() {
    return writer.head();
  }

  @Override
  protected <T> T read(String what, Read<T> r) {
    try (Connection c = readers.getConnection();
        Sql db = new Sql(c)) {
      return r.run(db);
    } catch (SQLException e) {
      throw StoreErrors.wrap(SqliteDialect.INSTANCE, what, e);
    }
  }

  // Leases run on the writer thread like any write (the writer hands its tasks a JdbcWriteTx); the
  // clock is read there, so the expiry is judged at the moment of the write.
  @Override
  public boolean acquireLease(String name, String holder, Duration ttl) {
    return write(
            tx ->
                lease(
                    "take",
                    name,
                    () ->
                        SqliteLeases.acquire(
                            ((JdbcWriteTx) tx).sql(),
                            name,
                            holder,
                            options.clock().millis(),
                            ttl.toMillis())))
        .value();
  }

  @Override
  public void releaseLease(String name, String holder) {
    write(
        tx ->
            lease(
                "release",
                name,
                () -> {
                  SqliteLeases.release(((JdbcWriteTx) tx).sql(), name, holder);
                  return null;
                }));
  }

  private interface LeaseOp<T> {
    T run() throws SQLException;
  }

  private static <T> T lease(String verb, String name, LeaseOp<T> op) {
    try {
      return op.run();
    } catch (SQLException e) {
      throw StoreErrors.wrap(
          SqliteDialect.INSTANCE, verb + " the lease " + TallyException.quote(name), e);
    }
  }

  @Override
  public void close() {
    writer.close();
    readers.close();
    closeQuietly(writerConnection);
    LOG.info("store closed");
  }

  private static void closeQuietly(Connection c) {
    if (c != null) {
      try {
        c.close();
      } catch (SQLException ignored) {
        // closing anyway
      }
    }
  }
}
