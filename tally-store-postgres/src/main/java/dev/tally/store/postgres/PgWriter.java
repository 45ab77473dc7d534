package dev.tally.store.postgres;

import dev.tally.core.TallyException;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WriteWork;
import dev.tally.core.store.Written;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.sql.DataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The PostgreSQL store's writer: one thread per process with group commit, as on SQLite.
 *
 * <p>Requests queue here and the thread runs as many as are waiting in one transaction, each inside
 * its own savepoint: a task that fails is rolled back to its savepoint and fails alone, the rest
 * share one commit. Callers are answered only after the commit.
 *
 * <p>Several Tally processes may write to one database, and the oplog must never skip (a reader
 * must not pass a position whose transaction commits later). So every batch first takes one
 * transaction-scoped advisory lock per schema and only then draws oplog positions from the
 * sequence. PostgreSQL makes a commit visible before it releases the committing transaction's locks,
 * so the next batch, in any process, draws its positions only after every lower position is
 * visible: position order is commit order. The price is that write transactions on one database
 * run one at a time; group commit is what keeps that cheap.
 *
 * <p>The connection is replaced when it is lost: the batch that meets the loss fails with a
 * retriable "database unreachable" error and the next batch connects anew. Hazards: a task must not
 * block (it holds the oplog lock for every process); a caller that times out does not cancel its
 * task, so its outcome is unknown to it, which is why writes take idempotency keys.
 */
