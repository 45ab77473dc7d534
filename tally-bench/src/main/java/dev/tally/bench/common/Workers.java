package dev.tally.bench.common;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

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
}
