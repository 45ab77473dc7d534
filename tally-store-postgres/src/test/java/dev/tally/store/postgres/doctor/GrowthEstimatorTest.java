package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** The growth rules, without a database. */
class GrowthEstimatorTest {

  private static final Instant NOW = Instant.parse("2025-06-01T00:00:00Z");
  private static final ColumnRef INT_COLUMN =
      new ColumnRef(1, 1, "t", "id", "s.t", "id", "integer", "int4");

  private static SequenceFeed feed(Long lastValue) {
    return new SequenceFeed(
        "t_id_seq",
        "s.t_id_seq",
        "integer",
        1,
        1,
        Integer.MAX_VALUE,
        1,
        false,
        lastValue,
        INT_COLUMN,
        false);
  }

  @Test
  void aSampleGivesTheRateSinceIt() {
    SequenceSample twoDaysAgo =
        new SequenceSample("t_id_seq", 1_000, NOW.minus(Duration.ofDays(2)));
    GrowthEstimate growth =
        GrowthEstimator.estimate(
            feed(5_000L), twoDaysAgo, 999_999L, NOW.minus(Duration.ofDays(1)), NOW);
    assertEquals(2_000.0, growth.perDay(), 1e-9);
    assertTrue(growth.source().startsWith("samples since"));
  }

  @Test
  void withoutASampleInsertsSinceTheStatisticsResetAreUsed() {
    GrowthEstimate growth =
        GrowthEstimator.estimate(feed(5_000L), null, 4_000L, NOW.minus(Duration.ofDays(4)), NOW);
    assertEquals(1_000.0, growth.perDay(), 1e-9);
    assertTrue(growth.source().startsWith("inserts"));
  }

  @Test
  void withNeitherTheGrowthIsUnknown() {
    GrowthEstimate growth = GrowthEstimator.estimate(feed(5_000L), null, 4_000L, null, NOW);
    assertFalse(growth.known());
    assertTrue(growth.source().startsWith("unknown"));
    assertNull(SequenceCapacity.of(feed(5_000L), growth).daysToExhaustion());
  }

  @Test
  void aSequenceThatWentBackIsNotAGrowthRate() {
    SequenceSample before = new SequenceSample("t_id_seq", 9_000, NOW.minus(Duration.ofDays(1)));
    GrowthEstimate growth = GrowthEstimator.estimate(feed(5_000L), before, null, null, NOW);
    assertFalse(growth.known());
    assertTrue(growth.source().contains("went back"));
  }

  @Test
  void daysToExhaustionCountsWhatTheColumnCanStillHold() {
    GrowthEstimate growth = new GrowthEstimate(1_000_000.0, "test");
    SequenceCapacity capacity =
        SequenceCapacity.of(feed((long) Integer.MAX_VALUE - 10_000_000L), growth);
    assertEquals(10.0, capacity.daysToExhaustion(), 1e-9);
    assertTrue(capacity.critical());
  }
}
