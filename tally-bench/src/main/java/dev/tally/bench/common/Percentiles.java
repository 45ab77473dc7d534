package dev.tally.bench.common;

import java.util.Arrays;

/** Nearest-rank percentiles over a sample of durations in nanoseconds, shown in milliseconds. */
public final class Percentiles {
  private final long[] sorted;

  public Percentiles(long[] nanos) {
    this.sorted = nanos.clone();
    Arrays.sort(sorted);
  }

  public int count() {
    return sorted.length;
  }

  /** The {@code p}th percentile (0 to 100) in nanoseconds; 0 for an empty sample. */
  public long nanos(double p) {
    if (sorted.length == 0) {
      return 0;
    }
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public double ms(double p) {
    return nanos(p) / 1e6;
  }

  public double maxMs() {
    return sorted.length == 0 ? 0 : sorted[sorted.length - 1] / 1e6;
  }

  /** Milliseconds with as many decimals as matter: 0 from 100 ms, 1 from 10 ms, else 2. */
  public static String fmt(double ms) {
    return ms >= 100
        ? String.format("%.0f", ms)
        : ms >= 10 ? String.format("%.1f", ms) : String.format("%.2f", ms);
  }
}
