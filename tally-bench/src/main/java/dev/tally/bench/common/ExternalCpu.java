package dev.tally.bench.common;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * CPU time outside this JVM, for runs on server engines: the PostgreSQL server (its postmaster and
 * every child, found from a backend's parent), the OpenSearch node (its process id from {@code
 * _nodes/_local}), and the whole machine ({@code /proc/stat}). What the machine spent beyond this
 * JVM and those two servers is {@link #OTHERS}: other people's work on a shared machine. Linux only
 * (clock ticks, usually 10 ms); elsewhere, or when a server cannot be found, it reports nothing.
 */
public final class ExternalCpu {
  public static final String POSTGRES = "PG server";
  public static final String OPENSEARCH = "OpenSearch";
  public static final String MACHINE = "machine";
  public static final String OTHERS = "others";
  private static final long TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

  private static volatile int postmaster = -1;
  private static volatile int openSearch = -1;

  private final Map<String, Long> nanos;

  private ExternalCpu(Map<String, Long> nanos) {
    this.nanos = nanos;
  }

  /**
   * Finds the servers once: the postmaster behind {@code pgUrl}, the OpenSearch node at {@code
   * openSearchUrl} (either may be null).
   */
  public static void locate(String pgUrl, String openSearchUrl) {
    if (pgUrl != null) {
      try (Connection c = DriverManager.getConnection(pgUrl);
          Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        postmaster = parentOf(rs.getInt(1));
      } catch (Exception e) {
        System.err.println(
            "bench: cannot find the PostgreSQL server's processes ("
                + e.getMessage()
                + "); its CPU is not reported");
      }
    }
    if (openSearchUrl != null) {
      openSearch = openSearchPid(openSearchUrl);
    }
  }

  /**
   * The process id of the OpenSearch node at {@code url}, as it reports it ({@code
   * _nodes/_local/process}); -1 if it cannot be found.
   */
  public static int openSearchPid(String url) {
    try (HttpClient http = HttpClient.newHttpClient()) {
      String body =
          http.send(
                  HttpRequest.newBuilder(URI.create(url + "/_nodes/_local/process")).build(),
                  HttpResponse.BodyHandlers.ofString())
              .body();
      JsonNode nodes = new ObjectMapper().readTree(body).path("nodes");
      return nodes.elements().next().path("process").path("id").asInt(-1);
    } catch (Exception e) {
      System.err.println(
          "bench: cannot find the OpenSearch process ("
              + e.getMessage()
              + "); its CPU is not reported");
      return -1;
    }
  }

  /**
   * CPU seconds (user + system) used so far by process {@code pid} ("self": this JVM); NaN where
   * /proc cannot tell.
   */
  public static double processSeconds(String pid) {
    try {
      return ticks(pid) * TICK_NANOS / 1e9;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  /**
   * CPU seconds the whole machine has been busy so far, summed over its CPUs ({@code /proc/stat});
   * NaN off Linux.
   */
  public static double machineBusySeconds() {
    try {
      return busyTicks() * TICK_NANOS / 1e9;
    } catch (IOException | RuntimeException e) {
      return Double.NaN;
    }
  }

  public static boolean located() {
    return postmaster > 0 || openSearch > 0;
  }

  public static ExternalCpu now() {
    Map<String, Long> n = new LinkedHashMap<>();
    if (!located() || !Files.isDirectory(Path.of("/proc"))) {
      return new ExternalCpu(n);
    }
    long pg = 0;
    long os = 0;
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.toList()) {
        String name = p.getFileName().toString();
        if (!name.chars().allMatch(Character::isDigit)) {
          continue;
        }
        int pid = Integer.parseInt(name);
        if (pid != postmaster
            && pid != openSearch
            && (postmaster <= 0 || !isChildOf(pid, postmaster))) {
          continue;
        }
        long ticks = ticksOrZero(name);
        if (pid == openSearch) {
          os += ticks;
        } else {
          pg += ticks;
        }
      }
      n.put(MACHINE, busyTicks() * TICK_NANOS);
    } catch (IOException | RuntimeException e) {
      return new ExternalCpu(Map.of());
    }
    if (postmaster > 0) {
      n.put(POSTGRES, pg * TICK_NANOS);
    }
    if (openSearch > 0) {
      n.put(OPENSEARCH, os * TICK_NANOS);
    }
    return new ExternalCpu(n);
  }

  /**
   * What was spent since {@code earlier}; with {@link #OTHERS} = machine − this JVM ({@code
   * jvmNanos}) − the servers.
   */
  public Map<String, Long> since(ExternalCpu earlier, long jvmNanos) {
    Map<String, Long> d = new LinkedHashMap<>();
    for (var e : nanos.entrySet()) {
      Long before = earlier.nanos.get(e.getKey());
      if (before != null) {
        d.put(e.getKey(), e.getValue() - before);
      }
    }
    if (d.containsKey(MACHINE)) {
      d.put(
          OTHERS,
          Math.max(
              0,
              d.get(MACHINE)
                  - jvmNanos
                  - d.getOrDefault(POSTGRES, 0L)
                  - d.getOrDefault(OPENSEARCH, 0L)));
    }
    return d;
  }

  private static int parentOf(int pid) throws IOException {
    return Integer.parseInt(statFields(Integer.toString(pid))[1]);
  }

  private static boolean isChildOf(int pid, int parent) {
    try {
      return parentOf(pid) == parent;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** utime + stime of a process, in clock ticks. */
  private static long ticks(String pid) throws IOException {
    String[] f = statFields(pid);
    return Long.parseLong(f[11]) + Long.parseLong(f[12]);
  }

  private static long ticksOrZero(String pid) {
    try {
      return ticks(pid);
    } catch (IOException | RuntimeException e) {
      return 0; // it ended while we looked
    }
  }

  /**
   * Clock ticks all CPUs have spent busy: user, nice, system, irq, softirq, steal (not idle,
   * iowait) of /proc/stat's first line.
   */
  private static long busyTicks() throws IOException {
    String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
    long busy = 0;
    for (int i = 1; i < cpu.length && i <= 8; i++) {
      if (i != 4 && i != 5) { // idle, iowait
        busy += Long.parseLong(cpu[i]);
      }
    }
    return busy;
  }

  /**
   * The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12]
   * stime.
   */
  private static String[] statFields(String pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", pid, "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }
}
