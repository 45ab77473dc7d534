package dev.tally.bench;

/**
 * What one target did with a given number of clients during the measured window.
 *
 * @param writes      writes that started and finished inside the window
 * @param seconds     the window's length
 * @param sortedNanos their latencies, ascending
 * @param busyRetries writes retried after SQLITE_BUSY (bare loop only)
 */
record Measurement(String target, int clients, long writes, double seconds, long[] sortedNanos, long busyRetries) {

  double writesPerSecond() {
    return writes / seconds;
  }

  double p50Millis() {
    return percentileMillis(0.50);
  }

  double p99Millis() {
    return percentileMillis(0.99);
  }

  /** Nearest-rank percentile. */
  double percentileMillis(double p) {
    if (sortedNanos.length == 0) {
      return Double.NaN;
    }
    int rank = (int) Math.ceil(p * sortedNanos.length);
    return sortedNanos[Math.max(0, rank - 1)] / 1e6;
  }
}
