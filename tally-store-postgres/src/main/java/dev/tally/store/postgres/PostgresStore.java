package dev.tally.store.postgres;

import com.zaxxer.hikari.HikariDataSource;
import dev.tally.core.TallyException;
import dev.tally.core.store.StoreStatistics;
import dev.tally.store.jdbc.GroupCommitWriter;
import dev.tally.store.jdbc.JdbcStore;
import dev.tally.store.jdbc.Sql;
import dev.tally.store.jdbc.StoreErrors;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.FlywayException;
import org.flywaydb.core.api.configuration.FluentConfiguration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The production store: PostgreSQL, shared by any number of Tally processes. Writes go through one
 * {@link GroupCommitWriter} per process (group commit; oplog positions drawn under one advisory
 * lock, so they grow in commit order across processes: {@link PgSession}); reads and leases use a
 * HikariCP pool. Nothing is cached in the process that another process could change: even {@link
 * #head()} asks the database.
 */
public final class PostgresStore extends JdbcStore {
  private static final Logger LOG = LoggerFactory.getLogger(PostgresStore.class);

  /** Key columns fed by an identity sequence, each started at its own offset in tests (T8). */
  static final List<String[]> SEQUENCED_COLUMNS =
      List.of(
          new String[] {"workspaces", "id"},
          new String[] {"workspace_tokens", "id"},
          new String[] {"admin_tokens", "id"},
          new String[] {"contacts", "id"},
          new String[] {"events", "id"},
          new String[] {"data_attributes", "id"},
          new String[] {"segments", "id"},
          new String[] {"oplog", "position"},
          new String[] {"tags", "id"},
          new String[] {"admins", "id"},
          new String[] {"notes", "id"},
          new String[] {"companies", "id"},
          new String[] {"campaigns", "id"},
          new String[] {"sends", "id"},
          new String[] {"subscription_types", "id"});

  private final PostgresOptions options;
  private final HikariDataSource pool;
  private final AtomicBoolean closed = new AtomicBoolean();

  /** Since when reads find the database unreachable (System.nanoTime); 0 while it is reachable. */
  private volatile long unreachableSinceNanos;

  private volatile String unreachableWhy;
  private final AtomicLong lastProbeNanos = new AtomicLong();
  private final AtomicBoolean probing = new AtomicBoolean();
  private static final long UNREACHABLE_PROBE_EVERY_NANOS = 1_000_000_000L;

  private PostgresStore(PostgresOptions options, GroupCommitWriter writer, HikariDataSource pool) {
    super(PgDialect.INSTANCE, writer);
    this.options = options;
    this.pool = pool;
  }

  /** Opens the store at {@code options.url()}, creating the schema and migrating it as needed. */
  public static PostgresStore open(PostgresOptions options) {
    var migrations = PgConnections.dataSource(options, "tally-migrate", null);
    try {
      FluentConfiguration flyway =
          Flyway.configure().dataSource(migrations).locations("classpath:db/postgres");
      if (options.schema() != null) {
        flyway.schemas(options.schema()).defaultSchema(options.schema());
      }
      flyway.load().migrate();
    } catch (FlywayException e) {
      throw TallyException.unavailable(
          "store_unavailable",
          "cannot open the store at " + options.redactedUrl() + ": " + rootMessage(e),
          e);
    }
    if (options.testIdOffsets()) {
      try (Connection c = migrations.getConnection()) {
        startSequencesAboveTwoToThe53(c);
      } catch (SQLException e) {
        throw StoreErrors.wrap(PgDialect.INSTANCE, "start the test id offsets", e);
      }
    }
    HikariDataSource pool;
    try {
      pool = PgConnections.pool(options);
    } catch (RuntimeException e) {
      throw TallyException.unavailable(
          "store_unavailable",
          "cannot open the store at " + options.redactedUrl() + ": " + rootMessage(e),
          e);
    }
    GroupCommitWriter writer =
        new GroupCommitWriter(
            "tally-postgres-writer",
            new PgSession(PgConnections.writer(options)),
            PgDialect.INSTANCE,
            options.writerSettings(),
            0);
    PostgresStore store = new PostgresStore(options, writer, pool);
    LOG.atInfo()
        .addKeyValue("url", options.redactedUrl())
        .addKeyValue("schema", options.schema())
        .addKeyValue("head", store.head())
        .log("store opened");
    return store;
  }

  private static void startSequencesAboveTwoToThe53(Connection c) throws SQLException {
    Sql db = new Sql(c);
    for (int i = 0; i < SEQUENCED_COLUMNS.size(); i++) {
      String[] tc = SEQUENCED_COLUMNS.get(i);
      String seq = db.queryString("SELECT pg_get_serial_sequence(?, ?)", tc[0], tc[1]);
      long offset = dev.tally.store.jdbc.TestIdOffsets.offset(tc[0], i);
      // Only a sequence never used: reopening a store must not rewind it. (seq is the catalog's
      // quoted name.)
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
    return StoreErrors.connectionLost(PgDialect.INSTANCE, e)
        ? "the database is unreachable (" + t.getMessage() + ")"
        : t.getMessage();
  }

  public PostgresOptions options() {
    return options;
  }

  /** Asks the database: another process may have written since. */
  @Override
  public long head() {
    return read(
        "read the oplog head", db -> db.queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog"));
  }

  @Override
  protected <T> T read(String what, Read<T> r) {
    try {
      return attempt(r);
    } catch (SQLException e) {
      if (!StoreErrors.connectionLost(PgDialect.INSTANCE, e)) {
        throw StoreErrors.wrap(PgDialect.INSTANCE, what, e);
      }
      // A lost connection usually means a restart or failover, which killed its siblings too: have
      // the pool replace them all rather than hand each to a request (idle ones are not re-checked
      // if used within the last 500 ms). If the connection died in our hands, try once more on a
      // fresh one; if none could be had at all, the database is away and the caller hears so now.
      pool.getHikariPoolMXBean().softEvictConnections();
      if (e instanceof SQLTransientConnectionException) {
        throw StoreErrors.wrap(PgDialect.INSTANCE, what, e);
      }
      try {
        return attempt(r);
      } catch (SQLException again) {
        if (StoreErrors.connectionLost(PgDialect.INSTANCE, again)) {
          markUnreachable(again);
        }
        throw StoreErrors.wrap(PgDialect.INSTANCE, what, again);
      }
    }
  }

  private <T> T attempt(Read<T> r) throws SQLException {
    failFastWhileUnreachable();
    try (Connection c = pool.getConnection();
        Sql db = new Sql(c)) {
      T value = r.run(db);
      unreachableSinceNanos = 0;
      return value;
    } catch (SQLTransientConnectionException e) {
      markUnreachable(
          e); // the pool could not give a connection at all (a dead one in hand is retried first:
      // see read)
      throw e;
    }
  }

  private void markUnreachable(SQLException e) {
    unreachableWhy = e.getMessage();
    if (unreachableSinceNanos == 0) {
      LOG.atWarn()
          .addKeyValue("error", e.getMessage())
          .log("the database is unreachable; reads fail fast until the pool reconnects");
      unreachableSinceNanos = System.nanoTime();
    }
  }

  /**
   * While the database is known to be unreachable and the pool has no connection left, a request
   * would wait the whole pool timeout ({@link PgConnections#POOL_WAIT_MS}) for nothing, and the
   * health check twice over. So requests fail at once, and a probe in the background (at most one a
   * second) waits on the pool instead; HikariCP keeps reconnecting by itself (with a backoff of at
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
    throw new SQLTransientConnectionException(
        "no connection to the database for "
            + (System.nanoTime() - unreachableSinceNanos) / 1_000_000_000L
            + " s; last error: "
            + unreachableWhy,
        "08001");
  }

  private void probeInBackground() {
    long now = System.nanoTime();
    if (now - lastProbeNanos.get() < UNREACHABLE_PROBE_EVERY_NANOS
        || closed.get()
        || !probing.compareAndSet(false, true)) {
      return;
    }
    lastProbeNanos.set(now);
    Thread.ofVirtual()
        .name("tally-postgres-probe")
        .start(
            () -> {
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

  @Override
  public boolean acquireLease(String name, String holder, Duration ttl) {
    return read(
        "take the lease " + TallyException.quote(name),
        db -> PgLeases.acquire(db, name, holder, ttl));
  }

  @Override
  public void releaseLease(String name, String holder) {
    read(
        "release the lease " + TallyException.quote(name),
        db -> {
          PgLeases.release(db, name, holder);
          return null;
        });
  }

  /**
   * The read pool's connections, from HikariCP's pool MXBean: for metrics, and to see the pool back
   * to size after an outage.
   */
  @Override
  public java.util.Optional<StoreStatistics.Pool> poolStatistics() {
    var mx = pool.getHikariPoolMXBean();
    if (mx == null) { // closed, or not started
      return java.util.Optional.of(new StoreStatistics.Pool(0, 0, 0, 0, options.poolSize()));
    }
    return java.util.Optional.of(
        new StoreStatistics.Pool(
            mx.getTotalConnections(),
            mx.getActiveConnections(),
            mx.getIdleConnections(),
            mx.getThreadsAwaitingConnection(),
            options.poolSize()));
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
