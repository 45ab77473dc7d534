package dev.tally.messaging.webhook;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.Semaphore;

/**
 * At most {@code perDestination} deliveries in flight to one destination; one more is refused at
 * once, never queued. A receiver that hangs can therefore hold at most that many sender threads,
 * whatever the number of its sends due, and every other receiver keeps the rest.
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

  /** A permit for one delivery to {@code destination}, or null when it has its bound in flight. */
  Permit tryAcquire(Destination destination) {
    Semaphore semaphore = permits.computeIfAbsent(destination, d -> new Semaphore(perDestination));
    return semaphore.tryAcquire() ? semaphore::release : null;
  }

  /** Held while a delivery is in flight; closing it frees its place. */
  interface Permit extends AutoCloseable {
    @Override
    void close();
  }
}
