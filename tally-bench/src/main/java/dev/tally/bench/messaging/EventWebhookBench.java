package dev.tally.bench.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.PlainHttp;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.Workers;
import dev.tally.server.config.Settings;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 13, "Measure": end to end, an event tracked through {@code POST /events} → the webhook
 * delivery of an event-triggered campaign received, at a steady {@code --rate} (100 events per
 * second), p50 and p99.
 *
 * <p>Tally runs in this process on SQLite and Lucene with its default settings (fan-out every 200
 * ms, a sender claim every 200 ms when idle); the receiver ({@link WebhookSink}) in this process
 * too. Each event is for a contact of its own (created first through the API), so the delivery
 * names the event it answers. The load is open-loop: event {@code i} is due at {@code start + i /
 * rate} and handed to one of 8 client threads then; its latency runs from that due time (so a
 * client that falls behind counts against Tally, not for it) to the receiver reading the delivery's
 * last byte. The first {@code --warmup} seconds are not counted.
 */
public final class EventWebhookBench {
  private EventWebhookBench() {}

  public static final String USAGE =
      "event-webhook  [--rate 100] [--seconds 60] [--warmup 10] [--dir DIR]";

  private static final ObjectMapper JSON = new ObjectMapper();

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly("rate", "seconds", "warmup", "dir", "out");
    int rate = o.positive("rate", 100);
    int seconds = o.positive("seconds", 60);
    int warmup = o.integer("warmup", 10);
    int total = rate * (seconds + warmup);
    int skip = rate * warmup;
    Path data = o.freshDir("tally-bench-event-webhook", "data");
    Report report =
        new Report(
            String.format(
                Locale.ROOT,
                "Event tracked → webhook received, %d events/s for %d s (after %d s of warm-up)",
                rate,
                seconds,
                warmup));
    AtomicLongArray due = new AtomicLongArray(total);
    AtomicLongArray arrived = new AtomicLongArray(total);
    int missing;
    double[] check = new double[3];
    try (WebhookSink sink = new WebhookSink(4);
        InProcessTally tally =
            InProcessTally.start(
                data, Map.of(Settings.SNAPSHOT_INTERVAL, "0s", Settings.VERIFY_INTERVAL, "0s"))) {
      int port = tally.server().port();
      Report.progress("creating " + total + " contacts");
      String[] ids = createContacts(port, tally.token(), total);
      Map<String, Integer> index = new ConcurrentHashMap<>();
      for (int i = 0; i < total; i++) {
        index.put(ids[i], i);
      }
      sink.onReceive(
          (body, at) -> {
            try {
              String contact = JSON.readTree(body).path("contact").path("id").asText();
              Integer i = index.get(contact);
              if (i != null) {
                arrived.compareAndSet(i, 0, at);
              }
            } catch (IOException e) {
              throw new IllegalStateException("a delivery that is not JSON", e);
            }
          });
      CampaignClient api = new CampaignClient(tally);
      long campaign =
          api.create(
              "{\"name\": \"event to webhook\", \"trigger\": {\"type\": \"event\", \"event_name\":"
                  + " \"bench-ping\"}, \"steps\": ["
                  + CampaignClient.webhookStep(sink.url())
                  + "]}");
      api.start(campaign);
      Thread.sleep(1000); // the fan-out has seen the campaign start
      Report.progress("tracking " + total + " events at " + rate + " per second");
      track(port, tally.token(), ids, rate, due);
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (System.nanoTime() < deadline && countArrived(arrived) < total) {
        Thread.sleep(50);
      }
      missing = total - countArrived(arrived);
      String q = "tally_messaging_final_check_duration_seconds{quantile=\"%s\"}";
      check[0] = api.metric(String.format(q, "0.5")) * 1000;
      check[1] = api.metric(String.format(q, "0.99")) * 1000;
      check[2] = api.metric(String.format(q, "0.999")) * 1000;
    } finally {
      BenchFiles.deleteTree(data);
    }
    LongList latencies = new LongList();
    for (int i = skip; i < total; i++) {
      if (arrived.get(i) != 0) {
        latencies.add(arrived.get(i) - due.get(i));
      }
    }
    Percentiles p = new Percentiles(latencies.toArray());
    report.line(
        "- Tally in process on SQLite + Lucene, default settings (fan-out every 200 ms, sender"
            + " claims every 200 ms when idle); receiver in the same process; open-loop load from 8"
            + " client threads, latency from each event's due time to the delivery read");
    report.table(
        List.of("what", "p50", "p99", "max", "events counted"),
        List.of(
            List.of(
                "`POST /events` due → webhook delivery received",
                Report.ms(p.ms(50)),
                Report.ms(p.ms(99)),
                Report.ms(p.maxMs()),
                Integer.toString(p.count()))));
    report.line(
        String.format(
            Locale.ROOT,
            "- final check at this rate (Tally's summary metric): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f"
                + " ms; goal p99 ≤ 2 ms: %s",
            check[0],
            check[1],
            check[2],
            check[1] <= 2 ? "yes" : "**no**"));
    report.line(
        "- deliveries missing 60 s after the last event: "
            + missing
            + "; goal p99 ≤ 1 s: "
            + (p.ms(99) <= 1000 ? "yes" : "**no**"));
    report.finish(o.out());
  }

  private static int countArrived(AtomicLongArray arrived) {
    int n = 0;
    for (int i = 0; i < arrived.length(); i++) {
      if (arrived.get(i) != 0) {
        n++;
      }
    }
    return n;
  }

  /** Creates {@code n} contacts through the API at 8 clients; their ids in creation order. */
  private static String[] createContacts(int port, String token, int n)
      throws InterruptedException {
    String[] ids = new String[n];
    AtomicInteger next = new AtomicInteger();
    Workers.run(
        "bench-contacts",
        8,
        () -> {
          try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
            for (int i = next.getAndIncrement(); i < n; i = next.getAndIncrement()) {
              PlainHttp.Answer a =
                  http.send(
                      "POST",
                      "/contacts",
                      token,
                      "application/json",
                      "{\"external_id\":\"ew-" + i + "\",\"name\":\"Contact " + i + "\"}");
              if (a.status() != 200) {
                throw new IOException("POST /contacts answered " + a.status() + ": " + a.body());
              }
              ids[i] = JSON.readTree(a.body()).path("id").asText();
            }
          }
        });
    return ids;
  }

  /** Sends event i at {@code start + i / rate}, from 8 client threads; records each due time. */
  private static void track(int port, String token, String[] ids, int rate, AtomicLongArray due)
      throws InterruptedException {
    ExecutorService clients = Executors.newFixedThreadPool(8);
    ThreadLocal<PlainHttp> http =
        ThreadLocal.withInitial(
            () -> {
              try {
                return new PlainHttp("127.0.0.1", port);
              } catch (IOException e) {
                throw new IllegalStateException(e);
              }
            });
    AtomicInteger failures = new AtomicInteger();
    long period = TimeUnit.SECONDS.toNanos(1) / rate;
    long start = System.nanoTime();
    long createdAt = System.currentTimeMillis() / 1000;
    for (int i = 0; i < ids.length; i++) {
      long at = start + i * period;
      long wait = at - System.nanoTime();
      if (wait > 0) {
        LockSupport.parkNanos(wait);
      }
      due.set(i, at);
      String body =
          "{\"event_name\":\"bench-ping\",\"id\":\""
              + ids[i]
              + "\",\"created_at\":"
              + createdAt
              + "}";
      clients.execute(
          () -> {
            try {
              PlainHttp.Answer a =
                  http.get().send("POST", "/events", token, "application/json", body);
              if (a.status() != 202) {
                failures.incrementAndGet();
              }
            } catch (IOException e) {
              failures.incrementAndGet();
            }
          });
    }
    clients.shutdown();
    clients.awaitTermination(1, TimeUnit.MINUTES);
    if (failures.get() > 0) {
      throw new IllegalStateException(failures.get() + " events were not accepted");
    }
  }
}
