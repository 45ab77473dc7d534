package dev.tally.store.postgres.doctor;

/**
 * How much of what a sequence's column can hold is used, and how long the rest lasts.
 *
 * @param column the column the sequence feeds, or null
 * @param lastValue null if the sequence was never used (or is not readable)
 * @param limit the last value both the column and the sequence can hold
 * @param usedPercent lastValue relative to limit, 0 to 100
 * @param daysToExhaustion null when the growth is unknown or zero
 */
public record SequenceCapacity(
    String sequence,
    String sequenceSql,
    String sequenceType,
    ColumnRef column,
    Long lastValue,
    long limit,
    double usedPercent,
    GrowthEstimate growth,
    Double daysToExhaustion) {

  public static final double AT_RISK_PERCENT = 50.0;
  public static final double AT_RISK_DAYS = 90.0;
  public static final double CRITICAL_PERCENT = 80.0;
  public static final double CRITICAL_DAYS = 30.0;

  static SequenceCapacity of(SequenceFeed feed, GrowthEstimate growth) {
    long limit = feed.limit();
    Long last = feed.lastValue();
    double used =
        last == null || limit == 0 ? 0.0 : Math.max(0.0, 100.0 * ((double) last / (double) limit));
    Double days = null;
    if (last != null && growth.known() && growth.perDay() > 0) {
      double remaining = Math.abs((double) limit - (double) last);
      days = remaining / growth.perDay();
    }
    return new SequenceCapacity(
        feed.sequence(),
        feed.sequenceSql(),
        feed.sequenceType(),
        feed.column(),
        last,
        limit,
        used,
        growth,
        days);
  }

  public boolean atRisk() {
    return usedPercent >= AT_RISK_PERCENT
        || (daysToExhaustion != null && daysToExhaustion < AT_RISK_DAYS);
  }

  public boolean critical() {
    return usedPercent >= CRITICAL_PERCENT
        || (daysToExhaustion != null && daysToExhaustion < CRITICAL_DAYS);
  }
}
