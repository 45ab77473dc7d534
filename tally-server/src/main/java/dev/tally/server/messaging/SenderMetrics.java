package dev.tally.server.messaging;

import dev.tally.core.model.Send;
import dev.tally.core.store.Store;
import dev.tally.messaging.Delivery;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.Summary;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;

/**
 * What the sender shows on /metrics: outcomes recorded by state and reason, sends left for their
 * lease after a failure, the backlog of due sends and the age of the oldest (one indexed store read
 * per scrape), the final check's duration, and delivery latency by channel and result. Reasons are
 * labels only where they are a short fixed set (the skip reasons, {@code quiet_hours}, {@code
 * paused}, {@code no_smtp}, {@code retry} for a send queued again after a refused delivery, {@code
 * busy} for one whose destination had its bound in flight); a receiver's free text stays in the
 * send's record. Also the queue's depth by state and reason, the kill switch, and how long after
 * its due time each send went out.
 */
final class SenderMetrics {
  static final String QUIET_HOURS = "quiet_hours";

  /** Held because its campaign or its workspace's messaging was paused after it was claimed. */
  static final String PAUSED = "paused";

  private final Counter recorded;
  private final Counter left;
  private final Histogram latency;
  private final Summary finalCheck;
  private final Histogram sentAfterDue;

  SenderMetrics(Store store, InstantSource clock, PrometheusRegistry registry) {
    PrometheusRegistry r = registry == null ? new PrometheusRegistry() : registry;
    recorded =
        Counter.builder()
            .name("tally_messaging_sends_recorded_total")
            .help(
                "Send outcomes this process recorded, by state (sent, skipped, queued for a retry, held, expired, failed) and reason (skips, quiet_hours, paused, no_smtp)")
            .labelNames("state", "reason")
            .register(r);
    left =
        Counter.builder()
            .name("tally_messaging_sends_left_total")
            .help(
                "Claimed sends left unrecorded because the store or the campaign could not be read; each is claimed again when its lease expires")
            .register(r);
    latency =
        Histogram.builder()
            .name("tally_messaging_delivery_duration_seconds")
            .help(
                "Delivery attempts by channel and result (delivered, retry, failed; busy: not attempted, the destination had its bound in flight)")
            .labelNames("channel", "result")
            .register(r);
    // A summary, not a histogram: its quantiles are what the final check's goal is stated in
    // (p99 ≤ 2 ms), and buckets fine enough to tell 1.5 ms from 2.5 ms would be many series.
    finalCheck =
        Summary.builder()
            .name("tally_messaging_final_check_duration_seconds")
            .help(
                "The final check of one send on the store (campaign, contact document, segment, frequency cap) up to its verdict, delivery excluded; quantiles over the last 10 minutes")
            .quantile(0.5, 0.01)
            .quantile(0.99, 0.001)
            .quantile(0.999, 0.0001)
            .maxAgeSeconds(600)
            .register(r);
    sentAfterDue =
        Histogram.builder()
            .name("tally_messaging_sent_after_due_seconds")
            .help(
                "How long after its due time (the last one: a retry moves it) each send was delivered, by channel")
            .labelNames("channel")
            .register(r);
    GaugeWithCallback.builder()
        .name("tally_messaging_sends_waiting")
        .help(
            "The send queue's depth: sends queued or held (due or not), by state and reason (retry, no_smtp, quiet_hours, \"\")")
        .labelNames("state", "reason")
        .callback(
            cb -> {
              try {
                // Always a queued and a no_smtp sample, 0 when none, so alerts see the series.
                java.util.Map<java.util.List<String>, Long> by = new java.util.LinkedHashMap<>();
                by.put(java.util.List.of(Send.QUEUED, ""), 0L);
                by.put(java.util.List.of(Send.HELD, "no_smtp"), 0L);
                for (Send.Waiting w : store.waitingSends()) {
                  by.merge(
                      java.util.List.of(w.state(), reasonLabel(w.state(), w.reason())),
                      w.count(),
                      Long::sum);
                }
                by.forEach((k, n) -> cb.call(n, k.get(0), k.get(1)));
              } catch (RuntimeException e) {
                // the store is unreachable: no sample
              }
            })
        .register(r);
    GaugeWithCallback.builder()
        .name("tally_messaging_paused")
        .help(
            "The kill switch: 1 while messaging is paused for every workspace (nothing is delivered), else 0")
        .callback(
            cb -> {
              try {
                cb.call(store.messagingPauses().containsKey(0L) ? 1 : 0);
              } catch (RuntimeException e) {
                // the store is unreachable: no sample
              }
            })
        .register(r);
    GaugeWithCallback.builder()
        .name("tally_messaging_paused_workspaces")
        .help("How many workspaces' messaging is paused on its own (their sends wait)")
        .callback(
            cb -> {
              try {
                java.util.Set<Long> paused = store.messagingPauses().keySet();
                cb.call(paused.size() - (paused.contains(0L) ? 1 : 0));
              } catch (RuntimeException e) {
                // the store is unreachable: no sample
              }
            })
        .register(r);
    GaugeWithCallback.builder()
        .name("tally_messaging_sends_due")
        .help(
            "Sends due now and not yet delivered or decided (queued or held), paused ones included")
        .callback(
            cb -> {
              try {
                cb.call(store.sendBacklog(clock.millis()).due());
              } catch (RuntimeException e) {
                // the store is unreachable: no sample
              }
            })
        .register(r);
    GaugeWithCallback.builder()
        .name("tally_messaging_oldest_due_age_seconds")
        .help("How long the oldest due send has waited past its due time (0: none is due)")
        .callback(
            cb -> {
              try {
                long now = clock.millis();
                long oldest = store.sendBacklog(now).oldestDueAt();
                cb.call(oldest == 0 ? 0 : Math.max(0, now - oldest) / 1000.0);
              } catch (RuntimeException e) {
                // the store is unreachable: no sample
              }
            })
        .register(r);
  }

  void recorded(Send.Outcome o) {
    recorded.labelValues(o.state(), reasonLabel(o.state(), o.reason())).inc();
  }

  /** A send went out {@code millis} after it was due. */
  void sentAfterDue(String channel, long millis) {
    sentAfterDue.labelValues(channel).observe(Math.max(0, millis) / 1000.0);
  }

  void finalCheck(long nanos) {
    finalCheck.observe(nanos / 1e9);
  }

  void left() {
    left.inc();
  }

  void delivered(String channel, Delivery d, long nanos) {
    String result =
        switch (d) {
          case Delivery.Delivered x -> "delivered";
          case Delivery.Retry x -> "retry";
          case Delivery.Failed x -> "failed";
          case Delivery.Busy x -> "busy";
        };
    latency.labelValues(channel, result).observe(nanos / 1e9);
  }

  private static String reasonLabel(String state, String reason) {
    return switch (state) {
      case Send.SKIPPED -> reason;
      case Send.HELD -> QUIET_HOURS.equals(reason) || PAUSED.equals(reason) ? reason : "no_smtp";
      case Send.QUEUED ->
          reason == null ? "" : reason.startsWith("destination busy") ? "busy" : "retry";
      default -> "";
    };
  }
}
