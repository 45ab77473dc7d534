package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.PlainHttp;
import dev.tally.bench.common.Report;
import dev.tally.core.index.SearchRequest;
import java.net.http.HttpClient;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The segment query through the HTTP API, as a client sees it: Tally (SQLite store, Lucene index)
 * holds the same 1M contacts as the in-process segment bench, loaded through {@code POST
 * /contacts/bulk} and projected; then {@code POST /contacts/search} (count plus a first page of 50
 * full contacts, read from the store and rendered) against PostgreSQL's count plus 50 ids, and, to
 * show what the API adds, the same search on Tally's index in process. The date filter is on {@code
 * signed_up_at} (a client cannot set {@code created_at}); the values are those of the in-process
 * bench's {@code created_at}, so every system counts the same contacts.
 */
public final class SegmentApiBench {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SegmentApiBench() {}

  public static void run(BenchOptions o) throws Exception {
    SegmentData.Options so = SegmentData.Options.of(o);
    int n = so.contacts();
    Path dataDir = o.freshDir("tally-bench-segment-api", "data");
    Report report =
        new Report(
            "Segment query through the HTTP API at " + String.format("%,d", n) + " contacts");
    try (InProcessTally tally = InProcessTally.start(dataDir)) {
      SegmentData data = new SegmentData(n);
      long expected = data.expectedCount(SegmentData.T1, SegmentData.S);
      HttpClient http = InProcessTally.newClient();
      long t0 = System.nanoTime();
      load(tally, http, data);
      double loadSeconds = (System.nanoTime() - t0) / 1e9;
      Report.progress(
          String.format(
              "segment-query-api: %,d contacts loaded through the API in %.1f s; projecting",
              n, loadSeconds));
      if (!tally.awaitSearchable(Duration.ofMinutes(30))) {
        throw new IllegalStateException("the index did not catch up with the store");
      }
      tally.awaitReady(Duration.ofMinutes(5));
      double indexedSeconds = (System.nanoTime() - t0) / 1e9;
      long ws = tally.server().store().workspaces().get(0).id();
      String body =
          "{\"query\":" + SegmentQuery.json("signed_up_at") + ",\"pagination\":{\"per_page\":50}}";
      SearchRequest inProcess =
          new SearchRequest(
              ws,
              SegmentQuery.parse("signed_up_at"),
              null,
              50,
              null,
              System.currentTimeMillis() / 1000);
      try (PostgresSegmentPeer pg = PostgresSegmentPeer.load(so.pgUrl(), so.pgUser(), data)) {
        report.line(
            String.format(
                "- data: %,d contacts (the in-process segment bench's), loaded through `POST /contacts/bulk` "
                    + "(NDJSON, 10,000 a request) in %.1f s and searchable %.1f s after the load began; the segment selects %,d = %.2f%%",
                n, loadSeconds, indexedSeconds, expected, 100.0 * expected / n));
        report.line(pg.summary());
        report.line(
            "- Tally through the API: `POST /contacts/search` "
                + body
                + " (one client: one keep-alive HTTP/1.1 connection written and read in the measuring thread, as curl does; "
                + "the answer parsed with Jackson); Tally in process: `SearchIndex.search` of the same query on the serving index (count "
                + "+ 50 ids, no store read); PostgreSQL: count + first 50 ids over JDBC");
        report.line(
            "- each run = count + first page of 50; "
                + so.warmup()
                + " warm-up runs, then "
                + so.runs()
                + " measured runs per system, interleaved in rotating order; every answer checked (count = "
                + expected
                + ", 50 contacts, ids ascending)");
        PlainHttp client = new PlainHttp("127.0.0.1", tally.server().port());
        InterleavedRuns.Timings t =
            InterleavedRuns.run(
                so.warmup(),
                so.runs(),
                List.of(
                    () -> viaApi(tally, client, body),
                    () -> SegmentResult.of(tally.server().indexes().serving().search(inProcess)),
                    () -> pg.run(SegmentData.WORKSPACE, SegmentData.T1, SegmentData.S),
                    () -> roundTrip(client)),
                r -> {
                  for (SegmentResult x : List.of(r).subList(0, 3)) {
                    if (x.count() != expected || x.ids().size() != 50 || !ascending(x.ids())) {
                      throw new IllegalStateException(
                          "a system answered wrongly (expected count "
                              + expected
                              + "): "
                              + List.of(r));
                    }
                  }
                  if (!r[0].ids().equals(r[1].ids())) {
                    throw new IllegalStateException(
                        "the API and the index disagree: " + r[0] + " vs " + r[1]);
                  }
                });
        Percentiles api = new Percentiles(t.nanos()[0]);
        Percentiles index = new Percentiles(t.nanos()[1]);
        Percentiles peer = new Percentiles(t.nanos()[2]);
        Percentiles trip = new Percentiles(t.nanos()[3]);
        List<List<String>> rows =
            List.of(
                Report.row("Tally, `POST /contacts/search` (50 full contacts)", api, "", "", ""),
                Report.row("Tally's index in process (50 ids)", index, "", "", ""),
                Report.row(
                    "PostgreSQL (composite btree; 50 ids)",
                    peer,
                    Report.ratio(api.ms(50), peer.ms(50)),
                    "≤ 0.5×",
                    Report.met(api.ms(50) / peer.ms(50), 0.5)),
                Report.row(
                    "breakdown: an HTTP round trip alone (`GET /health/live`, same client)",
                    trip,
                    "",
                    "",
                    ""));
        report.table(
            List.of("system", "median", "p99", "Tally API ÷ system (median)", "goal", "met"), rows);
        report.line(
            String.format(
                "- what the API adds to the index's answer: %.2f ms at the median (store read of 50 contacts, "
                    + "rendering, HTTP)",
                api.ms(50) - index.ms(50)));
      }
    } finally {
      BenchFiles.deleteTree(dataDir);
    }
    report.finish(o.out());
  }