final class PgWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(PgWriter.class);

  /** The advisory lock's first key: "tall" in ASCII; the second is a hash of the schema, so schemas do not contend. */
  static final int OPLOG_LOCK_CLASS = 0x74616c6c;
  private static final String LOCK_OPLOG = "SELECT pg_advisory_xact_lock(" + OPLOG_LOCK_CLASS + ", hashtext(current_schema()))";

  private record Task<T>(WriteWork<T> work, Idempotency idem, CompletableFuture<Written<T>> done) {}

  record Idempotency(long workspaceId, String key, String fingerprint) {}

  private final DataSource source;
  private final PostgresOptions options;
  private final InstantSource clock;
  private final BlockingQueue<Task<?>> queue;
  private final Thread thread;
  private Sql db; // the writer thread's connection, null until (re)connected
  private volatile boolean running = true;
  private volatile String failure;
  private long lastPurge;
  private long lastProbe;

  PgWriter(DataSource source, PostgresOptions options) {
    this.source = source;
    this.options = options;
    this.clock = options.clock();
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    this.thread = Thread.ofPlatform().name("tally-postgres-writer").daemon(false).unstarted(this::loop);
    thread.start();
  }

  /** Null while the writer works; otherwise why it cannot. */
  String failure() {
    return thread.isAlive() ? failure : "the store's writer thread has stopped";
  }

  <T> Written<T> submit(WriteWork<T> work, Idempotency idem) {
    if (!running) {
      throw TallyException.unavailable("store_closed", "the store is shutting down and takes no more writes", null);
    }
    CompletableFuture<Written<T>> done = new CompletableFuture<>();
    if (!queue.offer(new Task<>(work, idem, done))) {
      throw TallyException.unavailable("store_overloaded", "the store's write queue is full (" + options.queueCapacity()
          + " waiting writes)", null);
    }
    try {
      return done.get(options.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TallyException te) {
        throw te;
      }
      throw new IllegalStateException("write failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw TallyException.unavailable("write_timeout", "the write did not finish within " + options.writeTimeout().toSeconds()
          + " s; it may still happen, so retry with the same Idempotency-Key", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable("write_interrupted", "the write was interrupted while waiting for its commit", e);
    }
  }

  /** Queues every work as its own task (consecutive, so they share batches) and waits for all. */
  <T> List<Outcome<T>> submitEach(List<WriteWork<T>> works) {
    List<CompletableFuture<Written<T>>> futures = new ArrayList<>(works.size());
    long deadline = System.nanoTime() + options.writeTimeout().toNanos();
    try {
      for (WriteWork<T> w : works) {
        if (!running) {
          throw TallyException.unavailable("store_closed", "the store is shutting down and takes no more writes", null);
        }
        CompletableFuture<Written<T>> done = new CompletableFuture<>();
        if (!queue.offer(new Task<>(w, null, done), Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
          throw TallyException.unavailable("store_overloaded", "the store's write queue stayed full for "
              + options.writeTimeout().toSeconds() + " s", null);
        }
        futures.add(done);
      }
      List<Outcome<T>> out = new ArrayList<>(futures.size());
      for (CompletableFuture<Written<T>> f : futures) {
        try {
          out.add(new Outcome<>(f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null));
        } catch (ExecutionException e) {
          if (e.getCause() instanceof TallyException te) {
            out.add(new Outcome<>(null, te));
          } else {
            throw new IllegalStateException("write failed: " + e.getCause(), e.getCause());
          }
        }
      }
      return out;
    } catch (TimeoutException e) {
      throw TallyException.unavailable("write_timeout", "the writes did not finish within " + options.writeTimeout().toSeconds()
          + " s; some may still happen", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable("write_interrupted", "interrupted while waiting for commits", e);
    }
  }

  private void loop() {
    List<Task<?>> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Task<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          probeAfterFailure();
          purgeExpiredKeys();
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, options.maxBatch() - 1);
        runBatch(batch);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (RuntimeException | Error e) {
        LOG.error("writer batch failed unexpectedly", e);
        failAll(batch, TallyException.unavailable("store_error", "the store's writer failed: " + e, e));
      } finally {
        batch.clear();
      }
    }
    disconnect();
  }

  private void runBatch(List<Task<?>> batch) {
    long batchHead;
    try {
      batchHead = begin();
    } catch (SQLException e) {
      rollbackQuietly();
      if (PgErrors.connectionLost(e)) {
        if (failure == null) {
          LOG.atWarn().addKeyValue("error", e.getMessage()).log("the writer cannot reach the database; each batch retries");
        }
        failure = "the database is unreachable: " + e.getMessage();
        disconnect();
      }
      failAll(batch, PgErrors.wrap("start a write", e));
      return;
    }
    List<Object> results = new ArrayList<>(batch.size());
    boolean committing = false;
    try {
      for (Task<?> task : batch) {
        exec("SAVEPOINT task");
        PgWriteTx tx = new PgWriteTx(db, clock.instant().getEpochSecond());
        try {
          Object value = runTask(task, tx, batchHead);
          exec("RELEASE SAVEPOINT task");
          long pos = tx.lastPosition() > 0 ? tx.lastPosition() : batchHead;
          results.add(value instanceof Written<?> w ? w : new Written<>(value, pos));
          batchHead = Math.max(batchHead, tx.lastPosition());
        } catch (RuntimeException e) {
          exec("ROLLBACK TO SAVEPOINT task");
          exec("RELEASE SAVEPOINT task");
          if (!(e instanceof TallyException)) {
            LOG.error("write task failed unexpectedly", e);
          }
          results.add(e);
        }
      }
      committing = true;
      db.connection().commit();
    } catch (SQLException e) {
      rollbackQuietly();
      TallyException error = committing && PgErrors.connectionLost(e)
          ? TallyException.unavailable("store_unreachable", "the database became unreachable during the commit, so these writes "
              + "may or may not have been kept; retry with the same Idempotency-Key (" + e.getMessage() + ")", e)
          : PgErrors.wrap(committing ? "commit" : "write", e);
      if (PgErrors.connectionLost(e) || !valid()) {
        failure = "the database is unreachable: " + e.getMessage();
        LOG.atWarn().addKeyValue("tasks", batch.size()).addKeyValue("error", e.getMessage())
            .log("lost the writer's connection; the next batch reconnects");
        disconnect();
      }
      failAll(batch, error);
      return;
    }
    failure = null;
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
  }

  /**
   * Opens the batch's transaction: the oplog lock first, so positions drawn after it are above every
   * visible one (see the class comment); returns the head. A connection that died while idle (the
   * database restarted since the last batch) is replaced once here, before any task has run.
   */
  private long begin() throws SQLException {
    try {
      return lockOplog();
    } catch (SQLException e) {
      if (db == null || !PgErrors.connectionLost(e)) {
        throw e;
      }
      disconnect();
      return lockOplog();
    }
  }

  private long lockOplog() throws SQLException {
    connection();
    db.prepare(LOCK_OPLOG).executeQuery().close();
    return db.queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog");
  }

  @SuppressWarnings({"unchecked", "rawtypes"})
  private static void complete(Task<?> task, Object result) {
    CompletableFuture f = task.done();
    if (result instanceof Throwable t) {
      f.completeExceptionally(t);
    } else {
      f.complete(result);
    }
  }

  /** Runs one task; for an idempotent one, replays the stored response or stores the new one. */
  private Object runTask(Task<?> task, PgWriteTx tx, long batchHead) {
    Idempotency idem = task.idem();
    if (idem == null) {
      return task.work().run(tx);
    }
    try {
      long cutoff = tx.now() - options.idempotencyWindow().toSeconds();
      try (ResultSet rs = db.prepare("SELECT fingerprint, status, body, position, contact_id FROM idempotency_keys "
          + "WHERE workspace_id = ? AND key = ? AND created_at >= ?", idem.workspaceId(), idem.key(), cutoff).executeQuery()) {
        if (rs.next()) {
          if (!rs.getString(1).equals(idem.fingerprint())) {
            throw TallyException.badRequest("idempotency_key_reused", "the Idempotency-Key " + TallyException.quote(idem.key())
                + " was used within the last " + options.idempotencyWindow().toHours()
                + " hours for a different request; use a new key for a new request");
          }
          return new Written<>(new StoredResponse(rs.getInt(2), rs.getString(3), rs.getLong(5)), rs.getLong(4));
        }
      }
      StoredResponse response = (StoredResponse) task.work().run(tx);
      long pos = tx.lastPosition() > 0 ? tx.lastPosition() : batchHead;
      // An expired key may still be there (purged every few minutes): the new request takes it over.
      db.update("INSERT INTO idempotency_keys (workspace_id, key, fingerprint, status, body, position, contact_id, created_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
              + "status = excluded.status, body = excluded.body, position = excluded.position, contact_id = excluded.contact_id, "
              + "created_at = excluded.created_at", idem.workspaceId(), idem.key(), idem.fingerprint(),
          response.status(), response.body(), pos, response.contactId() == 0 ? null : response.contactId(), tx.now());
      return new Written<>(response, pos);
    } catch (SQLException e) {
      throw PgErrors.wrap("record the idempotency key", e);
    }
  }

  /**
   * While the writer is failed and idle, checks about once a second whether the database is back,
   * so health turns good again without waiting for a write (which a load balancer that trusts the
   * health check would never send).
   */
  private void probeAfterFailure() {
    long now = System.nanoTime();
    if (failure == null || now - lastProbe < 1_000_000_000L) {
      return;
    }
    lastProbe = now;
    try {
      connection();
      db.queryLong("SELECT 1");
      db.connection().commit();
      failure = null;
      LOG.info("the database is reachable again");
    } catch (SQLException e) {
      rollbackQuietly();
      disconnect();
      failure = "the database is unreachable: " + e.getMessage();
    }
  }

  private void purgeExpiredKeys() {
    long now = clock.instant().getEpochSecond();
    if (db == null || now - lastPurge < 600) {
      return;
    }
    lastPurge = now;
    try {
      int n = db.update("DELETE FROM idempotency_keys WHERE created_at < ?", now - options.idempotencyWindow().toSeconds());
      db.connection().commit();
      if (n > 0) {
        LOG.atInfo().addKeyValue("deleted", n).log("purged expired idempotency keys");
      }
    } catch (SQLException e) {
      rollbackQuietly();
      LOG.atWarn().addKeyValue("error", e.getMessage()).log("could not purge expired idempotency keys; will retry");
    }
  }

  private Sql connection() throws SQLException {
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

  private boolean valid() {
    try {
      return db != null && db.connection().isValid((int) (PgConnections.VALIDATION_TIMEOUT_MS / 1000));
    } catch (SQLException e) {
      return false;
    }
  }

  private void disconnect() {
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

  /** Transaction control, through the statement cache: these few statements run for every write. */
  private void exec(String sql) throws SQLException {
    db.prepare(sql).execute();
  }

  private void rollbackQuietly() {
    try {
      if (db != null) {
        db.connection().rollback();
      }
    } catch (SQLException ignored) {
      // no transaction left to roll back, or no connection
    }
  }

  private static void failAll(List<Task<?>> batch, TallyException e) {
    for (Task<?> t : batch) {
      t.done().completeExceptionally(e);
    }
  }

  /** Stops taking writes, finishes the queued ones, then stops the thread (which closes its connection). */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(options.writeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
