package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Goal 1, commit → searchable. First the maximum write rate (closed loop, 8 clients), then an
 * open-loop writer paced at a fraction of it (default 50%) for {@code --seconds}: sends are due on
 * a fixed schedule whatever the responses do, so a slow projector cannot slow the writers down and
 * hide its own lag. Every acknowledged write's (ack time, Tally-Position) goes to the
 * {@link VisibilitySampler}.
 */
final class FreshnessBench {
  private static final int MAX_RATE_CLIENTS = 8;
  private static final int PACED_WORKERS = 48;

  private final InProcessTally tally;
  private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(5)).build();
  private final AtomicLong nextContact = new AtomicLong();
  private final AtomicLong errors = new AtomicLong();

  private FreshnessBench(InProcessTally tally) {
    this.tally = tally;
  }

  static void run(BenchOptions o) throws Exception {
    int seconds = o.integer("seconds", 60);
    int maxRateSeconds = o.integer("max-rate-seconds", 10);
    int warmupSeconds = o.integer("warmup-seconds", 3);
    double fraction = o.decimal("load-fraction", 0.5);
    Path dir = Files.createTempDirectory("tally-bench-freshness");
    Report report = new Report("Freshness: commit → searchable (in-process Tally, HTTP writes)");
    try (InProcessTally tally = InProcessTally.start(dir)) {
      FreshnessBench b = new FreshnessBench(tally);
      Report.progress("freshness: warm-up " + warmupSeconds + " s");
      b.closedLoop(warmupSeconds);
      Report.progress("freshness: maximum write rate, " + MAX_RATE_CLIENTS + " clients, " + maxRateSeconds + " s");
      double maxRate = b.closedLoop(maxRateSeconds);
      long maxRateErrors = b.errors.getAndSet(0);
      b.waitCaughtUp();
      double target = maxRate * fraction;
      Report.progress(String.format("freshness: max %.0f writes/s; paced run at %.0f writes/s for %d s", maxRate, target, seconds));
      Paced paced;
      long[] fresh;
      long[] gaps;
      int unseen;
      try (VisibilitySampler sampler = new VisibilitySampler(tally.server())) {
        paced = b.paced(target, seconds, sampler);
        unseen = sampler.drain(30_000);
        sampler.close();
        fresh = sampler.freshness();
        gaps = sampler.pollGaps();
      }
      String e2e = b.endToEnd();
      Percentiles f = new Percentiles(fresh);
      Percentiles lat = new Percentiles(paced.latencies);
      Percentiles lag = new Percentiles(paced.sendLag);
      Percentiles poll = new Percentiles(gaps);
      report.line("- maximum write rate: **" + String.format("%.0f", maxRate) + " writes/s** (" + MAX_RATE_CLIENTS
          + " closed-loop clients, HTTP/1.1, " + maxRateSeconds + " s, after a " + warmupSeconds + " s warm-up; errors: " + maxRateErrors + ")");
      report.line(String.format("- paced run: target %.0f writes/s (%.0f%% of max), achieved **%.0f writes/s = %.1f%% of max** for %d s"
              + " (%d acknowledged writes, %d errors, open loop with %d senders; send lateness p99 %s ms)",
          target, fraction * 100, paced.rate(), 100 * paced.rate() / maxRate, seconds, paced.acked, paced.errors, PACED_WORKERS,
          Percentiles.fmt(lag.ms(99))));
      report.line("- write latency during the paced run (send → response): p50 " + Percentiles.fmt(lat.ms(50)) + " ms, p99 "
          + Percentiles.fmt(lat.ms(99)) + " ms");
      report.line("- sampler: polled `searchablePosition()` every " + Percentiles.fmt(poll.ms(50)) + " ms (p50), "
          + Percentiles.fmt(poll.ms(99)) + " ms (p99) — the resolution of the figures below; writes never seen: " + unseen);
      report.line("- end-to-end check: " + e2e);
      double p99 = f.ms(99);
      report.table(List.of("writes measured", "p50", "p90", "p99", "max", "goal (p99)", "met"),
          List.of(List.of(Integer.toString(f.count()), Percentiles.fmt(f.ms(50)) + " ms", Percentiles.fmt(f.ms(90)) + " ms",
              Percentiles.fmt(p99) + " ms", Percentiles.fmt(f.maxMs()) + " ms", "≤ 300 ms",
              p99 <= 300 ? "yes (" + Report.ratio(p99, 300) + " of the budget)" : "**no** (" + Report.ratio(p99, 300) + " of the budget)")));
    } finally {
      deleteTree(dir);
    }
    report.finish(o.out());
  }

  private HttpRequest create(long n) {
    String body = "{\"external_id\":\"u-" + n + "\",\"email\":\"u" + n + "@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}";
    return HttpRequest.newBuilder(tally.uri("/contacts")).timeout(Duration.ofSeconds(30))
        .header("Authorization", "Bearer " + tally.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** One create; returns its oplog position, or -1 on an error. */
  private long write(long n) {
    try {
      HttpResponse<String> r = client.send(create(n), HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        if (errors.incrementAndGet() <= 3) {
          Report.progress("write failed: " + r.statusCode() + " " + r.body());
        }
        return -1;
      }
      return Long.parseLong(r.headers().firstValue("Tally-Position").orElseThrow());
    } catch (Exception e) {
      if (errors.incrementAndGet() <= 3) {
        Report.progress("write failed: " + e);
      }
      return -1;
    }
  }

  /** Closed loop with {@link #MAX_RATE_CLIENTS} clients for {@code seconds}; returns acknowledged writes per second. */
  private double closedLoop(int seconds) throws InterruptedException {
    AtomicLong ok = new AtomicLong();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    long start = System.nanoTime();
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < MAX_RATE_CLIENTS; i++) {
      threads.add(Thread.ofPlatform().name("max-rate-" + i).start(() -> {
        while (System.nanoTime() < end) {
          if (write(nextContact.incrementAndGet()) >= 0) {
            ok.incrementAndGet();
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    return ok.get() / ((System.nanoTime() - start) / 1e9);
  }

  /** Waits until searches see everything written so far, so the paced run starts without a backlog. */
  private void waitCaughtUp() throws InterruptedException {
    long head = tally.server().store().head();
    long deadline = System.currentTimeMillis() + 60_000;
    while (tally.server().searchablePosition() < head && System.currentTimeMillis() < deadline) {
      Thread.sleep(10);
    }
  }

  private record Paced(long acked, long errors, double seconds, long[] latencies, long[] sendLag) {
    double rate() {
      return acked / seconds;
    }
  }

  /** Sends due at start + i / rate, by a pool of senders (a late one sends at once; the lateness is reported). */
  private Paced paced(double rate, int seconds, VisibilitySampler sampler) throws InterruptedException {
    double interval = 1e9 / rate;
    long total = (long) (rate * seconds);
    AtomicLong slot = new AtomicLong();
    AtomicLong acked = new AtomicLong();
    long errorsBefore = errors.get();
    long start = System.nanoTime() + 50_000_000L;
    LongList[] latencies = new LongList[PACED_WORKERS];
    LongList[] lags = new LongList[PACED_WORKERS];
    List<Thread> threads = new ArrayList<>();
    for (int w = 0; w < PACED_WORKERS; w++) {
      LongList lat = latencies[w] = new LongList();
      LongList lag = lags[w] = new LongList();
      threads.add(Thread.ofPlatform().name("paced-" + w).start(() -> {
        for (long i; (i = slot.getAndIncrement()) < total; ) {
          long due = start + (long) (i * interval);
          for (long now; (now = System.nanoTime()) < due; ) {
            LockSupport.parkNanos(due - now);
          }
          long sent = System.nanoTime();
          lag.add(sent - due);
          long position = write(nextContact.incrementAndGet());
          long ack = System.nanoTime();
          if (position >= 0) {
            sampler.acked(ack, position);
            acked.incrementAndGet();
            lat.add(ack - sent);
          }
        }
      }));
    }
    for (Thread t : threads) {
      t.join();
    }
    double elapsed = Math.max(seconds, (System.nanoTime() - start) / 1e9);
    return new Paced(acked.get(), errors.get() - errorsBefore, elapsed, merge(latencies), merge(lags));
  }

  private static long[] merge(LongList[] lists) {
    LongList all = new LongList();
    for (LongList l : lists) {
      for (long v : l.toArray()) {
        all.add(v);
      }
    }
    return all.toArray();
  }

  /** Writes one contact, waits until it is searchable, and finds it through POST /contacts/search. */
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
    String body = "{\"query\":{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"u-" + n + "\"}}";
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(tally.uri("/contacts/search"))
        .header("Authorization", "Bearer " + tally.token()).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    JsonNode json = new ObjectMapper().readTree(r.body());
    boolean found = r.statusCode() == 200 && json.path("total_count").asLong() == 1
        && ("u-" + n).equals(json.path("data").path(0).path("external_id").asText());
    if (!found) {
      throw new IllegalStateException("the written contact u-" + n + " was not found by search: " + r.statusCode() + " " + r.body());
    }
    return String.format("contact u-%d (position %d) visible after %.1f ms and found by `POST /contacts/search` (total_count 1)",
        n, position, visibleMs);
  }

  static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (var s = Files.walk(dir)) {
      s.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (java.io.IOException e) {
      Report.progress("could not delete " + dir + ": " + e);
    }
  }
}
