package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.ServerSpace;
import dev.tally.bench.common.Workers;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.query.Query;
import dev.tally.index.opensearch.Fields;
import dev.tally.index.opensearch.OpenSearchIndex;
import dev.tally.index.opensearch.OpenSearchOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The segment query on OpenSearch: the same data and query as {@link SegmentQueryBench} (role =
 * user AND plan = pro AND created_at ≥ T1 AND seats &lt; S, about 3%; count + first page of 50 by
 * id), answered by Tally's {@link OpenSearchIndex#search}, by the same query written by hand as raw
 * JSON to {@code _search} on the same index (own HttpClient, Jackson parsing of count and ids), and
 * by PostgreSQL's typed columns with a composite btree. Interleaved in rotating order; every answer
 * is checked against the others and a scan of the generated rows.
 */
public final class OpenSearchSegmentBench {

  public static void run(BenchOptions o) throws Exception {
    SegmentData.Options so = SegmentData.Options.of(o);
    int n = so.contacts();
    String osUrl = o.string("os-url", "http://127.0.0.1:9200");
    Report report =
        new Report("Segment query on OpenSearch at " + String.format("%,d", n) + " contacts");
    try (ServerSpace space = new ServerSpace(null, osUrl, "bench-seg");
        RawOpenSearch raw = new RawOpenSearch(osUrl)) {
      String alias = space.alias;
      OpenSearchOptions options =
          OpenSearchOptions.defaults(osUrl)
              .withAlias(alias)
              .withReplicas(0)
              .withRefreshInterval(Duration.ofSeconds(1));
      Report.progress("segment-query-opensearch: generating " + n + " contacts");
      SegmentData data = new SegmentData(n);
      long expected = data.expectedCount(SegmentData.T1, SegmentData.S);
      Report.progress(
          "segment-query-opensearch: loading them into OpenSearch (alias " + alias + ")");
      double loadSeconds = load(options, data);
      Report.progress(
          String.format(
              "segment-query-opensearch: loaded in %.1f s; loading PostgreSQL", loadSeconds));
      try (PostgresSegmentPeer pg = PostgresSegmentPeer.load(so.pgUrl(), so.pgUser(), data);
          OpenSearchIndex tally = OpenSearchIndex.open(options)) {
        String generation =
            tally.target().equals(alias) ? firstIndexOf(raw, alias) : tally.target();
        report.line(data.summary(expected));
        report.line(
            String.format(
                "- %s; index `%s` (1 shard, 0 replicas, refresh 1 s) loaded through Tally's `OpenSearchIndex.load`"
                    + " (2 threads, bulks of 5,000) in %.1f s (%,.0f docs/s), then promoted (alias, refresh); %d segments; no writes while measured",
                raw.describe(),
                generation,
                loadSeconds,
                n / loadSeconds,
                raw.segments(generation)));
        report.line(pg.summary());
        String body = rawQuery(SegmentData.WORKSPACE, SegmentData.T1, SegmentData.S);
        report.line(
            "- raw peer: `POST /"
                + alias
                + "/_search` with `"
                + body
                + "` — one request for count and page, as Tally sends"
                + " (Tally asks for 51 hits to know whether there is a next page; the peer for 50)");
        report.line(
            "- each run = count + first page of 50 by id; "
                + so.warmup()
                + " warm-up runs, then "
                + so.runs()
                + " measured runs per system, interleaved (Tally, raw, PostgreSQL in rotating order), one client, nothing else queried");
        Query query = SegmentQuery.parse("created_at");
        SearchRequest request =
            new SearchRequest(SegmentData.WORKSPACE, query, null, 50, null, SegmentData.NOW);
        String shaped = tallyShapedQuery(SegmentData.WORKSPACE, SegmentData.T1, SegmentData.S);
        report.line(
            "- breakdown peer: the body Tally's `QueryCompiler` and `Pager` build for this query, written out by hand and sent"
                + " raw (nested bool for the workspace scope, inclusive long bounds, 51 hits): `"
                + shaped
                + "`; for both raw peers the"
                + " table also gives OpenSearch's own `took` (server time, whole milliseconds)");
        InterleavedRuns.Timings timings =
            InterleavedRuns.run(
                so.warmup(),
                so.runs(),
                List.of(
                    () -> SegmentResult.of(tally.search(request)),
                    () -> rawRun(raw, alias, body, 50),
                    () -> pg.run(SegmentData.WORKSPACE, SegmentData.T1, SegmentData.S),
                    () -> rawRun(raw, alias, shaped, 50)),
                r -> SegmentResult.checkAgree(expected, r, "Tally", "raw", "PostgreSQL"));
        long[][] nanos = timings.nanos();
        long[][] took = timings.took();
        report.line(
            "- "
                + SegmentResult.agreement(expected, so.warmup() + so.runs())
                + " (checked against a scan of the generated rows)");
        Percentiles t = new Percentiles(nanos[0]);
        Percentiles w = new Percentiles(nanos[1]);
        Percentiles p = new Percentiles(nanos[2]);
        Percentiles ts = new Percentiles(nanos[3]);
        List<List<String>> rows =
            List.of(
                Report.row("Tally (`OpenSearchIndex.search`)", t, "", "", "", "", ""),
                Report.row(
                    "OpenSearch, raw JSON",
                    w,
                    Report.ms(new Percentiles(took[1]).ms(50)),
                    Report.ratio(t.ms(50), w.ms(50)),
                    Report.ratio(t.ms(99), w.ms(99)),
                    "≤ 1.2×",
                    Report.met(t.ms(50) / w.ms(50), 1.2)),
                Report.row(
                    "PostgreSQL (composite btree)",
                    p,
                    "",
                    Report.ratio(t.ms(50), p.ms(50)),
                    Report.ratio(t.ms(99), p.ms(99)),
                    "report",
                    ""),
                Report.row(
                    "breakdown: raw JSON in Tally's shape",
                    ts,
                    Report.ms(new Percentiles(took[3]).ms(50)),
                    Report.ratio(t.ms(50), ts.ms(50)),
                    Report.ratio(t.ms(99), ts.ms(99)),
                    "",
                    ""));
        report.table(
            List.of(
                "system",
                "median",
                "p99",
                "OpenSearch `took` (median)",
                "Tally ÷ system (median)",
                "Tally ÷ system (p99)",
                "goal",
                "met"),
            rows);
      }
    }
    report.finish(o.out());
  }

