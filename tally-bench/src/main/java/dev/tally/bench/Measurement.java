package dev.tally.bench;

import java.util.Map;

/**
 * What one target did with a given number of clients during the measured window.
 *
 * @param calls       calls that started and finished inside the window
 * @param seconds     the window's length
 * @param sortedNanos their latencies, ascending
 * @param busyRetries calls retried after SQLITE_BUSY inside the window (bare loop only)
 * @param cpuNanos    CPU time spent in the window, by thread group ({@link CpuByThread})
 */
record Measurement(String target, int clients, long calls, double seconds, long[] sortedNanos, long busyRetries,
    Map<String, Long> cpuNanos) {

  /** CPU milliseconds per call of one thread group. */
  double cpuMillisPerCall(String group) {
    return cpuNanos.getOrDefault(group, 0L) / 1e6 / Math.max(1, calls);
  }

  /** Share of the machine's CPUs used in the window. */
  double cpuShare() {
    return cpuNanos.getOrDefault(CpuByThread.TOTAL, 0L) / (seconds * 1e9 * Runtime.getRuntime().availableProcessors());
  }

  double perSecond() {
    return calls / seconds;
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
