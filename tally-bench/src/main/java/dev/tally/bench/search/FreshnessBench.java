package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.ServerSpace;
import dev.tally.bench.common.Workers;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Goal 1, commit → searchable. First the maximum write rate (closed loop, 8 clients), then an
 * open-loop writer paced at a fraction of it (default 50%) for {@code --seconds}: sends are due on
 * a fixed schedule whatever the responses do, so a slow projector cannot slow the writers down and
 * hide its own lag. Every acknowledged write's (ack time, Tally-Position) goes to the {@link
 * VisibilitySampler}.
 */
public final class FreshnessBench {
  private static final int MAX_RATE_CLIENTS = 8;
  private static final int PACED_WORKERS = 48;

  private final InProcessTally tally;
  private final HttpClient client = InProcessTally.newClient();
  private final AtomicLong nextContact = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  private FreshnessBench(InProcessTally tally) {
    this.tally = tally;
  }

  public static void run(BenchOptions o) throws Exception {
    run(o, false);
  }

  /**
   * {@code freshness-opensearch}: the same on the OpenSearch index (PostgreSQL store by default,
   * the production mix) with a 1 s refresh; visibility is asked of OpenSearch itself ({@link
   * OpenSearchVisibilitySampler}), and Tally's own estimate is reported beside it.
   */
  public static void runOpenSearch(BenchOptions o) throws Exception {
    run(o, true);
  }

