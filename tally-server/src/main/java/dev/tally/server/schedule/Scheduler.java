package dev.tally.server.schedule;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs Tally's periodic tasks on one {@link ScheduledExecutorService}. Each task runs with a fixed
 * delay between the end of one run and the start of the next, so a slow run never piles up behind
 * itself. The pool has a thread per task (up to {@link #MAX_THREADS}): a verification that reads a
 * million contacts never delays a lease renewal, which would hand the projector to another process.
 *
 * <p>A run that throws (or trips an assertion, as a corrupt Lucene index can) is logged with the
 * task's name and counted; the task runs again at its next time. The clock is injectable so that
 * tests can check the times reported.
 */
public final class Scheduler implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Scheduler.class);

  /**
   * More than the tasks a Tally runs (eight, the sender included), so that no task waits for a
   * thread.
   */
  static final int MAX_THREADS = 10;

  private final ScheduledExecutorService executor;
  private final InstantSource clock;
  private final List<Task> tasks = new CopyOnWriteArrayList<>();

  public Scheduler(InstantSource clock) {
    AtomicInteger threads = new AtomicInteger();
    ScheduledThreadPoolExecutor pool =
        new ScheduledThreadPoolExecutor(
            MAX_THREADS,
            r -> {
              Thread t = new Thread(r, "tally-scheduled-" + threads.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.setRemoveOnCancelPolicy(true);
    this.executor = pool;
    this.clock = clock;
  }

  public static Scheduler system() {
    return new Scheduler(InstantSource.system());
  }

  /** What /metrics shows of one task. */
  public record TaskState(
      String name,
      long runs,
      long failures,
      Instant lastRun,
      Instant lastFailure,
      String lastError) {}

  /** One scheduled task; cancel it to stop it (a run in progress finishes). */
  public final class Task implements AutoCloseable {
    private final String name;
    private final Runnable body;
    private final AtomicLong runs = new AtomicLong();
    private final AtomicLong failures = new AtomicLong();
    private final AtomicReference<Instant> lastRun = new AtomicReference<>();
    private final AtomicReference<Instant> lastFailure = new AtomicReference<>();
    private final AtomicReference<String> lastError = new AtomicReference<>();
    private volatile ScheduledFuture<?> future;

    private Task(String name, Runnable body) {
      this.name = name;
      this.body = body;
    }

    private void run() {
      try {
        body.run();
      } catch (RuntimeException | AssertionError e) {
        failures.incrementAndGet();
        lastFailure.set(clock.instant());
        lastError.set(String.valueOf(e.getMessage()));
        LOG.atWarn()
            .addKeyValue("task", name)
            .addKeyValue("error", String.valueOf(e.getMessage()))
            .setCause(e)
            .log("a scheduled task failed; it runs again at its next time");
      } finally {
        runs.incrementAndGet();
        lastRun.set(clock.instant());
      }
    }

    public TaskState state() {
      return new TaskState(
          name, runs.get(), failures.get(), lastRun.get(), lastFailure.get(), lastError.get());
    }

    /** Stops scheduling it; a run in progress finishes. */
    @Override
    public void close() {
      ScheduledFuture<?> f = future;
      if (f != null) {
        f.cancel(false);
      }
      tasks.remove(this);
    }
  }

  /**
   * Runs {@code body} every {@code every} (the first run after {@code initialDelay}); a zero period
   * schedules nothing.
   */
  public Task every(String name, Duration initialDelay, Duration every, Runnable body) {
    Task task = new Task(name, body);
    if (every.isZero() || every.isNegative()) {
      return task;
    }
    tasks.add(task);
    task.future =
        executor.scheduleWithFixedDelay(
            task::run, initialDelay.toNanos(), every.toNanos(), TimeUnit.NANOSECONDS);
    return task;
  }

  public Task every(String name, Duration every, Runnable body) {
    return every(name, every, every, body);
  }

  /** The scheduled tasks, for /metrics. */
  public List<TaskState> states() {
    return tasks.stream().map(Task::state).toList();
  }

  @Override
  public void close() {
    executor.shutdownNow();
    try {
      executor.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
