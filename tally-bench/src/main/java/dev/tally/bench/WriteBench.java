package dev.tally.bench;

import ch.qos.logback.classic.Level;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.ExternalCpu;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.ServerSpace;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/bench writes}: single-contact writes through Tally's HTTP API against a bare JDBC
 * upsert loop on SQLite with the same durability (one fsynced commit per row, Tally's pragmas), at
 * each client count, each side on a fresh file in the same directory. The question it answers: what
 * does Tally's path (HTTP, auth, JSON, identities, oplog) cost over the floor SQLite sets, and does
 * group commit pay that back once clients write concurrently?
 *
 * <p>{@code bin/bench writes-pg}: the same through Tally's HTTP API on the PostgreSQL store (with
 * the OpenSearch index by default, the production mix) against a bare JDBC upsert loop on the same
 * PostgreSQL server, one commit per row over pooled connections. PostgreSQL group-commits the bare
 * loop's concurrent transactions itself, so the question at 8 clients is whether Tally's own group
 * commit keeps up with that; at 1 client, what Tally's path costs.
 */
final class WriteBench {
  private WriteBench() {}

  static void run(WriteOptions options, boolean postgres) throws Exception {
    quietStartupLogs();
    String where =
        postgres
            ? "PostgreSQL at "
                + options.pgUrl()
                + " (a schema per run), Tally's index "
                + options.index()
                + (options.index().equals("opensearch")
                    ? " at " + options.openSearchUrl() + " (an alias per run, 1 s refresh)"
                    : "")
            : "files under " + options.workDir().toAbsolutePath();
    String setup =
        String.format(
            Locale.ROOT,
            "%d s measured after %d s warm-up per run (JIT warm-up %d s first), %s, "
                + "%d CPUs, load average %s at start",
            options.window().toSeconds(),
            options.warmup().toSeconds(),
            options.jitWarmup().toSeconds(),
            where,
            Runtime.getRuntime().availableProcessors(),
            Report.loadAverage());
    System.out.println("single-contact durable writes: " + setup);
    if (postgres) {
      ExternalCpu.locate(
          options.pgUrl(), options.index().equals("opensearch") ? options.openSearchUrl() : null);
    }
    TargetFactory api = dir -> TallyTarget.api(tally(dir, options, postgres));
    TargetFactory bare =
        postgres
            ? dir ->
                BarePostgresTarget.create(
                    new ServerSpace(options.pgUrl(), null, "bench_bare"),
                    Collections.max(options.clients()))
            : dir -> BareSqliteTarget.create(dir.resolve("bare.db"));
    TargetFactory store = dir -> TallyTarget.store(tally(dir, options, postgres));
    TargetFactory noop = dir -> TallyTarget.noop(tally(dir, options, postgres));
    if (!options.jitWarmup().isZero()) {
      // Tally's request path needs many seconds of C2 compilation on a small machine; a
      // long-running
      // server has long finished it, so the measured runs should not pay for it. The bare loop's
      // few
      // JDBC calls are warm after its own per-run warm-up.
      int clients = Collections.max(options.clients());
      Measurement jit =
          measure(
              options,
              "JIT warm-up (not reported)",
              clients,
              Duration.ZERO,
              options.jitWarmup(),
              api);
      System.out.printf(
          Locale.ROOT, "    (the JIT warm-up averaged %.0f writes/s)%n", jit.perSecond());
    }
    List<WriteComparison.ClientRun> runs = new ArrayList<>();
    for (int clients : options.clients()) {
      Measurement apiRun = measure(options, "tally api", clients, api);
      Measurement bareRun = measure(options, "bare jdbc", clients, bare);
      Measurement storeRun = null;
      Measurement noopRun = null;
      if (options.breakdown()) {
        storeRun = measure(options, "store only", clients, store);
        noopRun = measure(options, "http no-op", clients, noop);
      }
      runs.add(new WriteComparison.ClientRun(clients, apiRun, bareRun, storeRun, noopRun));
    }
    WriteComparison report =
        new WriteComparison(
            runs, postgres ? WriteComparison.POSTGRES_GOALS : WriteComparison.GOALS);
    System.out.println();
    System.out.print(report.text());
    String end =
        String.format(
            Locale.ROOT, "load average %s at the end (includes this run)", Report.loadAverage());
    System.out.println(end);
    if (options.out() != null) {
      Files.writeString(
          options.out(),
          report.markdown() + "\n" + setup + "; " + end + ".\n",
          StandardCharsets.UTF_8);
      System.out.println("Markdown written to " + options.out());
    }
  }

  private interface TargetFactory {
    LoadTarget open(Path freshDir) throws Exception;
  }

  private static Measurement measure(
      WriteOptions options, String label, int clients, TargetFactory factory) throws Exception {
    return measure(options, label, clients, options.warmup(), options.window(), factory);
  }

  /** One run on a fresh directory, deleted afterwards. */
  private static Measurement measure(
      WriteOptions options,
      String label,
      int clients,
      Duration warmup,
      Duration window,
      TargetFactory factory)
      throws Exception {
    Files.createDirectories(options.workDir());
    Path dir = Files.createTempDirectory(options.workDir(), "tally-bench-");
    try (LoadTarget target = factory.open(dir)) {
      System.out.printf(Locale.ROOT, "  %-10s %d client(s) ... ", label, clients);
      System.out.flush();
      Measurement m = LoadRunner.run(target, clients, warmup, window);
      System.out.printf(
          Locale.ROOT,
          "%.0f/s, p50 %.2f ms, p99 %.2f ms%n",
          m.perSecond(),
          m.p50Millis(),
          m.p99Millis());
      return m;
    } finally {
      BenchFiles.deleteTree(dir);
    }
  }

  /**
   * Tally (and Lucene, through java.util.logging) log start and stop at INFO; with a server per run
   * they would bury the results.
   */
  private static void quietStartupLogs() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME)
        instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.WARN);
    }
    java.util.logging.Logger.getLogger("").setLevel(java.util.logging.Level.WARNING);
  }

  /**
   * Tally in {@code dir}: on SQLite and Lucene, or on PostgreSQL in a schema of its own with its
   * index (OpenSearch under an alias of its own with a 1 s refresh, or Lucene in {@code dir}).
   */
  private static InProcessTally tally(Path dir, WriteOptions options, boolean postgres)
      throws Exception {
    if (!postgres) {
      return InProcessTally.start(dir);
    }
    boolean os = options.index().equals("opensearch");
    return InProcessTally.start(
        dir,
        new ServerSpace(options.pgUrl(), os ? options.openSearchUrl() : null, "bench_w"),
        "postgres",
        options.index(),
        "1s");
  }
}
