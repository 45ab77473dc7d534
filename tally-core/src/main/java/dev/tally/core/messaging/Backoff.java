package dev.tally.core.messaging;

import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import java.util.Optional;
import java.util.random.RandomGenerator;

/**
 * When to retry a delivery that a receiver refused for now (5xx, 429, a timeout): exponential
 * backoff with full jitter. The n-th retry waits a uniformly random time between 0 and {@code
 * min(cap, base × 2^(n-1))}, so that the sends a receiver's outage piled up do not all come back at
 * the same instant when it recovers (the "thundering herd"). The random source is injected, so
 * tests replay a schedule exactly.
 *
 * @param base the ceiling of the first retry's delay
 * @param cap the largest ceiling, however many attempts were made
 */
public record Backoff(Duration base, Duration cap) {

  /** Ceilings of 2 s, 4 s, 8 s, ... up to 30 min. */
  public static final Backoff DEFAULT = new Backoff(Duration.ofSeconds(2), Duration.ofMinutes(30));

  public Backoff {
    Objects.requireNonNull(base, "base");
    Objects.requireNonNull(cap, "cap");
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException(
          "backoff needs 0 < base <= cap, got base " + base + " and cap " + cap);
    }
  }

  /** The ceiling of the delay after {@code attempts} failed attempts (1 or more). */
  public Duration ceiling(int attempts) {
    if (attempts < 1) {
      throw new IllegalArgumentException("attempts must be at least 1, got " + attempts);
    }
    long baseMillis = base.toMillis();
    long capMillis = cap.toMillis();
    int doublings = attempts - 1;
    // base << doublings overflows once doublings reaches the leading zeros of base, less the sign.
    if (doublings >= Long.numberOfLeadingZeros(baseMillis) - 1) {
      return cap;
    }
    return Duration.ofMillis(Math.min(capMillis, baseMillis << doublings));
  }

  /**
   * The delay after {@code attempts} failed attempts: uniform in [0, ceiling], to the millisecond.
   */
  public Duration delay(int attempts, RandomGenerator random) {
    return Duration.ofMillis(random.nextLong(ceiling(attempts).toMillis() + 1));
  }

  /**
   * When the send is due again after {@code attempts} failed attempts at {@code now}: never after
   * {@code expiresAt} (a retry the delay would put later is due at {@code expiresAt}, its last
   * chance); empty when {@code now} is already at or past {@code expiresAt}, and the send expires.
   */
  public Optional<Instant> next(
      int attempts, Instant now, Instant expiresAt, RandomGenerator random) {
    if (!now.isBefore(expiresAt)) {
      return Optional.empty();
    }
    Instant due = now.plus(delay(attempts, random));
    return Optional.of(due.isAfter(expiresAt) ? expiresAt : due);
  }
}
