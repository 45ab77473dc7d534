package dev.tally.bench;

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
 * every child, found from a backend's parent), the OpenSearch node (its process id from
 * {@code _nodes/_local}), and the whole machine ({@code /proc/stat}). What the machine spent beyond
 * this JVM and those two servers is {@link #OTHERS}: other people's work on a shared machine. Linux
 * only (clock ticks, usually 10 ms); elsewhere, or when a server cannot be found, it reports nothing.
 */
final class ExternalCpu {
  static final String POSTGRES = "PG server";
  static final String OPENSEARCH = "OpenSearch";
  static final String MACHINE = "machine";
  static final String OTHERS = "others";
  private static final long TICK_NANOS = 10_000_000L;  // USER_HZ = 100 on Linux

  private static volatile int postmaster = -1;
  private static volatile int openSearch = -1;

  private final Map<String, Long> nanos;

  private ExternalCpu(Map<String, Long> nanos) {
    this.nanos = nanos;
  }

  /** Finds the servers once: the postmaster behind {@code pgUrl}, the OpenSearch node at {@code openSearchUrl} (either may be null). */
  static void locate(String pgUrl, String openSearchUrl) {
    if (pgUrl != null) {
      try (Connection c = DriverManager.getConnection(pgUrl); Statement s = c.createStatement();
          ResultSet rs = s.executeQuery("SELECT pg_backend_pid()")) {
        rs.next();
        postmaster = parentOf(rs.getInt(1));
      } catch (Exception e) {
        System.err.println("bench: cannot find the PostgreSQL server's processes (" + e.getMessage() + "); its CPU is not reported");
      }
    }
    if (openSearchUrl != null) {
      try (HttpClient http = HttpClient.newHttpClient()) {
        String body = http.send(HttpRequest.newBuilder(URI.create(openSearchUrl + "/_nodes/_local/process")).build(),
            HttpResponse.BodyHandlers.ofString()).body();
        JsonNode nodes = new ObjectMapper().readTree(body).path("nodes");
        openSearch = nodes.elements().next().path("process").path("id").asInt(-1);
      } catch (Exception e) {
        System.err.println("bench: cannot find the OpenSearch process (" + e.getMessage() + "); its CPU is not reported");
      }
    }
  }

  static boolean located() {
    return postmaster > 0 || openSearch > 0;
  }

  static ExternalCpu now() {
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
        if (pid != postmaster && pid != openSearch && (postmaster <= 0 || !isChildOf(pid, postmaster))) {
          continue;
        }
        long ticks = ticks(pid);
        if (pid == openSearch) {
          os += ticks;
        } else {
          pg += ticks;
        }
      }
      String[] cpu = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < cpu.length && i <= 8; i++) {
        if (i != 4 && i != 5) {  // idle, iowait
          busy += Long.parseLong(cpu[i]);
        }
      }
      n.put(MACHINE, busy * TICK_NANOS);
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

  /** What was spent since {@code earlier}; with {@link #OTHERS} = machine − this JVM ({@code jvmNanos}) − the servers. */
  Map<String, Long> since(ExternalCpu earlier, long jvmNanos) {
    Map<String, Long> d = new LinkedHashMap<>();
    for (var e : nanos.entrySet()) {
      Long before = earlier.nanos.get(e.getKey());
      if (before != null) {
        d.put(e.getKey(), e.getValue() - before);
      }
    }
    if (d.containsKey(MACHINE)) {
      d.put(OTHERS, Math.max(0, d.get(MACHINE) - jvmNanos - d.getOrDefault(POSTGRES, 0L) - d.getOrDefault(OPENSEARCH, 0L)));
    }
    return d;
  }

  private static int parentOf(int pid) throws IOException {
    return Integer.parseInt(statFields(pid)[1]);
  }

  private static boolean isChildOf(int pid, int parent) {
    try {
      return parentOf(pid) == parent;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** utime + stime of a process, in clock ticks (0 when it is gone). */
  private static long ticks(int pid) {
    try {
      String[] f = statFields(pid);
      return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** The fields of /proc/PID/stat after the command name: [0] state, [1] ppid, ..., [11] utime, [12] stime. */
  private static String[] statFields(int pid) throws IOException {
    String stat = Files.readString(Path.of("/proc", Integer.toString(pid), "stat"));
    return stat.substring(stat.lastIndexOf(')') + 2).split(" ");
  }
}
