package dev.tally.bench.search;

/**
 * Search benchmarks for Tally, each against a peer measured in the same run:
 * <ul>
 *   <li>{@code freshness}: commit → searchable at half the maximum write rate (goal p99 ≤ 300 ms);
 *   <li>{@code segment-query}: a 4-filter segment over 1M contacts vs hand-written Lucene and PostgreSQL;
 *   <li>{@code rebuild}: rebuild from the store vs a raw Lucene load from NDJSON, and 1 vs 2 threads;
 *   <li>{@code recovery}, {@code verify}, {@code rebuild-under-writes}: issue 5's recovery measurements ({@link RecoveryBench}).
 * </ul>
 * Options: {@code --seconds N} (freshness), {@code --contacts N}, {@code --runs N}, {@code --out FILE}
 * (appends Markdown), and the ones each benchmark documents.
 */
public final class BenchSearch {
  private BenchSearch() {}

  public static void main(String[] args) throws Exception {
    if (args.length == 0 || args[0].equals("--help") || args[0].equals("-h")) {
      usage();
      System.exit(args.length == 0 ? 2 : 0);
    }
    BenchOptions o = BenchOptions.parse(args, 1);
    switch (args[0]) {
      case "freshness" -> FreshnessBench.run(o);
      case "segment-query" -> SegmentQueryBench.run(o);
      case "rebuild" -> RebuildBench.run(o);
      case "segment-query-opensearch" -> OpenSearchSegmentBench.run(o);
      case "freshness-opensearch" -> FreshnessBench.runOpenSearch(o);
      case "rebuild-opensearch" -> OpenSearchRebuildBench.run(o);
      case "recovery" -> RecoveryBench.recovery(o);
      case "verify" -> RecoveryBench.verify(o);
      case "rebuild-under-writes" -> RecoveryBench.rebuildUnderWrites(o);
      default -> {
        System.err.println("unknown benchmark: " + args[0]);
        usage();
        System.exit(2);
      }
    }
    // Tally's and Lucene's background threads (merges, HTTP client) must not keep the JVM alive.
    System.exit(0);
  }

  private static void usage() {
    System.err.println("""
        usage: bench-search <benchmark> [options]
          freshness      [--seconds 60] [--max-rate-seconds 10] [--warmup-seconds 3] [--load-fraction 0.5]
          segment-query  [--contacts 1000000] [--runs 200] [--warmup 50] [--dir DIR]
                         [--pg-url jdbc:postgresql://127.0.0.1:5432/test] [--pg-user postgres]
          rebuild        [--contacts 200000] [--runs 5] [--dir DIR]
          freshness-opensearch  [--seconds 60] [--max-rate-seconds 10] [--warmup-seconds 20] [--load-fraction 0.5]
                         [--store postgres|sqlite] [--refresh 1s] [--poll-ms 5] [--goal-ms 2000]
                         [--pg-url jdbc:postgresql://127.0.0.1:5432/test?user=postgres] [--os-url http://127.0.0.1:9200]
          rebuild-opensearch  [--contacts 100000] [--runs 3] [--warmup-runs 1] [--threads <CPUs>] [--breakdown true]
                         [--pg-url jdbc:postgresql://127.0.0.1:5432/test?user=postgres] [--os-url http://127.0.0.1:9200]
          segment-query-opensearch  [--contacts 1000000] [--runs 200] [--warmup 50] [--os-url http://127.0.0.1:9200]
                         [--pg-url jdbc:postgresql://127.0.0.1:5432/test] [--pg-user postgres]
          recovery       [--contacts 1000000] [--writes-after 20000] [--dir DIR]
          verify         [--contacts 1000000] [--runs 5] [--divergent 100] [--dir DIR]
          rebuild-under-writes  [--contacts 300000] [--runs 3] [--max-rate-seconds 10] [--load-fraction 0.5] [--dir DIR]
        common: --out FILE   append the Markdown results to FILE""");
  }
}
