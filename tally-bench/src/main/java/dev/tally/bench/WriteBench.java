package dev.tally.bench;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/bench writes}: single-contact writes through Tally's HTTP API against a bare JDBC
 * upsert loop on SQLite with the same durability (one fsynced commit per row, Tally's pragmas), at
 * each client count, each side on a fresh file in the same directory. The question it answers:
 * what does Tally's path (HTTP, auth, JSON, identities, oplog) cost over the floor SQLite sets, and
 * does group commit pay that back once clients write concurrently?
 */
public final class WriteBench {
  private WriteBench() {}

  public static void main(String[] args) throws Exception {
    BenchOptions options;
    try {
      options = BenchOptions.parse(args);
    } catch (BenchOptions.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("bench: " + e.getMessage());
      }
      System.err.println(BenchOptions.USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
      return;
    }
    quietStartupLogs();
    String setup = String.format(Locale.ROOT, "%d s measured after %d s warm-up per run (JIT warm-up %d s first), files under %s, "
            + "%d CPUs, load average %.2f at start", options.window().toSeconds(), options.warmup().toSeconds(),
        options.jitWarmup().toSeconds(), options.workDir().toAbsolutePath(), Runtime.getRuntime().availableProcessors(),
        loadAverage());
    System.out.println("single-contact durable writes: " + setup);
    if (!options.jitWarmup().isZero()) {
      // Tally's request path needs many seconds of C2 compilation on a small machine; a long-running
      // server has long finished it, so the measured runs should not pay for it. The bare loop's few
      // JDBC calls are warm after its own per-run warm-up.
      int clients = Collections.max(options.clients());
      Measurement jit = measure(options, "JIT warm-up (not reported)", clients, Duration.ZERO, options.jitWarmup(), ApiWriteTarget::start);
      System.out.printf(Locale.ROOT, "    (the JIT warm-up averaged %.0f writes/s)%n", jit.perSecond());
    }
    List<Report.ClientRun> runs = new ArrayList<>();
    for (int clients : options.clients()) {
      Measurement api = measure(options, "tally api", clients, ApiWriteTarget::start);
      Measurement bare = measure(options, "bare jdbc", clients, dir -> BareSqliteTarget.create(dir.resolve("bare.db")));
      Measurement store = null;
      Measurement noop = null;
      if (options.breakdown()) {
        store = measure(options, "store only", clients, StoreWriteTarget::start);
        noop = measure(options, "http no-op", clients, HttpNoopTarget::start);
      }
      runs.add(new Report.ClientRun(clients, api, bare, store, noop));
    }
    Report report = new Report(runs);
    System.out.println();
    System.out.print(report.text());
    String end = String.format(Locale.ROOT, "load average %.2f at the end (includes this run)", loadAverage());
    System.out.println(end);
    if (options.out() != null) {
      Files.writeString(options.out(), report.markdown() + "\n" + setup + "; " + end + ".\n", StandardCharsets.UTF_8);
      System.out.println("Markdown written to " + options.out());
    }
  }

  private interface TargetFactory {
    LoadTarget open(Path freshDir) throws Exception;
  }

  private static Measurement measure(BenchOptions options, String label, int clients, TargetFactory factory) throws Exception {
    return measure(options, label, clients, options.warmup(), options.window(), factory);
  }

  /** One run on a fresh directory, deleted afterwards. */
  private static Measurement measure(BenchOptions options, String label, int clients, Duration warmup, Duration window,
      TargetFactory factory) throws Exception {
    Files.createDirectories(options.workDir());
    Path dir = Files.createTempDirectory(options.workDir(), "tally-bench-");
    try (LoadTarget target = factory.open(dir)) {
      System.out.printf(Locale.ROOT, "  %-10s %d client(s) ... ", label, clients);
      System.out.flush();
      Measurement m = LoadRunner.run(target, clients, warmup, window);
      System.out.printf(Locale.ROOT, "%.0f/s, p50 %.2f ms, p99 %.2f ms%n", m.perSecond(), m.p50Millis(), m.p99Millis());
      return m;
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Tally (and Lucene, through java.util.logging) log start and stop at INFO; with a server per run they would bury the results. */
  private static void quietStartupLogs() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.WARN);
    }
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
  }

  /** Other work on the machine skews every figure here, so the results say how busy it was. */
  private static double loadAverage() {
    return ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage();
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
