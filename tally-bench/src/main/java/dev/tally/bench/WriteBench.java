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
    run(args, false);
  }

  /** {@code bin/bench writes-pg}: the same on PostgreSQL (see {@link PostgresWriteBench}). */
  static void run(String[] args, boolean postgres) throws Exception {
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
    String where = postgres
        ? "PostgreSQL at " + options.pgUrl() + " (a schema per run), Tally's index " + options.index()
            + (options.index().equals("opensearch") ? " at " + options.openSearchUrl() + " (an alias per run, 1 s refresh)" : "")
        : "files under " + options.workDir().toAbsolutePath();
    String setup = String.format(Locale.ROOT, "%d s measured after %d s warm-up per run (JIT warm-up %d s first), %s, "
            + "%d CPUs, load average %s at start", options.window().toSeconds(), options.warmup().toSeconds(),
        options.jitWarmup().toSeconds(), where, Runtime.getRuntime().availableProcessors(), loadAverages());
    System.out.println("single-contact durable writes: " + setup);
    if (postgres) {
      ExternalCpu.locate(options.pgUrl(), options.index().equals("opensearch") ? options.openSearchUrl() : null);
    }
    TargetFactory api = postgres ? dir -> new ApiWriteTarget(tallyOnPostgres(dir, options)) : ApiWriteTarget::start;
    TargetFactory bare = postgres
        ? dir -> BarePostgresTarget.create(new ServerSpace(options.pgUrl(), null, "bench_bare"), Collections.max(options.clients()))
        : dir -> BareSqliteTarget.create(dir.resolve("bare.db"));
    TargetFactory store = postgres ? dir -> new StoreWriteTarget(tallyOnPostgres(dir, options)) : StoreWriteTarget::start;
    TargetFactory noop = postgres ? dir -> new HttpNoopTarget(tallyOnPostgres(dir, options)) : HttpNoopTarget::start;
    if (!options.jitWarmup().isZero()) {
      // Tally's request path needs many seconds of C2 compilation on a small machine; a long-running
      // server has long finished it, so the measured runs should not pay for it. The bare loop's few
      // JDBC calls are warm after its own per-run warm-up.
      int clients = Collections.max(options.clients());
      Measurement jit = measure(options, "JIT warm-up (not reported)", clients, Duration.ZERO, options.jitWarmup(), api);
      System.out.printf(Locale.ROOT, "    (the JIT warm-up averaged %.0f writes/s)%n", jit.perSecond());
    }
    List<Report.ClientRun> runs = new ArrayList<>();
    for (int clients : options.clients()) {
      Measurement apiRun = measure(options, "tally api", clients, api);
      Measurement bareRun = measure(options, "bare jdbc", clients, bare);
      Measurement storeRun = null;
      Measurement noopRun = null;
      if (options.breakdown()) {
        storeRun = measure(options, "store only", clients, store);
        noopRun = measure(options, "http no-op", clients, noop);
      }
      runs.add(new Report.ClientRun(clients, apiRun, bareRun, storeRun, noopRun));
    }
    Report report = new Report(runs, postgres ? Report.POSTGRES_GOALS : Report.GOALS);
    System.out.println();
    System.out.print(report.text());
    String end = String.format(Locale.ROOT, "load average %s at the end (includes this run)", loadAverages());
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

  /** Other work on the machine skews every figure here, so the results say how busy it was: 1, 5 and 15 minute load averages. */
  private static String loadAverages() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  /** Tally on PostgreSQL in a schema of its own, with its index (OpenSearch under an alias of its own, or Lucene in {@code dir}). */
  private static InProcessTally tallyOnPostgres(Path dir, BenchOptions options) throws Exception {
    boolean os = options.index().equals("opensearch");
    return InProcessTally.startPostgres(dir, new ServerSpace(options.pgUrl(), os ? options.openSearchUrl() : null, "bench_w"),
        options.index());
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
