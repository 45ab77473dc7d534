package dev.tally.store.postgres.doctor;

/**
 * How fast a sequence grows, in values per day, and where that figure comes from.
 *
 * @param perDay null when unknown
 * @param source plain words: "samples since 2025-01-02T03:04:05Z", "inserts since the statistics
 *     reset at ...", or why it is unknown
 */
public record GrowthEstimate(Double perDay, String source) {

  static GrowthEstimate unknown(String why) {
    return new GrowthEstimate(null, why);
  }

  public boolean known() {
    return perDay != null;
  }
}
