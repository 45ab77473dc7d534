package dev.tally.bench.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;

/**
 * A fixed number of platform threads doing the same work (loaders, closed-loop clients), waited for
 * together.
 */
public final class Workers {
  private Workers() {}

  /** The work of one thread; the threads share whatever it takes from (a counter, a reader). */
  public interface Work {
    void run() throws Exception;
  }

  /**
   * Runs {@code work} on {@code threads} threads named {@code name-0}, {@code name-1}, ..., waits
   * for all of them, and throws if any failed (with the first failure as the cause).
   */
  public static void run(String name, int threads, Work work) throws InterruptedException {
    List<Throwable> failures = Collections.synchronizedList(new ArrayList<>());
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      workers.add(
          Thread.ofPlatform()
              .name(name + "-" + t)
              .start(
                  () -> {
                    try {
                      work.run();
                    } catch (Throwable e) {
                      failures.add(e);
                    }
                  }));
    }
    for (Thread w : workers) {
      w.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException(name + " failed: " + failures.get(0), failures.get(0));
    }
  }

  /**
   * A closed loop: {@code clients} threads named {@code bench-client-N} each repeat {@code attempt}
   * for {@code seconds}; returns the attempts that succeeded per second.
   */
  public static double closedLoop(int clients, int seconds, BooleanSupplier attempt)
      throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    long start = System.nanoTime();
    long end = start + seconds * 1_000_000_000L;
    run(
        "bench-client",
        clients,
        () -> {
          while (System.nanoTime() < end) {
            if (attempt.getAsBoolean()) {
              ok.incrementAndGet();
            }
          }
        });
    return ok.get() / ((System.nanoTime() - start) / 1e9);
  }
}
