package dev.tally.bench;

import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.messaging.DeliveryBench;
import dev.tally.bench.messaging.EventWebhookBench;
import dev.tally.bench.messaging.FanOutBench;
import dev.tally.bench.search.FreshnessBench;
import dev.tally.bench.search.OpenSearchRebuildBench;
import dev.tally.bench.search.OpenSearchSegmentBench;
import dev.tally.bench.search.RebuildBench;
import dev.tally.bench.search.RecoveryBench;
import dev.tally.bench.search.SearchLoadBench;
import dev.tally.bench.search.SegmentApiBench;
import dev.tally.bench.search.SegmentQueryBench;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code bin/bench NAME [options]}: runs one benchmark (bin/bench itself runs pg-peer and import,
 * which are scripts). Each measures Tally against a peer in the same run; results and how to read
 * them are in BENCHMARKS.md.
 */
public final class Bench {
  private Bench() {}

  private interface Benchmark {
    void run(BenchOptions options) throws Exception;
  }

  private static final Map<String, Benchmark> BENCHMARKS = new LinkedHashMap<>();

  static {
    BENCHMARKS.put("writes", o -> WriteBench.run(WriteOptions.of(o), false));
    BENCHMARKS.put("writes-pg", o -> WriteBench.run(WriteOptions.of(o), true));
    BENCHMARKS.put("freshness", FreshnessBench::run);
    BENCHMARKS.put("segment-query", SegmentQueryBench::run);
    BENCHMARKS.put("segment-query-api", SegmentApiBench::run);
    BENCHMARKS.put("rebuild", RebuildBench::run);
    BENCHMARKS.put("freshness-opensearch", FreshnessBench::runOpenSearch);
    BENCHMARKS.put("segment-query-opensearch", OpenSearchSegmentBench::run);
    BENCHMARKS.put("rebuild-opensearch", OpenSearchRebuildBench::run);
    BENCHMARKS.put("recovery", RecoveryBench::recovery);
    BENCHMARKS.put("verify", RecoveryBench::verify);
    BENCHMARKS.put("rebuild-under-writes", RecoveryBench::rebuildUnderWrites);
    BENCHMARKS.put("search-load", SearchLoadBench::run);
    BENCHMARKS.put("tagging", TaggingBench::run);
    BENCHMARKS.put("merge", MergeBench::run);
    BENCHMARKS.put("fanout", FanOutBench::run);
    BENCHMARKS.put("delivery", DeliveryBench::run);
    BENCHMARKS.put("event-webhook", EventWebhookBench::run);
  }

  static final String USAGE =
      """
      usage: bin/bench <benchmark> [options]
        freshness      [--seconds 60] [--max-rate-seconds 10] [--warmup-seconds 3] [--load-fraction 0.5]
        segment-query  [--contacts 1000000] [--runs 200] [--warmup 50] [--dir DIR]
                       [--pg-url jdbc:postgresql://127.0.0.1:5432/test] [--pg-user postgres]
        segment-query-api  [--contacts 1000000] [--runs 200] [--warmup 50] [--dir DIR]
                       [--pg-url jdbc:postgresql://127.0.0.1:5432/test] [--pg-user postgres]
        rebuild        [--contacts 200000] [--runs 5] [--warmup-runs 1] [--dir DIR]
        freshness-opensearch  [--seconds 60] [--max-rate-seconds 10] [--warmup-seconds 20] [--load-fraction 0.5]
                       [--store postgres|sqlite] [--refresh 1s] [--poll-ms 5] [--goal-ms 2000]
                       [--pg-url jdbc:postgresql://127.0.0.1:5432/test?user=postgres] [--os-url http://127.0.0.1:9200]
        segment-query-opensearch  [--contacts 1000000] [--runs 200] [--warmup 50] [--os-url http://127.0.0.1:9200]
                       [--pg-url jdbc:postgresql://127.0.0.1:5432/test] [--pg-user postgres]
        rebuild-opensearch  [--contacts 100000] [--runs 3] [--warmup-runs 1] [--threads <CPUs>] [--breakdown]
                       [--pg-url jdbc:postgresql://127.0.0.1:5432/test?user=postgres] [--os-url http://127.0.0.1:9200]
        recovery       [--contacts 1000000] [--writes-after 20000] [--dir DIR]
        verify         [--contacts 1000000] [--runs 5] [--divergent 100] [--dir DIR]
        rebuild-under-writes  [--contacts 300000] [--runs 3] [--max-rate-seconds 10] [--load-fraction 0.5] [--dir DIR]
        search-load    [--contacts 100000] [--seconds 20] [--clients 8] [--dir DIR]
        """
          + TaggingBench.USAGE.indent(2)
          + MergeBench.USAGE.indent(2)
          + FanOutBench.USAGE.indent(2)
          + DeliveryBench.USAGE.indent(2)
          + EventWebhookBench.USAGE.indent(2)
          + """
        common to these: --out FILE   append the Markdown results to FILE
      """
          + WriteOptions.USAGE.indent(2);

  public static void main(String[] args) throws Exception {
    Benchmark benchmark = args.length == 0 ? null : BENCHMARKS.get(args[0]);
    if (benchmark == null) {
      if (args.length > 0 && !args[0].equals("--help") && !args[0].equals("-h")) {
        System.err.println("bench: unknown benchmark '" + args[0] + "'");
      }
      System.err.print(USAGE);
      System.exit(args.length > 0 && (args[0].equals("--help") || args[0].equals("-h")) ? 0 : 2);
    }
    try {
      benchmark.run(BenchOptions.parse(args, 1));
    } catch (BenchOptions.UsageException e) {
      if (e.getMessage() != null) {
        System.err.println("bench " + args[0] + ": " + e.getMessage());
      }
      System.err.print(USAGE);
      System.exit(e.getMessage() == null ? 0 : 2);
    } catch (Throwable t) {
      t.printStackTrace();
      System.exit(1); // as below: no background thread may keep a failed run alive
    }
    // Tally's and Lucene's background threads (merges, HTTP clients) must not keep the JVM alive.
    System.exit(0);
  }
}
