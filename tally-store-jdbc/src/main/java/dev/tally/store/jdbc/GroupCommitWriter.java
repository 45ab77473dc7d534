package dev.tally.store.jdbc;

import dev.tally.core.TallyException;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WriteWork;
import dev.tally.core.store.Written;
import java.sql.ResultSet;
import java.sql.SQLException;
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
 * The store's single writer per process, with group commit, for every database.
 *
 * <p>A durable commit costs an fsync (and on PostgreSQL a round trip), so instead of each request
 * committing on its own, requests queue here and one thread runs as many as are waiting in one
 * transaction. Callers are answered only after the commit. The {@link WriterSession} begins each
 * batch so that oplog positions grow in commit order, also across processes.
 *
 * <p>A task that fails must fail alone. The batch is first run optimistically, without a savepoint
 * per task (on PostgreSQL each costs two round trips); if a task fails, the whole transaction is
 * rolled back and, when other tasks shared it, the batch runs again with a savepoint around each
 * task, so the failing one is undone alone. So a {@link WriteWork} may run more than once: it must
 * have no effect outside its transaction (the store's contract says so).
 *
 * <p>The connection is replaced when it is lost: the batch that meets the loss fails with a
 * retriable "database unreachable" error and the next batch connects anew. Hazards: a task must not
 * block (it holds the write lock, for every process on PostgreSQL); a caller that times out does
 * not cancel its task, so its outcome is unknown to it, which is why writes take idempotency keys.
 */
public final class GroupCommitWriter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(GroupCommitWriter.class);
  private static final int ATTRIBUTE_CACHE = 100_000;
  private static final int EVENT_NAME_CACHE = 100_000;

  private record Task<T>(WriteWork<T> work, Idempotency idem, CompletableFuture<Written<T>> done) {}

  public record Idempotency(long workspaceId, String key, String fingerprint) {}

  private final WriterSession session;
  private final Dialect dialect;
  private final JdbcReads reads;
  private final WriterSettings settings;
  private final BlockingQueue<Task<?>> queue;
  private final AttributeTypes attributeTypes = new AttributeTypes(ATTRIBUTE_CACHE);
  private final KnownEventNames eventNames = new KnownEventNames(EVENT_NAME_CACHE);
  private final AtomicLong head = new AtomicLong();
  private final AtomicLong batches = new AtomicLong();
  private final AtomicLong tasks = new AtomicLong();
  private final AtomicLong reruns = new AtomicLong();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile String failure;

  /** True when the failure is a lost connection, which the idle writer probes for. */
  private boolean lostConnection;

  private long lastPurge;
  private long lastProbe;

  public GroupCommitWriter(
      String name, WriterSession session, Dialect dialect, WriterSettings settings, long head) {
    this.session = session;
    this.dialect = dialect;
    this.reads = new JdbcReads(dialect);
    this.settings = settings;
    this.queue = new ArrayBlockingQueue<>(settings.queueCapacity());
    this.head.set(head);
    this.thread = Thread.ofPlatform().name(name).daemon(false).unstarted(this::loop);
    thread.start();
  }

  /** The oplog head after this writer's last commit. */
  public long head() {
    return head.get();
  }

  /**
   * How many batches ran, how many tasks they held, and how many had to run again with savepoints.
   */
  public record Stats(long batches, long tasks, long reruns) {}

  public Stats stats() {
    return new Stats(batches.get(), tasks.get(), reruns.get());
  }

  /** Null while the writer works; otherwise why it cannot. */
  public String failure() {
    return thread.isAlive() ? failure : "the store's writer thread has stopped";
  }

  public <T> Written<T> submit(WriteWork<T> work, Idempotency idem) {
    if (!running) {
      throw closed();
    }
    CompletableFuture<Written<T>> done = new CompletableFuture<>();
    if (!queue.offer(new Task<>(work, idem, done))) {
      throw TallyException.unavailable(
          "store_overloaded",
          "the store's write queue is full (" + settings.queueCapacity() + " waiting writes)",
          null);
    }
    try {
      return done.get(settings.writeTimeout().toMillis(), TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TallyException te) {
        throw te;
      }
      throw new IllegalStateException("write failed: " + e.getCause(), e.getCause());
    } catch (TimeoutException e) {
      throw TallyException.unavailable(
          "write_timeout",
          "the write did not finish within "
              + settings.writeTimeout().toSeconds()
              + " s; it may still happen, so retry with the same Idempotency-Key",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable(
          "write_interrupted", "the write was interrupted while waiting for its commit", e);
    }
  }

  /** Queues every work as its own task (consecutive, so they share batches) and waits for all. */
  public <T> List<Outcome<T>> submitEach(List<WriteWork<T>> works) {
    List<CompletableFuture<Written<T>>> futures = new ArrayList<>(works.size());
    long deadline = System.nanoTime() + settings.writeTimeout().toNanos();
    try {
      for (WriteWork<T> w : works) {
        if (!running) {
          throw closed();
        }
        CompletableFuture<Written<T>> done = new CompletableFuture<>();
        if (!queue.offer(
            new Task<>(w, null, done),
            Math.max(0, deadline - System.nanoTime()),
            TimeUnit.NANOSECONDS)) {
          throw TallyException.unavailable(
              "store_overloaded",
              "the store's write queue stayed full for "
                  + settings.writeTimeout().toSeconds()
                  + " s",
              null);
        }
        futures.add(done);
      }
      List<Outcome<T>> out = new ArrayList<>(futures.size());
      for (CompletableFuture<Written<T>> f : futures) {
        try {
          out.add(
              new Outcome<>(
                  f.get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS), null));
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
      throw TallyException.unavailable(
          "write_timeout",
          "the writes did not finish within "
              + settings.writeTimeout().toSeconds()
              + " s; some may still happen",
          e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable(
          "write_interrupted", "interrupted while waiting for commits", e);
    }
  }

  private static TallyException closed() {
    return TallyException.unavailable(
        "store_closed", "the store is shutting down and takes no more writes", null);
  }

  private void loop() {
    List<Task<?>> batch = new ArrayList<>();
    while (running || !queue.isEmpty()) {
      try {
        Task<?> first = queue.poll(200, TimeUnit.MILLISECONDS);
        if (first == null) {
          probeAfterLoss();
          purgeExpiredKeys();
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, settings.maxBatch() - 1);
        batches.incrementAndGet();
        tasks.addAndGet(batch.size());
        if (!runBatch(batch, false)) {
          reruns.incrementAndGet();
          runBatch(batch, true);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        running = false;
      } catch (RuntimeException | Error e) {
        LOG.error("writer batch failed unexpectedly", e);
        failAll(
            batch,
            new TallyException(
                TallyException.Kind.INTERNAL,
                "store_error",
                null,
                "the store's writer failed: " + e,
                e));
      } finally {
        batch.clear();
      }
    }
    session.disconnect();
  }

  /**
   * Runs the batch in one transaction and answers every task. With {@code careful}, each task runs
   * inside its own savepoint. Returns false when an optimistic run must be repeated carefully (a
   * task failed and others shared its transaction, which has been rolled back).
   */
  private boolean runBatch(List<Task<?>> batch, boolean careful) {
    Sql db;
    long batchHead;
    try {
      batchHead = session.begin(head.get());
      db = session.connect(); // the connection begin used, which may be a new one
    } catch (SQLException e) {
      session.rollback();
      if (StoreErrors.connectionLost(dialect, e)) {
        lost(e);
      }
      failAll(batch, StoreErrors.wrap(dialect, "start a write", e));
      return true;
    }
    Batch shared = new Batch(attributeTypes, eventNames);
    List<Object> results = new ArrayList<>(batch.size());
    boolean committing = false;
    try {
      for (Task<?> task : batch) {
        if (careful) {
          db.exec("SAVEPOINT task");
        }
        JdbcWriteTx tx =
            new JdbcWriteTx(
                db,
                dialect,
                reads,
                shared,
                settings.clock().instant().getEpochSecond(),
                settings.limits());
        try {
          Object value = runTask(task, tx, batchHead);
          if (careful) {
            db.exec("RELEASE SAVEPOINT task");
          }
          tx.mergeInto(shared);
          long pos = tx.lastPosition() > 0 ? tx.lastPosition() : batchHead;
          results.add(
              value instanceof Written<?> w
                  ? w
                  : new Written<>(value, pos)); // a replayed response has its own position
          batchHead = Math.max(batchHead, tx.lastPosition());
        } catch (RuntimeException e) {
          if (!careful) {
            session.rollback();
            if (StoreErrors.connectionLost(dialect, e)) {
              lost(e);
              failAll(
                  batch,
                  e instanceof TallyException te
                      ? te
                      : TallyException.unavailable(
                          "store_unreachable",
                          "the database became unreachable during a write (" + e.getMessage() + ")",
                          e));
              return true;
            }
            if (batch.size() > 1) {
              return false; // run again, a savepoint around each task
            }
            logIfBug(e);
            complete(task, e);
            return true;
          }
          db.exec("ROLLBACK TO SAVEPOINT task");
          db.exec("RELEASE SAVEPOINT task");
          logIfBug(e);
          results.add(e);
        }
      }
      committing = true;
      session.commit(shared.counts());
    } catch (SQLException e) {
      session.rollback();
      TallyException error =
          committing && StoreErrors.connectionLost(dialect, e)
              ? TallyException.unavailable(
                  "store_unreachable",
                  "the database became unreachable during the commit, so these writes "
                      + "may or may not have been kept; retry with the same Idempotency-Key ("
                      + e.getMessage()
                      + ")",
                  e)
              : StoreErrors.wrap(dialect, committing ? "commit" : "write", e);
      if (StoreErrors.connectionLost(dialect, e)) {
        lost(e);
      } else {
        failure = "the last commit failed: " + e.getMessage();
      }
      failAll(batch, error);
      return true;
    }
    shared.committed();
    head.accumulateAndGet(batchHead, Math::max);
    failure = null;
    lostConnection = false;
    for (int i = 0; i < batch.size(); i++) {
      complete(batch.get(i), results.get(i));
    }
    return true;
  }

  private static void logIfBug(RuntimeException e) {
    if (!(e instanceof TallyException)
        || ((TallyException) e).kind() == TallyException.Kind.INTERNAL) {
      LOG.error("write task failed unexpectedly", e);
    }
  }

  private void lost(Throwable e) {
    if (!lostConnection) {
      LOG.atWarn()
          .addKeyValue("error", e.getMessage())
          .log("lost the writer's connection to the database; the next batch reconnects");
    }
    failure = "the database is unreachable: " + e.getMessage();
    lostConnection = true;
    session.disconnect();
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
  private Object runTask(Task<?> task, JdbcWriteTx tx, long batchHead) {
    Idempotency idem = task.idem();
    if (idem == null) {
      return task.work().run(tx);
    }
    Sql db = tx.sql();
    try {
      long cutoff = tx.now() - settings.idempotencyWindow().toSeconds();
      try (ResultSet rs =
          db.prepare(
                  "SELECT fingerprint, status, body, position, contact_id FROM idempotency_keys "
                      + "WHERE workspace_id = ? AND key = ? AND created_at >= ?",
                  idem.workspaceId(),
                  idem.key(),
                  cutoff)
              .executeQuery()) {
        if (rs.next()) {
          if (!rs.getString(1).equals(idem.fingerprint())) {
            throw TallyException.badRequest(
                "idempotency_key_reused",
                "the Idempotency-Key "
                    + TallyException.quote(idem.key())
                    + " was used within the last "
                    + settings.idempotencyWindow().toHours()
                    + " hours for a different request; use a new key for a new request");
          }
          return new Written<>(
              new StoredResponse(rs.getInt(2), rs.getString(3), rs.getLong(5)), rs.getLong(4));
        }
      }
      StoredResponse response = (StoredResponse) task.work().run(tx);
      long pos = tx.lastPosition() > 0 ? tx.lastPosition() : batchHead;
      // An expired key may still be there (purged every few minutes): the new request takes it
      // over.
      db.update(
          "INSERT INTO idempotency_keys (workspace_id, key, fingerprint, status, body, position, contact_id, created_at) "
              + "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (workspace_id, key) DO UPDATE SET fingerprint = excluded.fingerprint, "
              + "status = excluded.status, body = excluded.body, position = excluded.position, contact_id = excluded.contact_id, "
              + "created_at = excluded.created_at",
          idem.workspaceId(),
          idem.key(),
          idem.fingerprint(),
          response.status(),
          response.body(),
          pos,
          response.contactId() == 0 ? null : response.contactId(),
          tx.now());
      return new Written<>(response, pos);
    } catch (SQLException e) {
      throw StoreErrors.wrap(dialect, "record the idempotency key", e);
    }
  }

  /**
   * While the connection is lost and the writer idle, checks about once a second whether the
   * database is back, so health turns good again without waiting for a write (which a load balancer
   * that trusts the health check would never send).
   */
  private void probeAfterLoss() {
    long now = System.nanoTime();
    if (!lostConnection || now - lastProbe < 1_000_000_000L) {
      return;
    }
    lastProbe = now;
    try {
      session.begin(head.get());
      session.rollback();
      failure = null;
      lostConnection = false;
      LOG.info("the database is reachable again");
    } catch (SQLException e) {
      session.rollback();
      session.disconnect();
      failure = "the database is unreachable: " + e.getMessage();
    }
  }

  private void purgeExpiredKeys() {
    long now = settings.clock().instant().getEpochSecond();
    if (lostConnection || now - lastPurge < 600) {
      return;
    }
    lastPurge = now;
    try {
      session.begin(head.get());
      int n =
          session
              .connect()
              .update(
                  "DELETE FROM idempotency_keys WHERE created_at < ?",
                  now - settings.idempotencyWindow().toSeconds());
      session.commit(new CountChanges());
      if (n > 0) {
        LOG.atInfo().addKeyValue("deleted", n).log("purged expired idempotency keys");
      }
    } catch (SQLException e) {
      session.rollback();
      LOG.atWarn()
          .addKeyValue("error", e.getMessage())
          .log("could not purge expired idempotency keys; will retry");
    }
  }

  private static void failAll(List<Task<?>> batch, TallyException e) {
    for (Task<?> t : batch) {
      t.done().completeExceptionally(e);
    }
  }

  /**
   * Stops taking writes, finishes the queued ones, then stops the thread (which disconnects its
   * session).
   */
  @Override
  public void close() {
    running = false;
    try {
      thread.join(settings.writeTimeout().toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