  /** The generation behind the alias. */
  private static String firstIndexOf(RawOpenSearch raw, String alias) {
    return raw.json("GET", "/_alias/" + alias, null).fieldNames().next();
  }

  /**
   * Loads every contact into a new generation with Tally's own bulk path, then makes it the serving
   * one.
   */
  private static double load(OpenSearchOptions options, SegmentData data) throws Exception {
    long t0 = System.nanoTime();
    OpenSearchIndex gen = OpenSearchIndex.createGeneration(options);
    try {
      AtomicInteger next = new AtomicInteger();
      Workers.run(
          "segment-load",
          2,
          () -> {
            for (int from; (from = next.getAndAdd(5000)) < data.n; ) {
              gen.load(data.documents(from, Math.min(data.n, from + 5000)));
            }
          });
      gen.promote();
    } finally {
      gen.close();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  /**
   * The segment as one would write it by hand against Tally's layout: four filters plus workspace
   * and liveness.
   */
  static String rawQuery(long ws, long t1, long s) {
    return "{\"query\":{\"bool\":{\"filter\":["
        + scope(ws)
        + ","
        + segment("\"gte\":" + t1, "\"lt\":" + s)
        + "]}},\"size\":50,\"sort\":[{\""
        + Fields.ID
        + "\":\"asc\"}],\"track_total_hits\":true,\"_source\":false}";
  }

  /**
   * What Tally sends for this query (QueryCompiler.compile, then Pager.byId with limit + 1 hits),
   * restated.
   */
  static String tallyShapedQuery(long ws, long t1, long s) {
    return "{\"query\":{\"bool\":{\"filter\":[{\"bool\":{\"filter\":["
        + scope(ws)
        + "]}},{\"bool\":{\"filter\":["
        + segment(
            "\"gte\":" + t1 + ",\"lte\":" + Long.MAX_VALUE,
            "\"gte\":" + Long.MIN_VALUE + ",\"lte\":" + (s - 1))
        + "]}}]}},\"size\":51,\"track_total_hits\":true,\"_source\":false,\"sort\":[{\""
        + Fields.ID
        + "\":{\"order\":\"asc\"}}]}";
  }

  /** The workspace and liveness terms every query of Tally's carries. */
  private static String scope(long ws) {
    return term(Fields.WORKSPACE, "\"" + ws + "\"") + "," + term(Fields.LIVE, "true");
  }

  /** The segment's four filters, with the given bounds on created_at and on seats. */
  private static String segment(String createdAt, String seats) {
    return term(Fields.keyword("role"), "\"user\"")
        + ","
        + term(Fields.keyword("custom_attributes.plan"), "\"pro\"")
        + ","
        + range(Fields.number("created_at"), createdAt)
        + ","
        + range(Fields.number("custom_attributes.seats"), seats);
  }

  private static String term(String field, String value) {
    return "{\"term\":{\"" + field + "\":" + value + "}}";
  }

  private static String range(String field, String bounds) {
    return "{\"range\":{\"" + field + "\":{" + bounds + "}}}";
  }

  /**
   * One raw request: count and the first {@code page} ids (of however many hits came back), with
   * OpenSearch's took.
   */
  private static SegmentResult rawRun(RawOpenSearch raw, String alias, String body, int page) {
    JsonNode r = raw.json("POST", "/" + alias + "/_search", body);
    List<Long> ids = new ArrayList<>(page);
    for (JsonNode hit : r.path("hits").path("hits")) {
      if (ids.size() < page) {
        ids.add(Long.parseLong(hit.path("_id").asText()));
      }
    }
    return new SegmentResult(
        r.path("hits").path("total").path("value").asLong(), ids, r.path("took").asLong());
  }
}
