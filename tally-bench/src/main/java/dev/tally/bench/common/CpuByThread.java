package dev.tally.bench.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * CPU time of this process's threads, summed by what they do. Client and server share the machine
 * here, so this tells how much of it each part takes, and what a write costs in CPU. It reads
 * Linux's per-thread run time (/proc/self/task/N/schedstat, in nanoseconds), which also covers the
 * JIT compiler and GC threads that Java's ThreadMXBean does not see; elsewhere it reports nothing.
 * Virtual threads (Tally's request handlers) are counted on the carrier threads that run them.
 */
public final class CpuByThread {
  /**
   * Native thread-name patterns (Linux keeps the first 15 characters), first match wins; the rest
   * is {@link #OTHER}. Clients are the benchmarks' own threads: closed-loop clients and paced
   * senders.
   */
  public static final List<Map.Entry<String, Pattern>> GROUPS =
      List.of(
          Map.entry("rebuild", Pattern.compile("tally-rebuild.*")),
          Map.entry("clients", Pattern.compile("bench-client-.*|paced-.*|HttpClient-.*")),
          Map.entry(
              "HTTP",
              Pattern.compile(
                  "ForkJoinPool-.*|MasterPoller|JettyServerThre.*|qtp.*")), // Jetty and the
          // handlers
          Map.entry("writer", Pattern.compile("tally-sqlite-wr.*|tally-postgres-.*")),
          Map.entry(
              "projector",
              Pattern.compile("tally-projecto.*|Lucene Merge Th.*")), // search index upkeep
          Map.entry("JIT", Pattern.compile("C[12] CompilerThre.*")),
          Map.entry("GC", Pattern.compile("GC Thread.*|G1 .*|VM Thread")));

  public static final String OTHER = "other";
  public static final String TOTAL = "total";

  private static final Path TASKS = Path.of("/proc/self/task");

  private final Map<String, Long>
      nanosByThread; // key: thread id and name, so a reused id is a new thread
  private final Map<String, String> nameByThread;

  private CpuByThread(Map<String, Long> nanosByThread, Map<String, String> nameByThread) {
    this.nanosByThread = nanosByThread;
    this.nameByThread = nameByThread;
  }

  public static CpuByThread now() {
    Map<String, Long> nanos = new HashMap<>();
    Map<String, String> names = new HashMap<>();
    if (Files.isDirectory(TASKS)) {
      try (Stream<Path> tasks = Files.list(TASKS)) {
        for (Path task : tasks.toList()) {
          try {
            String name = Files.readString(task.resolve("comm")).strip();
            long runNanos =
                Long.parseLong(Files.readString(task.resolve("schedstat")).split(" ")[0]);
            String key = task.getFileName() + "/" + name;
            nanos.put(key, runNanos);
            names.put(key, name);
          } catch (IOException | RuntimeException e) {
            // the thread ended while we looked: its time is lost to both snapshots alike
          }
        }
      } catch (IOException e) {
        nanos.clear();
      }
    }
    return new CpuByThread(nanos, names);
  }

  /**
   * CPU nanoseconds spent between {@code earlier} and this snapshot, by group, with {@link #OTHER}
   * and {@link #TOTAL}; empty off Linux.
   */
  public Map<String, Long> since(CpuByThread earlier) {
    Map<String, Long> byGroup = new LinkedHashMap<>();
    if (nanosByThread.isEmpty()) {
      return byGroup;
    }
    GROUPS.forEach(g -> byGroup.put(g.getKey(), 0L));
    byGroup.put(OTHER, 0L);
    long total = 0;
    for (Map.Entry<String, Long> e : nanosByThread.entrySet()) {
      long spent = e.getValue() - earlier.nanosByThread.getOrDefault(e.getKey(), 0L);
      String name = nameByThread.get(e.getKey());
      String group =
          GROUPS.stream()
              .filter(g -> g.getValue().matcher(name).matches())
              .map(Map.Entry::getKey)
              .findFirst()
              .orElse(OTHER);
      byGroup.merge(group, spent, Long::sum);
      total += spent;
    }
    byGroup.put(TOTAL, total);
    return byGroup;
  }

  /** The keys {@link #since} reports, in order: the groups, {@link #OTHER}, {@link #TOTAL}. */
  public static List<String> columns() {
    List<String> columns = new ArrayList<>();
    GROUPS.forEach(g -> columns.add(g.getKey()));
    columns.add(OTHER);
    columns.add(TOTAL);
    return columns;
  }
}
