package dev.tally.server.schedule;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testkit.Await;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * A periodic task is never silently dead: one that throws runs again, and its state says when it
 * ran and failed.
 */
class SchedulerTest {
  private static final Instant T0 = Instant.parse("2026-12-02T08:00:00Z");

  @Test
  void aTaskThatThrowsIsLoggedCountedAndRunsAgain() throws Exception {
    InstantSource clock = InstantSource.fixed(T0);
    try (Scheduler scheduler = new Scheduler(clock)) {
      AtomicInteger calls = new AtomicInteger();
      CountDownLatch thirdRun = new CountDownLatch(3);
      Scheduler.Task task =
          scheduler.every(
              "flaky",
              Duration.ZERO,
              Duration.ofMillis(10),
              () -> {
                thirdRun.countDown();
                if (calls.incrementAndGet() <= 2) {
                  throw new IllegalStateException("boom " + calls.get());
                }
              });
      assertTrue(thirdRun.await(10, TimeUnit.SECONDS), "the task ran again after throwing");
      Scheduler.TaskState state = awaitRuns(task, 3);
      assertEquals("flaky", state.name());
      assertEquals(2, state.failures());
      assertEquals("boom 2", state.lastError());
      assertEquals(T0, state.lastFailure(), "times come from the injected clock");
      assertEquals(T0, state.lastRun());
      assertTrue(
          scheduler.states().contains(task.state())
              || scheduler.states().stream().anyMatch(s -> s.name().equals("flaky")));
    }
  }

  @Test
  void anAssertionErrorDoesNotKillTheTaskEither() throws Exception {
    try (Scheduler scheduler = new Scheduler(InstantSource.system())) {
      CountDownLatch twice = new CountDownLatch(2);
      scheduler.every(
          "asserting",
          Duration.ZERO,
          Duration.ofMillis(10),
          () -> {
            twice.countDown();
            throw new AssertionError("a corrupt index can trip an assertion");
          });
      assertTrue(twice.await(10, TimeUnit.SECONDS));
    }
  }

  @Test
  void aClosedTaskStopsAndLeavesTheList() throws Exception {
    try (Scheduler scheduler = new Scheduler(InstantSource.system())) {
      AtomicInteger runs = new AtomicInteger();
      Scheduler.Task task =
          scheduler.every(
              "short-lived", Duration.ZERO, Duration.ofMillis(5), runs::incrementAndGet);
      awaitRuns(task, 2);
      task.close();
      int after = runs.get();
      Thread.sleep(100); // long enough for twenty more runs, had it not stopped
      assertTrue(runs.get() <= after + 1, "at most the run in progress finishes");
      assertTrue(scheduler.states().stream().noneMatch(s -> s.name().equals("short-lived")));
    }
  }

  @Test
  void aZeroPeriodSchedulesNothing() {
    try (Scheduler scheduler = new Scheduler(InstantSource.system())) {
      Scheduler.Task task =
          scheduler.every(
              "never",
              Duration.ZERO,
              () -> {
                throw new AssertionError("must not run");
              });
      assertEquals(0, task.state().runs());
      assertNull(task.state().lastRun());
      assertTrue(scheduler.states().isEmpty());
    }
  }

  /** A slow task does not hold up another: each has a thread of its own. */
  @Test
  void aSlowTaskDoesNotDelayAnother() throws Exception {
    try (Scheduler scheduler = new Scheduler(InstantSource.system())) {
      CountDownLatch release = new CountDownLatch(1);
      scheduler.every(
          "slow",
          Duration.ZERO,
          Duration.ofMillis(10),
          () -> {
            try {
              release.await();
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          });
      CountDownLatch renewals = new CountDownLatch(5);
      scheduler.every("lease", Duration.ZERO, Duration.ofMillis(10), renewals::countDown);
      assertTrue(
          renewals.await(10, TimeUnit.SECONDS), "the lease task ran while the slow one was stuck");
      release.countDown();
    }
  }

  private static Scheduler.TaskState awaitRuns(Scheduler.Task task, long runs) {
    return Await.until(
        task.state().name() + " ran " + runs + " times",
        Duration.ofSeconds(10),
        Duration.ofMillis(5),
        task::state,
        s -> s.runs() >= runs);
  }
}