  private static void load(InProcessTally tally, HttpClient http, SegmentData data)
      throws Exception {
    for (String[] attribute :
        new String[][] {{"plan", "string"}, {"seats", "integer"}, {"country", "string"}}) {
      String definition =
          "{\"name\":\""
              + attribute[0]
              + "\",\"model\":\"contact\",\"data_type\":\""
              + attribute[1]
              + "\"}";
      HttpResponse<String> r = tally.post(http, "/data_attributes", "application/json", definition);
      if (r.statusCode() != 200) {
        throw new IllegalStateException(
            "defining " + attribute[0] + " answered " + r.statusCode() + ": " + r.body());
      }
    }
    for (int from = 0; from < data.n; from += 10_000) {
      StringBuilder ndjson = new StringBuilder();
      for (int i = from; i < Math.min(data.n, from + 10_000); i++) {
        ObjectNode c =
            JSON.createObjectNode()
                .put("external_id", "u" + i)
                .put("role", SegmentData.ROLES[data.role[i]])
                .put("email", data.email(i))
                .put("signed_up_at", data.createdAt[i]);
        c.putObject("custom_attributes")
            .put("plan", SegmentData.PLANS[data.plan[i]])
            .put("seats", data.seats[i])
            .put("country", SegmentData.COUNTRIES[data.country[i]]);
        ndjson.append(c).append('\n');
      }
      HttpResponse<String> r =
          tally.post(http, "/contacts/bulk", "application/x-ndjson", ndjson.toString());
      if (r.statusCode() != 200 || JSON.readTree(r.body()).path("failed").asInt(-1) != 0) {
        throw new IllegalStateException(
            "the bulk load answered " + r.statusCode() + ": " + r.body());
      }
      if (from % 100_000 == 0) {
        Report.progress(String.format("segment-query-api: %,d of %,d loaded", from, data.n));
      }
    }
  }

  private static SegmentResult viaApi(InProcessTally tally, PlainHttp client, String body)
      throws Exception {
    PlainHttp.Answer r =
        client.send("POST", "/contacts/search", tally.token(), "application/json", body);
    if (r.status() != 200) {
      throw new IllegalStateException("the search answered " + r.status() + ": " + r.body());
    }
    JsonNode j = JSON.readTree(r.body());
    List<Long> ids = new ArrayList<>();
    j.get("data").forEach(c -> ids.add(Long.parseLong(c.get("id").asText())));
    return new SegmentResult(j.get("total_count").asLong(), ids);
  }

  /**
   * What any request costs here: the client, the loopback, Jetty and Javalin, for a tiny answer.
   */
  private static SegmentResult roundTrip(PlainHttp client) throws Exception {
    PlainHttp.Answer r = client.send("GET", "/health/live", null, null, null);
    if (r.status() != 200) {
      throw new IllegalStateException("/health/live answered " + r.status());
    }
    return new SegmentResult(0, List.of());
  }

  private static boolean ascending(List<Long> ids) {
    for (int i = 1; i < ids.size(); i++) {
      if (ids.get(i) <= ids.get(i - 1)) {
        return false;
      }
    }
    return true;
  }
}