  private static void run(BenchOptions o, boolean openSearch) throws Exception {
    int seconds = o.integer("seconds", 60);
    int maxRateSeconds = o.integer("max-rate-seconds", 10);
    int warmupSeconds = o.integer("warmup-seconds", openSearch ? 20 : 3);
    double fraction = o.decimal("load-fraction", 0.5);
    String store = o.choice("store", "postgres", "postgres", "sqlite");
    String osUrl = o.string("os-url", "http://127.0.0.1:9200");
    String refresh = o.string("refresh", "1s");
    int pollMillis = o.integer("poll-ms", 5);
    double goalMs = openSearch ? o.decimal("goal-ms", 2000) : 300;
    Path dir = Files.createTempDirectory("tally-bench-freshness");
    Report report =
        new Report(
            openSearch
                ? "Freshness on OpenSearch: commit → searchable (in-process Tally on "
                    + (store.equals("postgres") ? "PostgreSQL" : "SQLite")
                    + " + OpenSearch, refresh "
                    + refresh
                    + ", HTTP writes)"
                : "Freshness: commit → searchable (in-process Tally, HTTP writes)");
    String pgUrl =
        store.equals("postgres")
            ? o.string("pg-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres")
            : null;
    try (InProcessTally tally =
        openSearch
            ? InProcessTally.start(
                dir, new ServerSpace(pgUrl, osUrl, "bench_fresh"), store, "opensearch", refresh)
            : InProcessTally.start(dir)) {
      FreshnessBench b = new FreshnessBench(tally);
      if (openSearch) {
        report.line(
            "- "
                + describeOpenSearch(osUrl)
                + "; Tally's index alias `"
                + tally.alias()
                + "` (1 shard, "
                + "Tally's default replicas"
                + "), refresh interval "
                + refresh
                + "; store "
                + store);
      }
      Report.progress("freshness: warm-up " + warmupSeconds + " s");
      b.closedLoop(warmupSeconds);
      Report.progress(
          "freshness: maximum write rate, "
              + MAX_RATE_CLIENTS
              + " clients, "
              + maxRateSeconds
              + " s");
      double maxRate = b.closedLoop(maxRateSeconds);
      long maxRateErrors = b.errors.getAndSet(0);
      tally.awaitSearchable(Duration.ofSeconds(60)); // so the paced run starts without a backlog
      double target = maxRate * fraction;
      Report.progress(
          String.format(
              "freshness: max %.0f writes/s; paced run at %.0f writes/s for %d s",
              maxRate, target, seconds));
      Paced paced;
      long[] fresh;
      long[] gaps;
      int unseen;
      long[] estimated = null;
      long fetches = 0;
      long directChecks = 0;
      long workspace = tally.server().store().workspaces().get(0).id();
      try (VisibilitySampler sampler = new VisibilitySampler(tally.server());
          OpenSearchVisibilitySampler osSampler =
              openSearch
                  ? new OpenSearchVisibilitySampler(osUrl, tally.alias(), workspace, pollMillis)
                  : null) {
        paced = b.paced(target, seconds, sampler, osSampler);
        unseen = osSampler != null ? osSampler.drain(30_000) : sampler.drain(30_000);
        if (osSampler != null) {
          sampler.drain(30_000);
          osSampler.close();
          fresh = osSampler.freshness();
          gaps = osSampler.pollGaps();
          fetches = osSampler.fetches();
          directChecks = osSampler.directChecks();
          sampler.close();
          estimated = sampler.freshness();
        } else {
          sampler.close();
          fresh = sampler.freshness();
          gaps = sampler.pollGaps();
        }
      }
      String e2e = openSearch ? b.endToEndBySearch() : b.endToEnd();
      Percentiles f = new Percentiles(fresh);
      Percentiles lat = new Percentiles(paced.latencies);
      Percentiles lag = new Percentiles(paced.sendLag);
      Percentiles poll = new Percentiles(gaps);
      report.line(
          "- maximum write rate: **"
              + String.format("%.0f", maxRate)
              + " writes/s** ("
              + MAX_RATE_CLIENTS
              + " closed-loop clients, HTTP/1.1, "
              + maxRateSeconds
              + " s, after a "
              + warmupSeconds
              + " s warm-up; errors: "
              + maxRateErrors
              + ")");
      report.line(
          String.format(
              "- paced run: target %.0f writes/s (%.0f%% of max), achieved **%.0f writes/s = %.1f%% of max** for %d s"
                  + " (%d acknowledged writes, %d errors, open loop with %d senders; send lateness p99 %s ms)",
              target,
              fraction * 100,
              paced.rate(),
              100 * paced.rate() / maxRate,
              seconds,
              paced.acked,
              paced.errors,
              PACED_WORKERS,
              Percentiles.fmt(lag.ms(99))));
      report.line(
          "- write latency during the paced run (send → response): p50 "
              + Percentiles.fmt(lat.ms(50))
              + " ms, p99 "
              + Percentiles.fmt(lat.ms(99))
              + " ms");
      if (openSearch) {
        report.line(
            "- sampler: asked OpenSearch itself: `_count` of the workspace on the alias every "
                + pollMillis
                + " ms (measured gap p50 "
                + Percentiles.fmt(poll.ms(50))
                + " ms, p99 "
                + Percentiles.fmt(poll.ms(99))
                + " ms — the resolution of the figures below);"
                + " on each change (a refresh) the visible ids at or above the lowest pending one ("
                + fetches
                + " fetches, "
                + directChecks
                + " single-id checks for acks that arrived below the last fetch); writes never seen: "
                + unseen);
      } else {
        report.line(
            "- sampler: polled `searchablePosition()` every "
                + Percentiles.fmt(poll.ms(50))
                + " ms (p50), "
                + Percentiles.fmt(poll.ms(99))
                + " ms (p99) — the resolution of the figures below; writes never seen: "
                + unseen);
      }
      report.line("- end-to-end check: " + e2e);
      double p99 = f.ms(99);
      String goal = "≤ " + Percentiles.fmt(goalMs) + " ms";
      List<List<String>> rows = new ArrayList<>();
      rows.add(
          List.of(
              openSearch ? "searchable in OpenSearch (measured)" : "searchable (Tally's index)",
              Integer.toString(f.count()),
              Percentiles.fmt(f.ms(50)) + " ms",
              Percentiles.fmt(f.ms(90)) + " ms",
              Percentiles.fmt(p99) + " ms",
              Percentiles.fmt(f.maxMs()) + " ms",
              goal,
              p99 <= goalMs
                  ? "yes (" + Report.ratio(p99, goalMs) + " of the budget)"
                  : "**no** (" + Report.ratio(p99, goalMs) + " of the budget)"));
      if (estimated != null) {
        Percentiles e = new Percentiles(estimated);
        rows.add(
            List.of(
                "Tally's own estimate (`visiblePosition()`: acknowledged by OpenSearch + refresh interval + 1 s)",
                Integer.toString(e.count()),
                Percentiles.fmt(e.ms(50)) + " ms",
                Percentiles.fmt(e.ms(90)) + " ms",
                Percentiles.fmt(e.ms(99)) + " ms",
                Percentiles.fmt(e.maxMs()) + " ms",
                "",
                ""));
      }
      report.table(
          List.of("what", "writes measured", "p50", "p90", "p99", "max", "goal (p99)", "met"),
          rows);
    } finally {
      BenchFiles.deleteTree(dir);
    }
    report.finish(o.out());
  }

