package dev.tally.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.Test;

class BackoffTest {
  static final Backoff B = new Backoff(Duration.ofSeconds(1), Duration.ofMinutes(1));
  static final Instant NOW = Instant.parse("2030-01-01T00:00:00Z");

  /** A generator that always answers the top of the range. */
  static final RandomGenerator MAX =
      new RandomGenerator() {
        @Override
        public long nextLong() {
          throw new UnsupportedOperationException();
        }

        @Override
        public long nextLong(long bound) {
          return bound - 1;
        }
      };

  @Test
  void theCeilingDoublesUpToTheCap() {
    assertEquals(Duration.ofSeconds(1), B.ceiling(1));
    assertEquals(Duration.ofSeconds(2), B.ceiling(2));
    assertEquals(Duration.ofSeconds(32), B.ceiling(6));
    assertEquals(Duration.ofMinutes(1), B.ceiling(7));
    assertEquals(Duration.ofMinutes(1), B.ceiling(64));
    assertEquals(Duration.ofMinutes(1), B.ceiling(Integer.MAX_VALUE));
  }

  @Test
  void theDelayIsUniformBetweenZeroAndTheCeiling() {
    RandomGenerator r = new SplittableRandom(42);
    long min = Long.MAX_VALUE;
    long max = 0;
    for (int i = 0; i < 10_000; i++) {
      long d = B.delay(3, r).toMillis();
      min = Math.min(min, d);
      max = Math.max(max, d);
    }
    assertTrue(min >= 0 && min < 100, "min " + min);
    assertTrue(max <= 4000 && max > 3900, "max " + max);
    assertEquals(Duration.ofSeconds(4), B.delay(3, MAX));
  }

  @Test
  void theSameSeedGivesTheSameSchedule() {
    assertEquals(B.delay(5, new SplittableRandom(7)), B.delay(5, new SplittableRandom(7)));
  }

  @Test
  void aRetryIsNeverDuePastExpiry() {
    Instant expires = NOW.plusSeconds(10);
    assertEquals(Optional.of(NOW.plusSeconds(4)), B.next(3, NOW, expires, MAX));
    assertEquals(Optional.of(expires), B.next(6, NOW, expires, MAX));
    assertEquals(Optional.empty(), B.next(1, expires, expires, MAX));
    assertEquals(Optional.empty(), B.next(1, expires.plusMillis(1), expires, MAX));
  }

  @Test
  void nonsenseIsRefused() {
    assertThrows(IllegalArgumentException.class, () -> B.ceiling(0));
    assertThrows(
        IllegalArgumentException.class, () -> new Backoff(Duration.ZERO, Duration.ofSeconds(1)));
    assertThrows(
        IllegalArgumentException.class,
        () -> new Backoff(Duration.ofSeconds(2), Duration.ofSeconds(1)));
  }
}
