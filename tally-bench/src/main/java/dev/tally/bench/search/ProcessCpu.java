package dev.tally.bench.search;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * CPU seconds (user + system) of this JVM and of another process, from /proc/PID/stat (Linux; clock
 * ticks of 10 ms): where the time of a load goes when client and OpenSearch share the machine.
 */
final class ProcessCpu {
  private ProcessCpu() {}

  /** CPU seconds used so far by {@code pid} ("self" for this JVM); NaN where /proc cannot tell. */
  static double seconds(String pid) {
    try {
      String stat = Files.readString(Path.of("/proc", pid, "stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      return (Long.parseLong(f[11]) + Long.parseLong(f[12])) / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** The OpenSearch node's process id, as it reports it. */
  static String openSearchPid(RawOpenSearch raw) {
    try {
      return raw.json("GET", "/_nodes/_local/process", null).path("nodes").elements().next().path("process").path("id").asText("0");
    } catch (RuntimeException e) {
      return "0";
    }
  }
}
