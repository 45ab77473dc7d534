package dev.tally.bench;

import dev.tally.bench.common.CpuByThread;
import dev.tally.bench.common.Percentiles;
import java.util.Map;

/**
 * What one target did with a given number of clients during the measured window.
 *
 * @param calls calls that started and finished inside the window
 * @param seconds the window's length
 * @param latencies their latencies
 * @param busyRetries calls retried after SQLITE_BUSY inside the window (bare loop only)
 * @param cpuNanos CPU time spent in the window, by thread group ({@link CpuByThread}) and outside
 *     this JVM
 */
record Measurement(
    String target,
    int clients,
    long calls,
    double seconds,
    Percentiles latencies,
    long busyRetries,
    Map<String, Long> cpuNanos) {

  /** CPU milliseconds per call of one thread group. */
  double cpuMillisPerCall(String group) {
    return cpuNanos.getOrDefault(group, 0L) / 1e6 / Math.max(1, calls);
  }

  /** Share of the machine's CPUs used in the window. */
  double cpuShare() {
    return cpuNanos.getOrDefault(CpuByThread.TOTAL, 0L)
        / (seconds * 1e9 * Runtime.getRuntime().availableProcessors());
  }

  double perSecond() {
    return calls / seconds;
  }

  double p50Millis() {
    return percentileMillis(50);
  }

  double p99Millis() {
    return percentileMillis(99);
  }

  /** Nearest-rank percentile ({@code p} from 0 to 100); NaN without calls. */
  private double percentileMillis(double p) {
    return latencies.count() == 0 ? Double.NaN : latencies.ms(p);
  }
}
