package dev.tally.bench.search;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.PlainHttp;
import dev.tally.bench.common.Report;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 11, finding 1: whether health, metrics and writes keep answering while searches saturate
 * the CPU. Tally (SQLite, Lucene) holds N contacts; probes call {@code GET /health/live}, {@code
 * GET /health/ready}, {@code GET /metrics} and {@code POST /contacts} every 50 ms each, first with
 * no other load (the peer: the same server idle), then while C clients send the heaviest search the
 * default limits allow, back to back. The goal: every probe within 100 ms at p99 under load.
 */
public final class SearchLoadBench {
  private SearchLoadBench() {}

  private static final String[] PROBES = {"GET /health/live", "GET /health/ready", "GET /metrics"};

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly("contacts", "seconds", "clients", "dir", "out");
    int n = o.positive("contacts", 100_000);
    int seconds = o.positive("seconds", 20);
    int clients = o.positive("clients", 8);
    Path dataDir = o.freshDir("tally-bench-search-load", "data");
    Report report =
        new Report(
            "Health, metrics and writes under search load at "
                + String.format("%,d", n)
                + " contacts");
    try (InProcessTally tally = InProcessTally.start(dataDir)) {
      load(tally, n);
      if (!tally.awaitSearchable(Duration.ofMinutes(10))) {
        throw new IllegalStateException("the index did not catch up with the store");
      }
      tally.awaitReady(Duration.ofMinutes(5));
      String query = heaviestAllowedQuery();
      report.line(
          "- Tally on SQLite + Lucene, default settings (search pool: one thread per core, 32 waiting, 5 s"
              + " timeout); "
              + String.format("%,d", n)
              + " contacts loaded through `POST /contacts/bulk`");
      report.line(
          "- search load: "
              + clients
              + " clients, each one keep-alive connection, sending back to back the heaviest query the default limits"
              + " allow (5 AND-ed OR groups of 20 filters: 20 `~` on email, 80 `!=` on name; "
              + query.length()
              + " bytes)");
      report.line(
          "- probes: one client per probe, one call every 50 ms, for "
              + seconds
              + " s idle (the peer) and "
              + seconds
              + " s under the search load; latency from write to last byte read");
      Phase idle = phase(tally, seconds, 0, query);
      Phase loaded = phase(tally, seconds, clients, query);
      List<List<String>> rows = new ArrayList<>();
      for (int i = 0; i <= PROBES.length; i++) {
        String name = i < PROBES.length ? PROBES[i] : "POST /contacts (a durable write)";
        Percentiles a = new Percentiles(idle.probes[i].toArray());
        Percentiles b = new Percentiles(loaded.probes[i].toArray());
        rows.add(
            List.of(
                name,
                Report.ms(a.ms(50)) + " / " + Report.ms(a.ms(99)),
                Report.ms(b.ms(50)) + " / " + Report.ms(b.ms(99)) + " / " + Report.ms(b.maxMs()),
                "p99 ≤ 100 ms",
                b.ms(99) <= 100 ? "yes" : "**no**"));
      }
      report.table(
          List.of(
              "probe",
              "idle: median / p99",
              "under search load: median / p99 / max",
              "goal",
              "met"),
          rows);
      Percentiles s = new Percentiles(loaded.searches.toArray());
      report.line(
          String.format(
              "- searches under load: %,d answered (median %s, p99 %s), %,d refused 503 `search_busy`,"
                  + " %,d 503 `search_timeout`, %,d other answers",
              s.count(),
              Report.ms(s.ms(50)),
              Report.ms(s.ms(99)),
              loaded.busy.get(),
              loaded.timeout.get(),
              loaded.other.get()));
    } finally {
      BenchFiles.deleteTree(dataDir);
    }
    report.finish(o.out());
  }

  /** What one phase measured: per probe latencies, and the searches'. */
  private record Phase(
      LongList[] probes,
      LongList searches,
      AtomicLong busy,
      AtomicLong timeout,
      AtomicLong other) {}

  private static Phase phase(InProcessTally tally, int seconds, int clients, String query)
      throws Exception {
    Phase p =
        new Phase(
            new LongList[] {new LongList(), new LongList(), new LongList(), new LongList()},
            new LongList(),
            new AtomicLong(),
            new AtomicLong(),
            new AtomicLong());
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> threads = new ArrayList<>();
    int port = tally.server().port();
    String token = tally.token();
    for (int c = 0; c < clients; c++) {
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
                      while (running.get()) {
                        long t0 = System.nanoTime();
                        PlainHttp.Answer a =
                            http.send("POST", "/contacts/search", token, "application/json", query);
                        long took = System.nanoTime() - t0;
                        if (a.status() == 200) {
                          synchronized (p.searches) {
                            p.searches.add(took);
                          }
                        } else if (a.body().contains("search_busy")) {
                          p.busy.incrementAndGet();
                          LockSupport.parkNanos(1_000_000); // a client told to retry waits a bit
                        } else if (a.body().contains("search_timeout")) {
                          p.timeout.incrementAndGet();
                        } else {
                          p.other.incrementAndGet();
                        }
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    AtomicLong seq = new AtomicLong(System.nanoTime());
    for (int i = 0; i <= PROBES.length; i++) {
      int probe = i;
      threads.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
                      while (running.get()) {
                        long t0 = System.nanoTime();
                        PlainHttp.Answer a;
                        if (probe < PROBES.length) {
                          String[] mp = PROBES[probe].split(" ");
                          a = http.send(mp[0], mp[1], null, null, null);
                        } else {
                          a =
                              http.send(
                                  "POST",
                                  "/contacts",
                                  token,
                                  "application/json",
                                  "{\"external_id\":\"probe-" + seq.incrementAndGet() + "\"}");
                        }
                        long took = System.nanoTime() - t0;
                        if (a.status() != 200) {
                          throw new IllegalStateException(
                              PROBES.length > probe
                                  ? PROBES[probe] + " answered " + a.status() + ": " + a.body()
                                  : "a write answered " + a.status() + ": " + a.body());
                        }
                        p.probes[probe].add(took);
                        LockSupport.parkNanos(50_000_000);
                      }
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  }));
    }
    Thread.sleep(seconds * 1000L);
    running.set(false);
    for (Thread t : threads) {
      t.join();
    }
    return p;
  }

  static String heaviestAllowedQuery() {
    List<String> groups = new ArrayList<>();
    for (int g = 0; g < 5; g++) {
      List<String> leaves = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        leaves.add(
            i < 4
                ? "{\"field\":\"email\",\"operator\":\"~\",\"value\":\"er" + g + i + "\"}"
                : "{\"field\":\"name\",\"operator\":\"!=\",\"value\":\"n" + g + i + "\"}");
      }
      groups.add("{\"operator\":\"OR\",\"value\":[" + String.join(",", leaves) + "]}");
    }
    return "{\"query\":{\"operator\":\"AND\",\"value\":[" + String.join(",", groups) + "]}}";
  }

  private static void load(InProcessTally tally, int n) throws Exception {
    HttpClient http = InProcessTally.newClient();
    for (int from = 0; from < n; from += 10_000) {
      StringBuilder sb = new StringBuilder();
      for (int i = from; i < Math.min(n, from + 10_000); i++) {
        sb.append("{\"external_id\":\"u")
            .append(i)
            .append("\",\"email\":\"user")
            .append(i)
            .append("@example")
            .append(i % 97)
            .append(".io\",\"name\":\"n")
            .append(i)
            .append("\"}\n");
      }
      var r = tally.post(http, "/contacts/bulk", "application/x-ndjson", sb.toString());
      if (r.statusCode() != 200) {
        throw new IllegalStateException("bulk load answered " + r.statusCode() + ": " + r.body());
      }
    }
  }
}
