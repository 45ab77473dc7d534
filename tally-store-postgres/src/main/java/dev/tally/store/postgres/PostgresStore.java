package dev.tally.store.postgres;

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
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicBoolean;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production store: PostgreSQL, shared by any number of Tally processes. Writes go through
 * one {@link PgWriter} per process (group commit; oplog positions drawn under one advisory lock, so
 * they grow in commit order across processes); reads and leases use a HikariCP pool. Nothing is
 * cached in the process that another process could change: even {@link #head()} asks the database.
 */
public final class PostgresStore implements Store {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);

  /** Key columns fed by an identity sequence, each started at its own offset in tests (T8). */
  static final List<String[]> SEQUENCED_COLUMNS = List.of(
      new String[] {"workspaces", "id"}, new String[] {"workspace_tokens", "id"}, new String[] {"admin_tokens", "id"},
      new String[] {"contacts", "id"}, new String[] {"events", "id"}, new String[] {"data_attributes", "id"},
      new String[] {"oplog", "position"});

  private final PostgresOptions options;
  private final PgWriter writer;
  private final HikariDataSource pool;
  private final AtomicBoolean closed = new AtomicBoolean();
  /** Since when reads find the database unreachable (System.nanoTime); 0 while it is reachable. */
  private volatile long unreachableSinceNanos;
  private volatile String unreachableWhy;
  private final java.util.concurrent.atomic.AtomicLong lastProbeNanos = new java.util.concurrent.atomic.AtomicLong();
  private final AtomicBoolean probing = new AtomicBoolean();
  private static final long UNREACHABLE_PROBE_EVERY_NANOS = 1_000_000_000L;

  private PostgresStore(PostgresOptions options, PgWriter writer, HikariDataSource pool) {
    this.options = options;
    this.writer = writer;
    this.pool = pool;
  }

  /** Opens the store at {@code options.url()}, creating the schema and migrating it as needed. */
  public static PostgresStore open(PostgresOptions options) {
    var migrations = PgConnections.dataSource(options, "tally-migrate", null);
    try {
      FluentConfiguration flyway = Flyway.configure().dataSource(migrations).locations("classpath:db/postgres");
      if (options.schema() != null) {
        flyway.schemas(options.schema()).defaultSchema(options.schema());
      }
      flyway.load().migrate();
    } catch (FlywayException e) {
      throw TallyException.unavailable("store_unavailable", "cannot open the store at " + options.url() + ": " + rootMessage(e), e);
    }
    if (options.testIdOffsets()) {
      try (Connection c = migrations.getConnection()) {
        startSequencesAboveTwoToThe53(c);
      } catch (SQLException e) {
        throw PgErrors.wrap("start the test id offsets", e);
      }
    }
    HikariDataSource pool;
    try {
      pool = PgConnections.pool(options);
    } catch (RuntimeException e) {
      throw TallyException.unavailable("store_unavailable", "cannot open the store at " + options.url() + ": " + rootMessage(e), e);
    }
    PgWriter writer = new PgWriter(PgConnections.writer(options), options);
    PostgresStore store = new PostgresStore(options, writer, pool);
    LOG.atInfo().addKeyValue("url", options.url()).addKeyValue("schema", options.schema()).addKeyValue("head", store.head())
        .log("store opened");
    return store;
  }

  private static void startSequencesAboveTwoToThe53(Connection c) throws SQLException {
    Sql db = new Sql(c);
    for (int i = 0; i < SEQUENCED_COLUMNS.size(); i++) {
      String[] tc = SEQUENCED_COLUMNS.get(i);
      String seq = db.queryString("SELECT pg_get_serial_sequence(?, ?)", tc[0], tc[1]);
      // Above 2^53 and odd, so an id that passes through a double (JavaScript's number) loses its last digit.
      long offset = (1L << 53) + ((long) (i + 1) << 36) + 1;
      // Only a sequence never used: reopening a store must not rewind it. (seq is the catalog's quoted name.)
      if (db.exists("SELECT 1 FROM " + seq + " WHERE NOT is_called")) {
        db.queryLong("SELECT setval(?::regclass, ?, false)", seq, offset);
      }
    }
    db.close();
  }

  private static String rootMessage(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null) {
      t = t.getCause();
    }
    return PgErrors.connectionLost(e) ? "the database is unreachable (" + t.getMessage() + ")" : t.getMessage();
  }

  public PostgresOptions options() {
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
    return writer.submit(work, new PgWriter.Idempotency(workspaceId, key, fingerprint));
  }

  /** Asks the database: another process may have written since. */
  @Override
  public long head() {
    return read("read the oplog head", db -> db.queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog"));
  }

  @Override
  public long oplogFloor() {
    return read("read the oplog floor", db -> db.queryLong("SELECT position FROM oplog_floor WHERE id = 1"));
  }

  /** A read (or a lease operation) on a pooled connection in autocommit. */
  private interface Read<T> {
    T run(Sql db) throws SQLException;
  }

  private <T> T read(String what, Read<T> r) {
    try {
      return attempt(r);
    } catch (SQLException e) {
      if (!PgErrors.connectionLost(e)) {
        throw PgErrors.wrap(what, e);
      }
      // A lost connection usually means a restart or failover, which killed its siblings too: have
      // the pool replace them all rather than hand each to a request (idle ones are not re-checked
      // if used within the last 500 ms). If the connection died in our hands, try once more on a
      // fresh one; if none could be had at all, the database is away and the caller hears so now.
      pool.getHikariPoolMXBean().softEvictConnections();
      if (e instanceof SQLTransientConnectionException) {
        throw PgErrors.wrap(what, e);
      }
      try {
        return attempt(r);
      } catch (SQLException again) {
        if (PgErrors.connectionLost(again)) {
          markUnreachable(again);
        }
        throw PgErrors.wrap(what, again);
      }
    }
  }

  private <T> T attempt(Read<T> r) throws SQLException {
    failFastWhileUnreachable();
    try (Connection c = pool.getConnection(); Sql db = new Sql(c)) {
      T value = r.run(db);
      unreachableSinceNanos = 0;
      return value;
    } catch (SQLTransientConnectionException e) {
      markUnreachable(e); // the pool could not give a connection at all (a dead one in hand is retried first: see read)
      throw e;
    }
  }

  private void markUnreachable(SQLException e) {
    unreachableWhy = e.getMessage();
    if (unreachableSinceNanos == 0) {
      LOG.atWarn().addKeyValue("error", e.getMessage()).log("the database is unreachable; reads fail fast until the pool reconnects");
      unreachableSinceNanos = System.nanoTime();
    }
  }

  /**
   * While the database is known to be unreachable and the pool has no connection left, a request
   * would wait the whole pool timeout ({@link PgConnections#POOL_WAIT_MS}) for nothing, and the
   * health check twice over. So requests fail at once, and a probe in the background (at most one
   * a second) waits on the pool instead; HikariCP keeps reconnecting by itself (with a backoff of at
   * most 10 s), and the first connection the pool has, or the probe gets, ends the fast failing.
   */
  private void failFastWhileUnreachable() throws SQLException {
    if (unreachableSinceNanos == 0) {
      return;
    }
    var mx = pool.getHikariPoolMXBean();
    if (mx != null && mx.getTotalConnections() > 0) {
      return;
    }
    probeInBackground();
    throw new SQLTransientConnectionException("no connection to the database for " + (System.nanoTime() - unreachableSinceNanos)
        / 1_000_000_000L + " s; last error: " + unreachableWhy, "08001");
  }

  private void probeInBackground() {
    long now = System.nanoTime();
    if (now - lastProbeNanos.get() < UNREACHABLE_PROBE_EVERY_NANOS || closed.get() || !probing.compareAndSet(false, true)) {
      return;
    }
    lastProbeNanos.set(now);
    Thread.ofVirtual().name("tally-postgres-probe").start(() -> {
      try (Connection c = pool.getConnection()) {
        if (c.isValid((int) (PgConnections.VALIDATION_TIMEOUT_MS / 1000))) {
          unreachableSinceNanos = 0;
          LOG.info("the database is reachable again");
        }
      } catch (SQLException | RuntimeException e) {
        unreachableWhy = e.getMessage();
      } finally {
        probing.set(false);
      }
    });
  }

  /** A read whose queries all see one snapshot. */
  private <T> T snapshot(String what, Read<T> r) {
    return read(what, db -> {
      Connection c = db.connection();
      c.setAutoCommit(false);
      c.setTransactionIsolation(Connection.TRANSACTION_REPEATABLE_READ);
      try {
        return r.run(db);
      } finally {
        c.rollback();
      }
    });
  }

  @Override
  public List<OplogEntry> oplog(long after, int limit) {
    return read("read the oplog", db -> PgReads.oplog(db, after, limit));
  }

  @Override
  public List<Workspace> workspaces() {
    return read("list workspaces", db -> PgReads.workspaces(db, null));
  }

  @Override
  public Optional<Workspace> workspace(long id) {
    return read("read a workspace", db -> PgReads.workspaces(db, id).stream().findFirst());
  }

  @Override
  public List<TokenInfo> tokens(long workspaceId) {
    return read("list tokens", db -> PgReads.tokens(db, workspaceId));
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
    return read("check admin tokens", db -> db.exists("SELECT 1 FROM admin_tokens LIMIT 1"));
  }

  @Override
  public Optional<Contact> contact(long workspaceId, long contactId) {
    return read("read a contact", db -> PgReads.contact(db, workspaceId, contactId));
  }

  @Override
  public Optional<Contact> findContact(long workspaceId, ContactRef ref) {
    return read("find a contact", db -> PgReads.findContact(db, workspaceId, ref));
  }

  @Override
  public Page<Contact> contacts(long workspaceId, long afterId, int limit) {
    return read("list contacts", db -> PgReads.contacts(db, workspaceId, afterId, limit));
  }

  @Override
  public long contactCount(long workspaceId) {
    return read("count contacts", db -> PgReads.contactCount(db, workspaceId));
  }

  @Override
  public Page<Event> events(long workspaceId, long contactId, long beforeId, int limit) {
    return read("list events", db -> PgReads.events(db, workspaceId, contactId, beforeId, limit));
  }

  @Override
  public List<EventSummary> eventSummaries(long workspaceId, long contactId) {
    return read("read event summaries", db -> PgReads.eventSummaries(db, workspaceId, contactId));
  }

  @Override
  public List<DataAttribute> dataAttributes(long workspaceId) {
    return read("list data attributes", db -> PgReads.dataAttributes(db, workspaceId));
  }

  @Override
  public List<ContactDocument> documents(Collection<Long> contactIds) {
    return snapshot("read documents", db -> PgReads.documents(db, contactIds));
  }

  @Override
  public List<ContactDocument> documentsAfter(long afterId, int limit) {
    return snapshot("read documents", db -> PgReads.documentsAfter(db, afterId, limit));
  }

  @Override
  public List<VersionDigest> versionDigests() {
    return read("digest contact versions", PgReads::versionDigests);
  }

  @Override
  public List<IdVersion> versions(long fromId, long toId) {
    return read("list contact versions", db -> PgReads.versions(db, fromId, toId));
  }

  @Override
  public List<Long> contactIds(long afterId, int limit) {
    return read("list contact ids", db -> PgReads.contactIds(db, afterId, limit));
  }

  @Override
  public boolean acquireLease(String name, String holder, Duration ttl) {
    return read("take the lease " + TallyException.quote(name), db -> PgLeases.acquire(db, name, holder, ttl));
  }

  @Override
  public void releaseLease(String name, String holder) {
    read("release the lease " + TallyException.quote(name), db -> {
      PgLeases.release(db, name, holder);
      return null;
    });
  }

  /** The read pool's connections, from HikariCP's pool MXBean: for metrics, and to see the pool back to size after an outage. */
  public record PoolConnections(int total, int active, int idle, int waiting, int size) {}

  public PoolConnections poolConnections() {
    var mx = pool.getHikariPoolMXBean();
    if (mx == null) { // closed, or not started
      return new PoolConnections(0, 0, 0, 0, options.poolSize());
    }
    return new PoolConnections(mx.getTotalConnections(), mx.getActiveConnections(), mx.getIdleConnections(),
        mx.getThreadsAwaitingConnection(), options.poolSize());
  }

  @Override
  public String unhealthyReason() {
    String w = writer.failure();
    if (w != null) {
      return w;
    }
    try {
      read("answer a health check", db -> db.queryLong("SELECT 1"));
      return null;
    } catch (TallyException e) {
      return e.getMessage();
    }
  }

  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      writer.close();
      pool.close();
      LOG.info("store closed");
    }
  }
}
