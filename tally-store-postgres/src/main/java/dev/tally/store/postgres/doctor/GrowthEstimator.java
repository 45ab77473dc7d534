package dev.tally.store.postgres.doctor;

import java.time.Duration;
import java.time.Instant;

/**
 * Estimates a sequence's growth: from an earlier sample of its last value when there is one,
 * otherwise from the inserts into the table it feeds since the statistics were last reset.
 */
final class GrowthEstimator {

  private static final double SECONDS_PER_DAY = 86_400.0;

  private GrowthEstimator() {}

  static GrowthEstimate estimate(
      SequenceFeed feed,
      SequenceSample previous,
      Long insertsSinceReset,
      Instant statsResetAt,
      Instant now) {
    if (feed.lastValue() == null)
      return GrowthEstimate.unknown("the sequence has not been used yet");
    if (previous != null && previous.observedAt().isBefore(now)) {
      return fromSample(feed, previous, now);
    }
    if (insertsSinceReset != null
        && insertsSinceReset > 0
        && statsResetAt != null
        && statsResetAt.isBefore(now)) {
      double days = Duration.between(statsResetAt, now).toMillis() / 1000.0 / SECONDS_PER_DAY;
      return new GrowthEstimate(
          insertsSinceReset * (double) Math.abs(feed.increment()) / days,
          "inserts into the table since the statistics reset at " + statsResetAt);
    }
    return GrowthEstimate.unknown(
        "unknown: fewer than two samples and no insert statistics since a statistics reset");
  }

  private static GrowthEstimate fromSample(
      SequenceFeed feed, SequenceSample previous, Instant now) {
    double days =
        Duration.between(previous.observedAt(), now).toMillis() / 1000.0 / SECONDS_PER_DAY;
    long advanced =
        feed.ascending()
            ? feed.lastValue() - previous.lastValue()
            : previous.lastValue() - feed.lastValue();
    if (advanced < 0) {
      return GrowthEstimate.unknown(
          "unknown: the sequence went back since the sample at "
              + previous.observedAt()
              + " (restarted?)");
    }
    return new GrowthEstimate(advanced / days, "samples since " + previous.observedAt());
  }
}
