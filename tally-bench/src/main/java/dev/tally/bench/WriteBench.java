package dev.tally.bench;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/bench writes}: single-contact writes through Tally's HTTP API against a bare JDBC
 * upsert loop on SQLite with the same durability (one fsynced commit per row, Tally's pragmas),
 * at each client count, each side on a fresh file in the same directory. The question it answers:
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
    System.out.printf(Locale.ROOT, "single-contact durable writes: %d s measured after %d s warm-up, clients %s, files under %s%n",
        options.window().toSeconds(), options.warmup().toSeconds(), options.clients(), options.workDir().toAbsolutePath());
    List<Report.Row> rows = new ArrayList<>();
    for (int clients : options.clients()) {
      Measurement tally = measure(options, clients, "tally", dir -> TallyTarget.start(dir.resolve("data")));
      Measurement bare = measure(options, clients, "bare", dir -> BareSqliteTarget.create(dir.resolve("bare.db")));
      rows.add(new Report.Row(tally, bare));
    }
    Report report = new Report(rows);
    System.out.println();
    System.out.print(report.text());
    if (options.out() != null) {
      Files.writeString(options.out(), report.markdown(), StandardCharsets.UTF_8);
      System.out.println("\nMarkdown written to " + options.out());
    }
  }

  private interface TargetFactory {
    WriteTarget open(Path freshDir) throws Exception;
  }

  /** One run on a fresh directory, deleted afterwards. */
  private static Measurement measure(BenchOptions options, int clients, String label, TargetFactory factory) throws Exception {
    Files.createDirectories(options.workDir());
    Path dir = Files.createTempDirectory(options.workDir(), "tally-bench-" + label + "-");
    try (WriteTarget target = factory.open(dir)) {
      System.out.printf(Locale.ROOT, "  %-5s %d client(s) ... ", label, clients);
      System.out.flush();
      Measurement m = LoadRunner.run(target, clients, options.warmup(), options.window());
      System.out.printf(Locale.ROOT, "%.0f writes/s, p50 %.2f ms, p99 %.2f ms%n", m.writesPerSecond(), m.p50Millis(), m.p99Millis());
      return m;
    } finally {
      deleteRecursively(dir);
    }
  }

  /** Tally logs its start and stop at INFO; with a server per run they would bury the results. */
  private static void quietStartupLogs() {
    if (LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME) instanceof ch.qos.logback.classic.Logger root) {
      root.setLevel(Level.WARN);
    }
  }

  private static void deleteRecursively(Path dir) throws IOException {
    try (Stream<Path> paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
