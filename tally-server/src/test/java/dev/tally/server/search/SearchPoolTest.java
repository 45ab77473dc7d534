package dev.tally.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.TallyException;
import dev.tally.core.index.SearchTimedOut;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

class SearchPoolTest {

  @Test
  void aFullPoolRefusesAtOnceWith503AndTheWaitingSearchesStillRun() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch started = new CountDownLatch(1);
    try (SearchPool pool = new SearchPool(1, 1, Duration.ofSeconds(30));
        ExecutorService callers = Executors.newVirtualThreadPerTaskExecutor()) {
      Future<String> running =
          callers.submit(
              () ->
                  pool.run(
                      deadline -> {
                        started.countDown();
                        await(release);
                        return "first";
                      }));
      started.await();
      Future<String> queued = callers.submit(() -> pool.run(deadline -> "second"));
      dev.tally.testkit.Await.until(
          "a search queued", Duration.ofSeconds(10), pool::waiting, n -> n == 1);
      TallyException busy = assertThrows(TallyException.class, () -> pool.run(deadline -> "third"));
      assertEquals("search_busy", busy.code());
      assertEquals(503, busy.kind().status);
      assertTrue(busy.getMessage().contains("retry"), busy.getMessage());
      assertEquals(1, pool.rejected());
      release.countDown();
      assertEquals("first", running.get());
      assertEquals("second", queued.get());
    }
  }

  @Test
  void aSearchPastItsDeadlineIs503AndTheDeadlineReachesTheSearch() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    long[] seen = new long[1];
    try (SearchPool pool = new SearchPool(1, 0, Duration.ofMillis(200))) {
      long before = System.nanoTime();
      TallyException late =
          assertThrows(
              TallyException.class,
              () ->
                  pool.run(
                      deadline -> {
                        seen[0] = deadline;
                        await(release);
                        return "never read";
                      }));
      assertEquals("search_timeout", late.code());
      assertEquals(503, late.kind().status);
      assertTrue(seen[0] - before >= Duration.ofMillis(200).toNanos());
      assertTrue(seen[0] - before < Duration.ofSeconds(5).toNanos());
      assertEquals(1, pool.timedOutCount());
      release.countDown();
    }
  }

  @Test
  void whatASearchThrowsReachesTheCallerAsItWas() {
    try (SearchPool pool = new SearchPool(2, 0, Duration.ofSeconds(30))) {
      TallyException bad = TallyException.invalid("query", "no");
      assertSame(bad, assertThrows(TallyException.class, () -> pool.run(d -> throwing(bad))));
      IllegalStateException bug = new IllegalStateException("bug");
      assertSame(
          bug, assertThrows(IllegalStateException.class, () -> pool.run(d -> throwing(bug))));
      // The index's own timeout is the same 503 as the pool's.
      TallyException late =
          assertThrows(
              TallyException.class, () -> pool.run(d -> throwing(new SearchTimedOut("late"))));
      assertEquals("search_timeout", late.code());
    }
  }

  private static String throwing(RuntimeException e) {
    throw e;
  }

  private static void await(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
