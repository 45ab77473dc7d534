package dev.tally.testkit;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * Waits on a condition with a deadline: the one place tests poll, in every module. A wait that runs
 * out fails with what was awaited and the last state seen; an assertion thrown by the state or the
 * condition (a state that can never turn good) fails at once.
 */
public final class Await {
  /** How often a condition is looked at, unless the wait says otherwise. */
  public static final Duration POLL = Duration.ofMillis(50);

  private Await() {}

  /** Polls {@code state} until {@code done} holds for it; returns that state. */
  public static <T> T until(String what, Duration timeout, Supplier<T> state, Predicate<T> done) {
    return until(what, timeout, POLL, state, done);
  }

  /**
   * As {@link #until(String, Duration, Supplier, Predicate)}, looking every {@code poll} (short, to
   * catch a brief moment).
   */
  public static <T> T until(
      String what, Duration timeout, Duration poll, Supplier<T> state, Predicate<T> done) {
    long deadline = System.nanoTime() + timeout.toNanos();
    T last = state.get();
    while (!done.test(last)) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError(
            what + " did not happen within " + shown(timeout) + "; last seen: " + last);
      }
      LockSupport.parkNanos(poll.toNanos());
      last = state.get();
    }
    return last;
  }

  /**
   * What is left of {@code budget} counted from {@code startNanos} (a System.nanoTime()): for
   * several waits under one deadline.
   */
  public static Duration left(long startNanos, Duration budget) {
    return Duration.ofNanos(Math.max(0, startNanos + budget.toNanos() - System.nanoTime()));
  }

  private static String shown(Duration timeout) {
    return timeout.toMillis() % 1000 == 0 ? timeout.toSeconds() + " s" : timeout.toMillis() + " ms";
  }
}