  private HttpRequest create(long n) {
    String body =
        "{\"external_id\":\"u-"
            + n
            + "\",\"email\":\"u"
            + n
            + "@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}";
    return HttpRequest.newBuilder(tally.uri("/contacts"))
        .timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + tally.token())
        .header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body))
        .build();
  }

  /** One create; returns its oplog position, or -1 on an error. */
  private long write(long n) {
    long[] w = writeWithId(n);
    return w == null ? -1 : w[0];
  }

  /** One create; returns {oplog position, contact id}, or null on an error. */
  private long[] writeWithId(long n) {
    try {
      HttpResponse<String> r = client.send(create(n), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        if (errors.incrementAndGet() <= 3) {
          Report.progress("write failed: " + r.statusCode() + " " + r.body());
        }
        return null;
      }
      long id = Long.parseLong(JSON.readTree(r.body()).path("id").asText());
      return new long[] {
        Long.parseLong(r.headers().firstValue("Tally-Position").orElseThrow()), id
      };
    } catch (Exception e) {
      if (errors.incrementAndGet() <= 3) {
        Report.progress("write failed: " + e);
      }
      return null;
    }
  }

  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * Closed loop with {@link #MAX_RATE_CLIENTS} clients for {@code seconds}; returns acknowledged
   * writes per second.
   */
  private double closedLoop(int seconds) throws InterruptedException {
    return Workers.closedLoop(
        MAX_RATE_CLIENTS, seconds, () -> write(nextContact.incrementAndGet()) >= 0);
  }

  private record Paced(long acked, long errors, double seconds, long[] latencies, long[] sendLag) {
    double rate() {
      return acked / seconds;
    }
  }

  /**
   * Sends due at start + i / rate, by a pool of senders (a late one sends at once; the lateness is
   * reported).
   */
  private Paced paced(
      double rate, int seconds, VisibilitySampler sampler, OpenSearchVisibilitySampler osSampler)
      throws InterruptedException {
    double interval = 1e9 / rate;
    long total = (long) (rate * seconds);
    AtomicLong slot = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    long errorsBefore = errors.get();
    long start = System.nanoTime() + 50_000_000L;
    List<LongList> latencies = new ArrayList<>();
    List<LongList> lags = new ArrayList<>();
    for (int w = 0; w < PACED_WORKERS; w++) {
      latencies.add(new LongList());
      lags.add(new LongList());
    }
    AtomicInteger worker = new AtomicInteger();
    Workers.run(
        "paced",
        PACED_WORKERS,
        () -> {
          int w = worker.getAndIncrement();
          LongList lat = latencies.get(w);
          LongList lag = lags.get(w);
          for (long i; (i = slot.getAndIncrement()) < total; ) {
            long due = start + (long) (i * interval);
            for (long now; (now = System.nanoTime()) < due; ) {
              LockSupport.parkNanos(due - now);
            }
            long sent = System.nanoTime();
            lag.add(sent - due);
            long[] written = writeWithId(nextContact.incrementAndGet());
            long ack = System.nanoTime();
            if (written != null) {
              sampler.acked(ack, written[0]);
              if (osSampler != null) {
                osSampler.acked(ack, written[1]);
              }
              acked.incrementAndGet();
              lat.add(ack - sent);
            }
          }
        });
    double elapsed = Math.max(seconds, (System.nanoTime() - start) / 1e9);
    return new Paced(
        acked.get(),
        errors.get() - errorsBefore,
        elapsed,
        LongList.concat(latencies),
        LongList.concat(lags));
  }

  /**
   * Writes one contact, waits until it is searchable, and finds it through POST /contacts/search.
   */
  private String endToEnd() throws Exception {
    long n = nextContact.incrementAndGet();
    long position = write(n);
    if (position < 0) {
      throw new IllegalStateException("the end-to-end write failed");
    }
    long t0 = System.nanoTime();
    while (tally.server().searchablePosition() < position) {
      Thread.sleep(1);
    }
    double visibleMs = (System.nanoTime() - t0) / 1e6;
    HttpResponse<String> r = searchFor(n);
    if (!finds(r, n)) {
      throw new IllegalStateException(
          "the written contact u-"
              + n
              + " was not found by search: "
              + r.statusCode()
              + " "
              + r.body());
    }
    return String.format(
        "contact u-%d (position %d) visible after %.1f ms and found by `POST /contacts/search` (total_count 1)",
        n, position, visibleMs);
  }

  /**
   * Writes one contact and polls `POST /contacts/search` for it every 5 ms: the user's view of
   * freshness, once.
   */
  private String endToEndBySearch() throws Exception {
    long n = nextContact.incrementAndGet();
    long[] w = writeWithId(n);
    if (w == null) {
      throw new IllegalStateException("the end-to-end write failed");
    }
    long t0 = System.nanoTime();
    int searches = 0;
    while (System.nanoTime() - t0 < 30_000_000_000L) {
      searches++;
      if (finds(searchFor(n), n)) {
        return String.format(
            "contact u-%d (id %d) found by `POST /contacts/search` %.0f ms after its write was acknowledged (%d searches, 5 ms apart)",
            n, w[1], (System.nanoTime() - t0) / 1e6, searches);
      }
      Thread.sleep(5);
    }
    throw new IllegalStateException(
        "the written contact u-" + n + " was not found by search within 30 s");
  }

  /** {@code POST /contacts/search} for the contact with external_id u-{@code n}. */
  private HttpResponse<String> searchFor(long n) throws Exception {
    String body =
        "{\"query\":{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"u-" + n + "\"}}";
    return tally.post(client, "/contacts/search", "application/json", body);
  }

  /** Whether the search answered with exactly the contact u-{@code n}. */
  private static boolean finds(HttpResponse<String> r, long n) throws Exception {
    JsonNode json = JSON.readTree(r.body());
    return r.statusCode() == 200
        && json.path("total_count").asLong() == 1
        && ("u-" + n).equals(json.path("data").path(0).path("external_id").asText());
  }

  private static String describeOpenSearch(String url) {
    try (RawOpenSearch raw = new RawOpenSearch(url)) {
      return raw.describe();
    }
  }
}
