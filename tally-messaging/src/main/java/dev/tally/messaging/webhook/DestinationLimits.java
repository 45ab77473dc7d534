package dev.tally.messaging.webhook;

import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * At most {@code perDestination} deliveries in flight to one destination; one more waits a short,
 * bounded time for a place (a fast receiver frees one within milliseconds), then is refused. A
 * receiver that hangs can therefore hold at most that many sender threads for the request timeout,
 * and the others each for at most that short wait, whatever the number of its sends due; every
 * other receiver keeps the rest.
 *
 * <p>One semaphore per destination ever seen is kept: a few dozen bytes each, and destinations are
 * campaigns' configured URLs, not user input at request rate.
 */
final class DestinationLimits {
  private final int perDestination;
  private final ConcurrentMap<Destination, Semaphore> permits = new ConcurrentHashMap<>();

  DestinationLimits(int perDestination) {
    if (perDestination < 1) {
      throw new IllegalArgumentException(
          "concurrency per destination: expected at least 1, got " + perDestination);
    }
    this.perDestination = perDestination;
  }

  int perDestination() {
    return perDestination;
  }

  /**
   * A permit for one delivery to {@code destination}, waiting at most {@code wait} for one of its
   * deliveries in flight to end; null when it still has its bound in flight then (or the thread was
   * interrupted).
   */
  Permit tryAcquire(Destination destination, Duration wait) {
    Semaphore semaphore = permits.computeIfAbsent(destination, d -> new Semaphore(perDestination));
    try {
      return semaphore.tryAcquire(wait.toNanos(), TimeUnit.NANOSECONDS) ? semaphore::release : null;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return null;
    }
  }

  /** Held while a delivery is in flight; closing it frees its place. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
