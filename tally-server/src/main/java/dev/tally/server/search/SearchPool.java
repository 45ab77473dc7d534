package dev.tally.server.search;

import dev.tally.core.TallyException;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;

/**
 * Where index searches run: a fixed number of platform threads and a bounded queue, apart from the
 * virtual threads that serve HTTP.
 *
 * <p>Why: a search is CPU-bound. On virtual threads, searches held every carrier thread, and two
 * costly ones made /health/live and writes wait ~10 s (issue 11). Platform threads are scheduled by
 * the OS, which keeps giving the carriers their share, so liveness, readiness, metrics and writes
 * answer whatever the search load; and a full pool refuses at once (503 {@code search_busy}, {@code
 * Retry-After}) instead of queueing without end.
 *
 * <p>Each search has a deadline, counted from its submission (time in the queue included): the
 * caller stops waiting then (503 {@code search_timeout}), and the index, told the same deadline,
 * stops its work soon after. Both are 503 with Retry-After, not 400: a query's cost is bounded
 * before it runs ({@link dev.tally.core.query.QueryLimits}), so passing the deadline means load,
 * and a retry can succeed.
 */
public final class SearchPool implements AutoCloseable {
  private final ThreadPoolExecutor executor;
  private final Duration timeout;
  private final int threads;
  private final int queue;
  private final AtomicLong rejected = new AtomicLong();
  private final AtomicLong timedOut = new AtomicLong();

  public SearchPool(int threads, int queue, Duration timeout) {
    if (threads < 1 || queue < 0 || timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException(
          "search pool: threads must be ≥ 1, queue ≥ 0 and the timeout positive");
    }
    this.threads = threads;
    this.queue = queue;
    this.timeout = timeout;
    BlockingQueue<Runnable> waiting =
        queue == 0 ? new SynchronousQueue<>() : new ArrayBlockingQueue<>(queue);
    AtomicInteger n = new AtomicInteger();
    this.executor =
        new ThreadPoolExecutor(
            threads,
            threads,
            0,
            TimeUnit.MILLISECONDS,
            waiting,
            r -> {
              Thread t = new Thread(r, "tally-search-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            },
            new ThreadPoolExecutor.AbortPolicy());
  }

  /** Threads to use when the setting says 0: one per core. */
  public static int defaultThreads() {
    return Runtime.getRuntime().availableProcessors();
  }

  /**
   * Runs {@code search} (given its deadline on {@link System#nanoTime()}'s clock) on the pool and
   * waits for it until the deadline. Whatever the search throws is rethrown as it was.
   */
  public <T> T run(LongFunction<T> search) {
    long deadline = System.nanoTime() + timeout.toNanos();
    Callable<T> task = () -> search.apply(deadline);
    Future<T> future;
    try {
      future = executor.submit(task);
    } catch (RejectedExecutionException e) {
      rejected.incrementAndGet();
      throw TallyException.unavailable(
          "search_busy",
          "all "
              + threads
              + " search threads are busy and "
              + queue
              + " searches wait (search-threads, search-queue): retry shortly",
          null);
    }
    try {
      return future.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      // No interrupt: an interrupted thread in the middle of index I/O can close the index's
      // files. The index, told the same deadline, stops by itself.
      future.cancel(false);
      throw timedOut();
    } catch (InterruptedException e) {
      future.cancel(false);
      Thread.currentThread().interrupt();
      throw TallyException.unavailable(
          "shutting_down", "the search was interrupted: Tally is stopping", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (cause instanceof dev.tally.core.index.SearchTimedOut) {
        throw timedOut();
      }
      if (cause instanceof RuntimeException re) {
        throw re;
      }
      if (cause instanceof Error err) {
        throw err;
      }
      throw new IllegalStateException(cause);
    }
  }

  private TallyException timedOut() {
    timedOut.incrementAndGet();
    return TallyException.unavailable(
        "search_timeout",
        "the search did not finish within "
            + timeout.toMillis()
            + " ms (search-timeout) and was stopped; Tally is busy, retry shortly"
            + " (a narrower query costs less)",
        null);
  }

  /** Searches running now. */
  public int active() {
    return executor.getActiveCount();
  }

  /** Searches waiting for a thread now. */
  public int waiting() {
    return executor.getQueue().size();
  }

  /** Searches refused because the pool and its queue were full, since start. */
  public long rejected() {
    return rejected.get();
  }

  /** Searches stopped at their deadline, since start. */
  public long timedOutCount() {
    return timedOut.get();
  }

  @Override
  public void close() {
    executor.shutdown(); // no interrupts (see run); searches stop at their deadlines
  }
}
