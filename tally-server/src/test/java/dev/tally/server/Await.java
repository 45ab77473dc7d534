package dev.tally.server;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;

/** Waits on a condition with a deadline (the one place tests poll), failing with what was awaited and the last state seen. */
final class Await {
  private Await() {}

  /** Polls {@code state} until {@code done} holds for it; returns that state. */
  static <T> T until(String what, Duration timeout, Supplier<T> state, java.util.function.Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = state.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(what + " did not happen within " + timeout.toSeconds() + " s; last seen: " + last);
      }
      LockSupport.parkNanos(Duration.ofMillis(50).toNanos());
      last = state.get();
    }
    return last;
  }
}
