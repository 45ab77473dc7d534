package dev.tally.bench.search;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.Report;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.query.Query;
import dev.tally.index.lucene.LuceneIndex;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.QueryCache;
import org.apache.lucene.store.FSDirectory;

/**
 * Goal 2, a segment query at 1M contacts: role = user AND plan = pro AND created_at ≥ T1 AND seats
 * &lt; S (about 3%), count plus the first page of 50 by id. Tally's index is built directly
 * (bypassing the store, which would take far longer to load), then Tally's search, a hand-written
 * Lucene query on the same files and PostgreSQL answer it in turn, round-robin so that noise from
 * the machine falls on all three alike. Every measured answer is checked against the others.
 *
 * <p>Two rounds: with Lucene's default query cache (what a server sees for a segment queried again
 * and again) and with the query cache off (the cost of evaluating the filters each time).
 */
public final class SegmentQueryBench {
  private static final long COMMIT_NEVER_MILLIS = 3_600_000L;

  public static void run(BenchOptions o) throws Exception {
    SegmentData.Options so = SegmentData.Options.of(o);
    int n = so.contacts();
    Path indexDir = o.freshDir("tally-bench-segment", "segment-index");
    Report report = new Report("Segment query at " + String.format("%,d", n) + " contacts");
    try {
      Report.progress("segment-query: generating " + n + " contacts");
      SegmentData data = new SegmentData(n);
      long expected = data.expectedCount(SegmentData.T1, SegmentData.S);
      Report.progress("segment-query: building Tally's index in " + indexDir);
      double buildSeconds = buildIndex(data, indexDir);
      Report.progress(
          String.format("segment-query: index built in %.1f s; loading PostgreSQL", buildSeconds));
      try (PostgresSegmentPeer pg = PostgresSegmentPeer.load(so.pgUrl(), so.pgUser(), data)) {
        report.line(data.summary(expected));
        report.line(
            String.format(
                "- Tally index built through `LuceneIndex.apply` in batches of 5,000: %.1f s (%,.0f docs/s), "
                    + "%s on disk",
                buildSeconds, n / buildSeconds, BenchFiles.megabytes(indexDir)));
        report.line(pg.summary());
        report.line(
            "- each run = count + first page of 50 by id; "
                + so.warmup()
                + " warm-up runs, then "
                + so.runs()
                + " measured runs per system, interleaved (Tally, Lucene, PostgreSQL in rotating order)");
        Query query = SegmentQuery.parse("created_at");
        QueryCache defaultCache = IndexSearcher.getDefaultQueryCache();
        List<List<String>> rows = new ArrayList<>();
        for (boolean cache : new boolean[] {true, false}) {
          IndexSearcher.setDefaultQueryCache(cache ? defaultCache : null);
          Report.progress("segment-query: measuring, query cache " + (cache ? "on" : "off"));
          rows.addAll(measure(indexDir, query, pg, expected, so, cache, report));
        }
        IndexSearcher.setDefaultQueryCache(defaultCache);
        report.table(
            List.of(
                "query cache",
                "system",
                "median",
                "p99",
                "Tally ÷ system (median)",
                "Tally ÷ system (p99)",
                "goal",
                "met"),
            rows);
      }
    } finally {
      BenchFiles.deleteTree(indexDir);
    }
    report.finish(o.out());
  }

  private static double buildIndex(SegmentData data, Path dir) {
    long t0 = System.nanoTime();
    try (LuceneIndex index = LuceneIndex.open(dir, COMMIT_NEVER_MILLIS)) {
      long position = 0;
      for (int from = 0; from < data.n; from += 5000) {
        index.apply(
            new IndexBatch(
                data.documents(from, Math.min(data.n, from + 5000)),
                List.of(),
                List.of(),
                ++position));
      }
      index.commit();
    }
    // close() waited for merges, so the reopened index and the peer's reader see the same segments.
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<List<String>> measure(
      Path indexDir,
      Query query,
      PostgresSegmentPeer pg,
      long expected,
      SegmentData.Options so,
      boolean cache,
      Report report)
      throws Exception {
    long ws = SegmentData.WORKSPACE;
    try (LuceneIndex tally = LuceneIndex.open(indexDir, COMMIT_NEVER_MILLIS);
        DirectoryReader reader = DirectoryReader.open(FSDirectory.open(indexDir))) {
      LuceneSegmentPeer lucene = new LuceneSegmentPeer(new IndexSearcher(reader));
      SearchRequest request = new SearchRequest(ws, query, null, 50, null, SegmentData.NOW);
      long[][] nanos =
          InterleavedRuns.run(
                  so.warmup(),
                  so.runs(),
                  List.of(
                      () -> SegmentResult.of(tally.search(request)),
                      () -> lucene.run(ws, SegmentData.T1, SegmentData.S),
                      () -> pg.run(ws, SegmentData.T1, SegmentData.S)),
                  r -> SegmentResult.checkAgree(expected, r, "Tally", "Lucene", "PostgreSQL"))
              .nanos();
      if (cache) {
        report.line(
            "- index: "
                + reader.leaves().size()
                + " segments, "
                + reader.numDocs()
                + " documents; "
                + SegmentResult.agreement(expected, so.warmup() + so.runs())
                + " per round (checked against a scan of the generated rows)");
      }
      Percentiles t = new Percentiles(nanos[0]);
      Percentiles l = new Percentiles(nanos[1]);
      Percentiles p = new Percentiles(nanos[2]);
      String mode = cache ? "on (default)" : "off";
      return List.of(
          withMode(mode, Report.row("Tally (`LuceneIndex.search`)", t, "", "", "", "")),
          withMode(mode, versus(t, "Lucene, hand-written", l, "≤ 1.2×", 1.2)),
          withMode(mode, versus(t, "PostgreSQL (composite btree)", p, "≤ 0.15×", 0.15)));
    }
  }

  /** A system's row against Tally: its times, Tally's ratio to it (median, p99), the goal. */
  private static List<String> versus(
      Percentiles tally, String name, Percentiles p, String goal, double limit) {
    return Report.row(
        name,
        p,
        Report.ratio(tally.ms(50), p.ms(50)),
        Report.ratio(tally.ms(99), p.ms(99)),
        goal,
        Report.met(tally.ms(50) / p.ms(50), limit));
  }

  private static List<String> withMode(String mode, List<String> row) {
    List<String> r = new ArrayList<>(List.of(mode));
    r.addAll(row);
    return r;
  }
}
