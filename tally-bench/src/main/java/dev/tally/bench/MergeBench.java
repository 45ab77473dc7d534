package dev.tally.bench;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.PlainHttp;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.Workers;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Issue 12, "Measure": merging a lead with many events (10,000 by default) into a user through
 * {@code POST /contacts/merge}, and whether search sees the result at the position the merge
 * answered with.
 *
 * <p>Tally runs in this process on SQLite and Lucene with its default settings. For each merge a
 * user and a lead are created and the lead's events recorded through {@code POST /events} at 8
 * clients (not measured); then the merge is timed from the request to the answer's last byte. Right
 * after it, one search with {@code Tally-Min-Position} set to the merge's {@code Tally-Position}
 * asks for the user by its moved event count ({@code events.bench-M.count = N}, an event name of
 * each merge's own) and another for the lead by id: the first must find the user and the second
 * nothing, on the first try (a search at a position waits until the index has applied it). That
 * search's latency, wait included, is the time until search shows the merge.
 */
public final class MergeBench {
  private MergeBench() {}

  static final String USAGE =
      "merge          [--events 10000] [--merges 10] [--clients 8] [--dir DIR]";

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly("events", "merges", "clients", "dir", "out");
    int events = o.positive("events", 10_000);
    int merges = o.positive("merges", 10);
    int clients = o.positive("clients", 8);
    Path dataDir = o.freshDir("tally-bench-merge", "data");
    Report report =
        new Report(
            String.format("Merging a lead with %,d events into a user, %d merges", events, merges));
    LongList mergeNanos = new LongList();
    LongList visibleNanos = new LongList();
    try (InProcessTally tally = InProcessTally.start(dataDir)) {
      int port = tally.server().port();
      String token = tally.token();
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      for (int m = 0; m < merges; m++) {
        String user = create(client, port, token, "{\"external_id\":\"merge-user-" + m + "\"}");
        String lead =
            create(client, port, token, "{\"role\":\"lead\",\"name\":\"Lead " + m + "\"}");
        Report.progress(
            String.format("merge %d of %d: recording %,d events", m + 1, merges, events));
        String event = "bench-" + m; // each merge's own name, so its search finds its user alone
        record(port, token, clients, lead, event, events);
        long t0 = System.nanoTime();
        HttpResponse<String> merged =
            send(
                client,
                port,
                token,
                "POST",
                "/contacts/merge",
                "{\"from\":\"" + lead + "\",\"into\":\"" + user + "\"}",
                null);
        mergeNanos.add(System.nanoTime() - t0);
        require(merged, "POST /contacts/merge");
        String position = merged.headers().firstValue("Tally-Position").orElseThrow();
        long t1 = System.nanoTime();
        String found =
            search(
                client,
                port,
                token,
                position,
                "events." + event + ".count",
                "=",
                Integer.toString(events));
        visibleNanos.add(System.nanoTime() - t1);
        if (!found.contains("\"id\":\"" + user + "\"") || !found.contains("\"total_count\":1")) {
          throw new IOException(
              "search at the merge's position ("
                  + position
                  + ") did not find the user "
                  + user
                  + ": "
                  + found
                  + "; its summaries: "
                  + send(
                          client,
                          port,
                          token,
                          "GET",
                          "/events?type=user&summary=true&intercom_user_id=" + user,
                          "",
                          null)
                      .body());
        }
        String gone = search(client, port, token, position, "id", "=", lead);
        if (!gone.contains("\"total_count\":0")) {
          throw new IOException("search at the merge's position still found the lead: " + gone);
        }
      }
    } finally {
      BenchFiles.deleteTree(dataDir);
    }
    Percentiles merge = new Percentiles(mergeNanos.toArray());
    Percentiles visible = new Percentiles(visibleNanos.toArray());
    report.line(
        "- Tally in process on SQLite + Lucene, default settings; each lead's events recorded"
            + " through `POST /events` first (not measured), distinct times, an event name of each merge's own");
    report.table(
        List.of("what", "p50", "max", "count"),
        List.of(
            List.of(
                "`POST /contacts/merge` (request to answer)",
                Report.ms(merge.ms(50)),
                Report.ms(merge.maxMs()),
                Integer.toString(merge.count())),
            List.of(
                "search at the merge's `Tally-Position` (wait for the index included)",
                Report.ms(visible.ms(50)),
                Report.ms(visible.maxMs()),
                Integer.toString(visible.count()))));
    report.line(
        "- every search at the merge's position found the user by its moved event count, and the"
            + " lead no more, on the first try");
    report.finish(o.out());
  }

  private static void record(
      int port, String token, int clients, String lead, String event, int events)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    long base = 1_600_000_000L;
    Workers.run(
        "bench-events",
        clients,
        () -> {
          try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
            for (int i = next.getAndIncrement(); i < events; i = next.getAndIncrement()) {
              String body =
                  "{\"event_name\":\""
                      + event
                      + "\",\"id\":\""
                      + lead
                      + "\",\"created_at\":"
                      + (base + i)
                      + "}";
              PlainHttp.Answer a = http.send("POST", "/events", token, "application/json", body);
              if (a.status() != 202) {
                throw new IOException("POST /events answered " + a.status() + ": " + a.body());
              }
            }
          }
        });
  }

  private static String create(HttpClient client, int port, String token, String body)
      throws IOException, InterruptedException {
    HttpResponse<String> r = send(client, port, token, "POST", "/contacts", body, null);
    require(r, "POST /contacts");
    int at = r.body().indexOf("\"id\":\"") + 6;
    return r.body().substring(at, r.body().indexOf('"', at));
  }

  private static String search(
      HttpClient client,
      int port,
      String token,
      String position,
      String field,
      String op,
      String value)
      throws IOException, InterruptedException {
    String body =
        "{\"query\":{\"field\":\""
            + field
            + "\",\"operator\":\""
            + op
            + "\",\"value\":"
            + (field.startsWith("events.") ? value : "\"" + value + "\"")
            + "}}";
    HttpResponse<String> r = send(client, port, token, "POST", "/contacts/search", body, position);
    require(r, "POST /contacts/search");
    return r.body();
  }

  private static HttpResponse<String> send(
      HttpClient client,
      int port,
      String token,
      String method,
      String path,
      String body,
      String minPosition)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body));
    if (minPosition != null) {
      b.header("Tally-Min-Position", minPosition);
    }
    return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private static void require(HttpResponse<String> r, String what) throws IOException {
    if (r.statusCode() != 200) {
      throw new IOException(what + " answered " + r.statusCode() + ": " + r.body());
    }
  }
}
