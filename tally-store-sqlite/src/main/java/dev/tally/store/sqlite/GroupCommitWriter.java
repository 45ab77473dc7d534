package dev.tally.store.sqlite;

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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the SQLite store, with group commit.
 *
 * <p>SQLite allows one writer at a time and a durable commit costs an fsync, so instead of each
 * request committing on its own, requests queue here and one thread runs as many as are waiting
 * in one transaction, each inside its own savepoint: a task that fails is rolled back to its
 * savepoint and fails alone, the rest commit together with one fsync. Callers are answered only
 * after the commit is durable. Because one connection assigns every oplog position, positions grow
 * in commit order and the oplog never skips.
 *
 * <p>Hazards: a task must not block (it runs on the writer thread, holding the write lock); a caller
 * that times out does not cancel its task, so its outcome is unknown to it, which is why writes
 * take idempotency keys.
 */
final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);

  private record Task<T>(WriteWork<T> work, Idempotency idem, CompletableFuture<Written<T>> done) {}

  record Idempotency(long workspaceId, String key, String fingerprint) {}

  private final Connection conn;
  private final Sql db;
  private final SqliteOptions options;
  private final InstantSource clock;
  private final BlockingQueue<Task<?>> queue;
  private final AtomicLong head = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;
  private long lastPurge;

  GroupCommitWriter(Connection conn, SqliteOptions options) throws SQLException {
    this.conn = conn;
    this.db = new Sql(conn);
    this.options = options;
    this.clock = options.clock();
    this.queue = new ArrayBlockingQueue<>(options.queueCapacity());
    Long h = db.queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog");
    head.set(h == null ? 0 : h);
    this.thread = Thread.ofPlatform().name("tally-sqlite-writer").daemon(false).unstarted(this::loop);
    thread.start();
  }

  long head() {
    return head.get();
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
  }

  private void runBatch(List<Task<?>> batch) {
    List<Object> results = new ArrayList<>(batch.size());
    long batchHead = head.get();
    try {
      exec("BEGIN IMMEDIATE");
    } catch (SQLException e) {
      failAll(batch, SqliteErrors.wrap("begin a transaction", e));
      return;
    }
    try {
      for (Task<?> task : batch) {
        exec("SAVEPOINT task");
        SqliteWriteTx tx = new SqliteWriteTx(db, clock.instant().getEpochSecond());
        try {
          Object value = runTask(task, tx, batchHead);
          exec("RELEASE task");
          long pos = tx.lastPosition() > 0 ? tx.lastPosition() : batchHead;
          if (value instanceof Written<?> w) {  // replayed idempotent response carries its own position
            results.add(w);
          } else {
            results.add(new Written<>(value, pos));
          }
          batchHead = Math.max(batchHead, tx.lastPosition());
        } catch (TallyException e) {
          exec("ROLLBACK TO task");
          exec("RELEASE task");
          results.add(e);
        } catch (RuntimeException e) {
          exec("ROLLBACK TO task");
          exec("RELEASE task");
          LOG.error("write task failed unexpectedly", e);
          results.add(e);
        }
      }
      exec("COMMIT");
    } catch (SQLException e) {
      rollbackQuietly();
      failAll(batch, SqliteErrors.wrap("commit", e));
      failure = "the last commit failed: " + e.getMessage();
      return;
    }
    failure = null;
    head.set(batchHead);
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
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
  private Object runTask(Task<?> task, SqliteWriteTx tx, long batchHead) {
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
      db.update("INSERT OR REPLACE INTO idempotency_keys (workspace_id, key, fingerprint, status, body, position, contact_id, "
              + "created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)", idem.workspaceId(), idem.key(), idem.fingerprint(),
          response.status(), response.body(), pos, response.contactId() == 0 ? null : response.contactId(), tx.now());
      return new Written<>(response, pos);
    } catch (SQLException e) {
      throw SqliteErrors.wrap("record the idempotency key", e);
    }
  }

  private void purgeExpiredKeys() {
    long now = clock.instant().getEpochSecond();
    if (now - lastPurge < 600) {
      return;
    }
    lastPurge = now;
    try {
      int n = db.update("DELETE FROM idempotency_keys WHERE created_at < ?", now - options.idempotencyWindow().toSeconds());
      if (n > 0) {
        LOG.atInfo().addKeyValue("deleted", n).log("purged expired idempotency keys");
      }
    } catch (SQLException e) {
      LOG.atWarn().addKeyValue("error", e.getMessage()).log("could not purge expired idempotency keys; will retry");
    }
  }

  /** Transaction control, through the statement cache: these few statements run for every write. */
  private void exec(String sql) throws SQLException {
    db.prepare(sql).execute();
  }

  private void rollbackQuietly() {
    try {
      exec("ROLLBACK");
    } catch (SQLException ignored) {
      // no transaction left to roll back
    }
  }

  private static void failAll(List<Task<?>> batch, TallyException e) {
    for (Task<?> t : batch) {
      t.done().completeExceptionally(e);
    }
  }

  /** Stops taking writes, finishes the queued ones, then stops the thread. */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(options.writeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    db.close();
  }
}
