package dev.tally.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;

/** The command line of {@code bin/bench writes}. */
record BenchOptions(Duration window, Duration warmup, Duration jitWarmup, List<Integer> clients, boolean breakdown, Path out,
    Path workDir, String pgUrl, String index, String openSearchUrl) {
  static final String USAGE = """
      usage: bin/bench writes|writes-pg [--seconds N] [--warmup N] [--jit-warmup N] [--clients 1,8] [--breakdown] [--out FILE] [--dir DIR]
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

  static BenchOptions parse(String[] args) {
    Duration window = Duration.ofSeconds(10);
    Duration warmup = Duration.ofSeconds(2);
    Duration jitWarmup = Duration.ofSeconds(40);
    List<Integer> clients = List.of(1, 8);
    boolean breakdown = false;
    Path out = null;
    Path workDir = Path.of(System.getProperty("java.io.tmpdir"));
    String pgUrl = "jdbc:postgresql://127.0.0.1:5432/test?user=postgres";
    String index = "opensearch";
    String openSearchUrl = "http://127.0.0.1:9200";
    for (int i = 0; i < args.length; i++) {
      String flag = args[i];
      if (flag.equals("--help") || flag.equals("-h")) {
        throw new UsageException(null);
      }
      if (flag.equals("--breakdown")) {
        breakdown = true;
        continue;
      }
      if (i + 1 >= args.length) {
        throw new UsageException(flag.startsWith("--") ? flag + " needs a value" : "unexpected argument " + flag);
      }
      String value = args[++i];
      switch (flag) {
        case "--seconds" -> window = Duration.ofSeconds(positive(flag, value));
        case "--warmup" -> warmup = Duration.ofSeconds(nonNegative(flag, value));
        case "--jit-warmup" -> jitWarmup = Duration.ofSeconds(nonNegative(flag, value));
        case "--clients" -> clients = Arrays.stream(value.split(",")).map(v -> positive(flag, v.trim())).toList();
        case "--out" -> out = Path.of(value);
        case "--dir" -> workDir = Path.of(value);
        case "--pg-url" -> pgUrl = value;
        case "--os-url" -> openSearchUrl = value;
        case "--index" -> {
          if (!value.equals("opensearch") && !value.equals("lucene")) {
            throw new UsageException("--index takes opensearch or lucene, not " + value);
          }
          index = value;
        }
        default -> throw new UsageException("unknown option " + flag);
      }
    }
    return new BenchOptions(window, warmup, jitWarmup, clients, breakdown, out, workDir, pgUrl, index, openSearchUrl);
  }

  private static int positive(String flag, String value) {
    int n = nonNegative(flag, value);
    if (n == 0) {
      throw new UsageException(flag + " must be at least 1");
    }
    return n;
  }

  private static int nonNegative(String flag, String value) {
    int n;
    try {
      n = Integer.parseInt(value);
    } catch (NumberFormatException e) {
      throw new UsageException(flag + " takes a whole number, not " + value);
    }
    if (n < 0) {
      throw new UsageException(flag + " must not be negative");
    }
    return n;
  }

  /** A bad command line: the message (null for --help) and the usage go to standard error. */
  static final class UsageException extends RuntimeException {
    UsageException(String message) {
      super(message);
    }
  }
}
