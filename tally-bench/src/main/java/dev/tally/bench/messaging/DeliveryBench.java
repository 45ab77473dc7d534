package dev.tally.bench.messaging;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.Report;
import dev.tally.bench.search.GeneratedContacts;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13, "Measure": delivery to a local webhook receiver, sends per second against the
 * receiver's own ceiling measured by wrk in the same run; and the final check's p99.
 *
 * <p>Tally runs in this process on SQLite and Lucene with its default sender settings (32 delivery
 * threads, at most 16 deliveries in flight to one destination, a claim every 200 ms when idle)
 * unless {@code --sender-threads} and {@code --webhook-concurrency} say otherwise, and the receiver
 * ({@link WebhookSink}) in this process too. Each round queues one broadcast to the {@code --sends}
 * contacts with messaging paused (the kill switch), then resumes it: Tally's time runs from the
 * resume to the last send recorded {@code sent} in the store, and includes for each send the claim,
 * the final check on the store, the signed delivery and the record (with its oplog entry). The
 * first round warms up and is not counted. wrk then sends the very body Tally sent, with the same
 * headers, to the same receiver, at 4 connections (Tally's bound per destination) and at 16; the
 * higher rate is the receiver's ceiling. The final check's quantiles are Tally's own summary metric
 * ({@code tally_messaging_final_check_duration_seconds}) over all rounds.
 */
public final class DeliveryBench {
  private DeliveryBench() {}

  public static final String USAGE =
      "delivery       [--sends 20000] [--rounds 2] [--wrk-seconds 10] [--sender-threads N]\n"
          + "               [--webhook-concurrency N] [--dir DIR]";

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly(
        "sends", "rounds", "wrk-seconds", "sender-threads", "webhook-concurrency", "dir", "out");
    Map<Setting, String> settings =
        new HashMap<>(Map.of(Settings.SNAPSHOT_INTERVAL, "0s", Settings.VERIFY_INTERVAL, "0s"));
    if (o.has("sender-threads")) {
      settings.put(Settings.SENDER_THREADS, Integer.toString(o.positive("sender-threads", 0)));
    }
    if (o.has("webhook-concurrency")) {
      settings.put(
          Settings.WEBHOOK_CONCURRENCY, Integer.toString(o.positive("webhook-concurrency", 0)));
    }
    int n = o.positive("sends", 20_000);
    int rounds = o.positive("rounds", 2);
    int wrkSeconds = o.positive("wrk-seconds", 10);
    Path data = o.freshDir("tally-bench-delivery", "data");
    Report report =
        new Report(
            String.format(
                Locale.ROOT,
                "Delivery of %,d sends to a local webhook receiver, %d rounds",
                n,
                rounds));
    List<Double> tallyRates = new ArrayList<>();
    double p50;
    double p99;
    double p999;
    double wrk4;
    double wrk16;
    try (WebhookSink sink = new WebhookSink(4);
        InProcessTally tally = InProcessTally.start(data, settings)) {
      CampaignClient api = new CampaignClient(tally);
      Report.progress("loading " + n + " contacts");
      GeneratedContacts.load(api.store(), api.workspace, 0, n);
      for (int r = 0; r <= rounds; r++) {
        double rate = round(api, sink, n, r);
        Report.progress(
            String.format(
                Locale.ROOT, "round %d: %,.0f sends/s%s", r, rate, r == 0 ? " (warm-up)" : ""));
        if (r > 0) {
          tallyRates.add(rate);
        }
      }
      String q = "tally_messaging_final_check_duration_seconds{quantile=\"%s\"}";
      p50 = api.metric(String.format(q, "0.5")) * 1000;
      p99 = api.metric(String.format(q, "0.99")) * 1000;
      p999 = api.metric(String.format(q, "0.999")) * 1000;
      Report.progress("the receiver's ceiling, with wrk");
      wrk4 = WrkCeiling.measure(sink.url(), sink.lastBody(), 4, wrkSeconds);
      wrk16 = WrkCeiling.measure(sink.url(), sink.lastBody(), 16, wrkSeconds);
    } finally {
      BenchFiles.deleteTree(data);
    }
    double ceiling = Math.max(wrk4, wrk16);
    double best = tallyRates.stream().mapToDouble(Double::doubleValue).max().orElse(0);
    double worst = tallyRates.stream().mapToDouble(Double::doubleValue).min().orElse(0);
    report.line(
        "- Tally in process on SQLite + Lucene, sender threads "
            + settings.getOrDefault(Settings.SENDER_THREADS, "32 (default)")
            + ", in flight per destination "
            + settings.getOrDefault(Settings.WEBHOOK_CONCURRENCY, "16 (default)")
            + "; the receiver in the same process (JDK HTTP server, 4 threads, 200"
            + " with an empty body); wrk sends Tally's own delivery body and headers");
    List<List<String>> rows = new ArrayList<>();
    for (int i = 0; i < tallyRates.size(); i++) {
      rows.add(
          List.of(
              "Tally, round " + (i + 1) + ": resume → last send recorded `sent`",
              String.format(Locale.ROOT, "%,.0f", tallyRates.get(i)),
              Report.ratio(tallyRates.get(i), ceiling)));
    }
    rows.add(List.of("wrk, 4 connections", String.format(Locale.ROOT, "%,.0f", wrk4), "—"));
    rows.add(List.of("wrk, 16 connections", String.format(Locale.ROOT, "%,.0f", wrk16), "—"));
    report.table(List.of("who", "requests (sends) per second", "÷ receiver's ceiling"), rows);
    report.line(
        String.format(
            Locale.ROOT,
            "- final check (store reads + verdict, per send): p50 %.3f ms, p99 %.3f ms, p99.9 %.3f ms",
            p50,
            p99,
            p999));
    report.line(
        "- goals: delivery ≥ 0.5× the receiver's ceiling: "
            + Report.metAtLeast(worst / ceiling, 0.5)
            + " (worst round "
            + Report.ratio(worst, ceiling)
            + ", best "
            + Report.ratio(best, ceiling)
            + "); final check p99 ≤ 2 ms: "
            + (p99 <= 2 ? "yes" : "**no**"));
    report.finish(o.out());
  }

  /** Queues a broadcast to every contact while paused, resumes, waits for all sent; sends/s. */
  private static double round(CampaignClient api, WebhookSink sink, int n, int round)
      throws Exception {
    api.pauseMessaging();
    long campaign =
        api.create(
            "{\"name\": \"delivery "
                + round
                + "\", \"trigger\": {\"type\": \"broadcast\"}, \"expires_after\": \"1h\","
                + " \"steps\": ["
                + CampaignClient.webhookStep(sink.url())
                + "]}");
    api.start(campaign);
    api.awaitFannedOut(campaign, Duration.ofMinutes(10));
    Map<String, Long> queued = api.counts(campaign);
    if (queued.getOrDefault("queued", 0L) != n) {
      throw new IllegalStateException(
          "round " + round + ": the broadcast queued " + queued + " for " + n + " contacts");
    }
    long before = sink.received();
    long t0 = System.nanoTime();
    api.resumeMessaging();
    long deadline = t0 + Duration.ofMinutes(10).toNanos();
    while (true) {
      Map<String, Long> counts = api.counts(campaign);
      long sent = counts.getOrDefault("sent", 0L);
      if (sent == n) {
        break;
      }
      if (sent + counts.getOrDefault("skipped", 0L) + counts.getOrDefault("failed", 0L) >= n
          || System.nanoTime() > deadline) {
        throw new IllegalStateException("round " + round + " did not deliver all: " + counts);
      }
      Thread.sleep(20);
    }
    double seconds = (System.nanoTime() - t0) / 1e9;
    long got = sink.received() - before;
    if (got != n) {
      throw new IllegalStateException(
          "the receiver got " + got + " deliveries for " + n + " sends in round " + round);
    }
    return n / seconds;
  }
}
