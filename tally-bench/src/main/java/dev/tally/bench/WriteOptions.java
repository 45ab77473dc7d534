package dev.tally.bench;

import dev.tally.bench.common.BenchOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * What {@code bin/bench writes} and {@code writes-pg} take from the command line ({@link
 * BenchOptions}).
 */
record WriteOptions(
    Duration window,
    Duration warmup,
    Duration jitWarmup,
    List<Integer> clients,
    boolean breakdown,
    Path out,
    Path workDir,
    String pgUrl,
    String index,
    String openSearchUrl) {
  static final String USAGE =
      """
      writes, writes-pg [--seconds N] [--warmup N] [--jit-warmup N] [--clients 1,8] [--breakdown] [--out FILE] [--dir DIR]
        --seconds N     measured seconds per run (default 10)
        --warmup N      unmeasured seconds at the start of each run, same load (default 2)
        --jit-warmup N  seconds of API writes on a throwaway Tally before anything is measured, so that the
                        JIT has compiled the request path as in a long-running server (default 40; on 2 CPUs,
                        15 s left the 1-client figure at half its steady value)
        --clients L     comma-separated client counts (default 1,8)
        --breakdown     also measure Tally's store without HTTP and a no-op HTTP request, to show where time goes
        --out FILE      also write the results as Markdown to FILE
        --dir DIR       where the temporary data directories go (default: java.io.tmpdir); both sides use it,
                        so both fsync to the same file system
      writes-pg only (Tally on PostgreSQL vs a bare JDBC upsert loop on the same PostgreSQL):
        --pg-url URL    the database both sides write to, each in a schema of its own, dropped afterwards
                        (default jdbc:postgresql://127.0.0.1:5432/test?user=postgres)
        --index I       Tally's index beside the PostgreSQL store: opensearch (default, the production mix) or lucene
        --os-url URL    OpenSearch for --index opensearch (default http://127.0.0.1:9200); a new alias per run, deleted afterwards""";

  static WriteOptions of(BenchOptions o) {
    o.allowOnly(
        "seconds",
        "warmup",
        "jit-warmup",
        "clients",
        "breakdown",
        "out",
        "dir",
        "pg-url",
        "index",
        "os-url");
    return new WriteOptions(
        Duration.ofSeconds(o.positive("seconds", 10)),
        Duration.ofSeconds(o.integer("warmup", 2)),
        Duration.ofSeconds(o.integer("jit-warmup", 40)),
        o.positives("clients", List.of(1, 8)),
        o.flag("breakdown"),
        o.out(),
        o.path("dir", Path.of(System.getProperty("java.io.tmpdir"))),
        o.string("pg-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres"),
        o.choice("index", "opensearch", "opensearch", "lucene"),
        o.string("os-url", "http://127.0.0.1:9200"));
  }
}
