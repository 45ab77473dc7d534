package dev.tally.store.sqlite;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.Event;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Page;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WriteWork;
import dev.tally.core.store.Written;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.util.Optional;
import java.util.OptionalLong;
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
public final class SqliteStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(SqliteStore.class);

  /** Tables whose ids come from an AUTOINCREMENT sequence, each started at its own offset in tests (T8). */
  static final List<String> SEQUENCED_TABLES =
      List.of("workspaces", "workspace_tokens", "admin_tokens", "contacts", "events", "data_attributes", "oplog");

  private final SqliteOptions options;
  private final Connection writerConnection;
  private final GroupCommitWriter writer;
  private final HikariDataSource readers;

  private SqliteStore(SqliteOptions options, Connection writerConnection, GroupCommitWriter writer, HikariDataSource readers) {
    this.options = options;
    this.writerConnection = writerConnection;
    this.writer = writer;
    this.readers = readers;
  }

  /** Opens (creating and migrating as needed) the store in {@code options.file()}. */
  public static SqliteStore open(SqliteOptions options) {
    Path file = options.file().toAbsolutePath();
    try {
      Files.createDirectories(file.getParent());
    } catch (java.io.IOException e) {
      throw TallyException.unavailable("store_unavailable", "cannot create the data directory " + file.getParent() + ": " + e, e);
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
      GroupCommitWriter writer = new GroupCommitWriter(conn, options);
      HikariConfig hc = new HikariConfig();
      SQLiteDataSource readSource = new SQLiteDataSource(config(true));
      readSource.setUrl(url);
      hc.setDataSource(readSource);
      hc.setPoolName("tally-sqlite-readers");
      hc.setReadOnly(true);
      hc.setMaximumPoolSize(options.readers());
      hc.setMinimumIdle(1);
      hc.setConnectionTimeout(5_000);
      LOG.atInfo().addKeyValue("file", file.toString()).addKeyValue("head", writer.head()).log("store opened");
      return new SqliteStore(options, conn, writer, new HikariDataSource(hc));
    } catch (SQLException e) {
      closeQuietly(conn);
      throw TallyException.unavailable("store_unavailable", "cannot open the store " + file + ": " + e.getMessage(), e);
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
      throw new SQLException("the store " + file + " must run with journal_mode=WAL and synchronous=FULL(2), but has journal_mode="
          + mode + " synchronous=" + sync);
    }
  }

  private static void startSequencesAboveTwoToThe32(Connection conn) throws SQLException {
    Sql db = new Sql(conn);
    for (int i = 0; i < SEQUENCED_TABLES.size(); i++) {
      String table = SEQUENCED_TABLES.get(i);
      // Above 2^53 and odd, so an id that passes through a double (JavaScript's number) loses its last digit.
      long offset = (1L << 53) + ((long) (i + 1) << 36) + 1;
      if (db.queryLong("SELECT seq FROM sqlite_sequence WHERE name = ?", table) == null) {
        db.update("INSERT INTO sqlite_sequence (name, seq) VALUES (?, ?)", table, offset);
      }
    }
    db.close();
  }

  public SqliteOptions options() {
    return options;
  }

  @Override
  public <T> Written<T> write(WriteWork<T> work) {
    return writer.submit(work, null);
  }

  @Override
  public <T> List<Outcome<T>> writeEach(List<WriteWork<T>> works) {
    return writer.submitEach(works);
  }

  @Override
  public Written<StoredResponse> writeOnce(long workspaceId, String key, String fingerprint, WriteWork<StoredResponse> work) {
    return writer.submit(work, new GroupCommitWriter.Idempotency(workspaceId, key, fingerprint));
  }

  @Override
  public long head() {
    return writer.head();
  }

  @Override
  public long oplogFloor() {
    Long floor = read("read the oplog floor", db -> db.queryLong("SELECT position FROM oplog_floor WHERE id = 1"));
    return floor == null ? 0 : floor;
  }

  /** A read on a pooled read-only connection. */
  private interface Read<T> {
    T run(Sql db) throws SQLException;
  }

  private <T> T read(String what, Read<T> r) {
    try (Connection c = readers.getConnection(); Sql db = new Sql(c)) {
      return r.run(db);
    } catch (SQLException e) {
      throw SqliteErrors.wrap(what, e);
    }
  }

  @Override
  public List<OplogEntry> oplog(long after, int limit) {
    return read("read the oplog", db -> SqliteReads.oplog(db, after, limit));
  }

  @Override
  public List<Workspace> workspaces() {
    return read("list workspaces", db -> SqliteReads.workspaces(db, null));
  }

  @Override
  public Optional<Workspace> workspace(long id) {
    return read("read a workspace", db -> SqliteReads.workspaces(db, id).stream().findFirst());
  }

  @Override
  public List<TokenInfo> tokens(long workspaceId) {
    return read("list tokens", db -> SqliteReads.tokens(db, workspaceId));
  }

  @Override
  public OptionalLong workspaceForToken(String tokenHash) {
    Long ws = read("check a token", db -> db.queryLong("SELECT workspace_id FROM workspace_tokens WHERE token_hash = ?", tokenHash));
    return ws == null ? OptionalLong.empty() : OptionalLong.of(ws);
  }

  @Override
  public boolean isAdminToken(String tokenHash) {
    return read("check a token", db -> db.exists("SELECT 1 FROM admin_tokens WHERE token_hash = ?", tokenHash));
  }

  @Override
  public boolean hasAdminToken() {
    return read("check admin tokens", db -> db.exists("SELECT 1 FROM admin_tokens"));
  }

  @Override
  public Optional<Contact> contact(long workspaceId, long contactId) {
    return read("read a contact", db -> SqliteReads.contact(db, workspaceId, contactId));
  }

  @Override
  public Optional<Contact> findContact(long workspaceId, ContactRef ref) {
    return read("find a contact", db -> SqliteReads.findContact(db, workspaceId, ref));
  }

  @Override
  public Page<Contact> contacts(long workspaceId, long afterId, int limit) {
    return read("list contacts", db -> SqliteReads.contacts(db, workspaceId, afterId, limit));
  }

  @Override
  public long contactCount(long workspaceId) {
    return read("count contacts", db -> SqliteReads.contactCount(db, workspaceId));
  }

  @Override
  public Page<Event> events(long workspaceId, long contactId, long beforeId, int limit) {
    return read("list events", db -> SqliteReads.events(db, workspaceId, contactId, beforeId, limit));
  }

  @Override
  public List<EventSummary> eventSummaries(long workspaceId, long contactId) {
    return read("read event summaries", db -> SqliteReads.eventSummaries(db, workspaceId, contactId));
  }

  @Override
  public List<DataAttribute> dataAttributes(long workspaceId) {
    return read("list data attributes", db -> SqliteReads.dataAttributes(db, workspaceId));
  }

  @Override
  public List<ContactDocument> documents(Collection<Long> contactIds) {
    // One read transaction: each document and its event summaries come from the same snapshot.
    return read("read documents", db -> {
      db.connection().setAutoCommit(false);
      try {
        return SqliteReads.documents(db, contactIds);
      } finally {
        db.connection().rollback();
        db.connection().setAutoCommit(true);
      }
    });
  }

  @Override
  public List<ContactDocument> documentsAfter(long afterId, int limit) {
    return read("read documents", db -> {
      db.connection().setAutoCommit(false);
      try {
        return SqliteReads.documentsAfter(db, afterId, limit);
      } finally {
        db.connection().rollback();
        db.connection().setAutoCommit(true);
      }
    });
  }

  @Override
  public List<VersionDigest> versionDigests() {
    return read("digest contact versions", SqliteReads::versionDigests);
  }

  @Override
  public List<IdVersion> versions(long fromId, long toId) {
    return read("list contact versions", db -> SqliteReads.versions(db, fromId, toId));
  }

  @Override
  public List<Long> contactIds(long afterId, int limit) {
    return read("list contact ids", db -> SqliteReads.contactIds(db, afterId, limit));
  }

  // Leases run on the writer thread like any write (the cast is safe: the writer hands its tasks a
  // SqliteWriteTx); the clock is read there, so the expiry is judged at the moment of the write.
  @Override
  public boolean acquireLease(String name, String holder, Duration ttl) {
    return writer.submit(tx -> ((SqliteWriteTx) tx).acquireLease(name, holder, options.clock().millis(), ttl.toMillis()), null).value();
  }

  @Override
  public void releaseLease(String name, String holder) {
    writer.submit(tx -> {
      ((SqliteWriteTx) tx).releaseLease(name, holder);
      return null;
    }, null);
  }

  @Override
  public String unhealthyReason() {
    String w = writer.failure();
    if (w != null) {
      return w;
    }
    try {
      read("check the store", db -> db.queryLong("SELECT 1"));
      return null;
    } catch (TallyException e) {
      return e.getMessage();
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
