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
 * no_smtp}); a receiver's free text stays in the send's record.
 */
final class SenderMetrics {
  static final String QUIET_HOURS = "quiet_hours";

  private final Counter recorded;
  private final Counter left;
  private final Histogram latency;
  private final Summary finalCheck;

  SenderMetrics(Store store, InstantSource clock, PrometheusRegistry registry) {
    PrometheusRegistry r = registry == null ? new PrometheusRegistry() : registry;
    recorded =
        Counter.builder()
            .name("tally_messaging_sends_recorded_total")
            .help(
                "Send outcomes this process recorded, by state (sent, skipped, queued for a retry, held, expired, failed) and reason (skips, quiet_hours, no_smtp)")
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
    recorded.labelValues(o.state(), reasonLabel(o)).inc();
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

  private static String reasonLabel(Send.Outcome o) {
    return switch (o.state()) {
      case Send.SKIPPED -> o.reason();
      case Send.HELD -> QUIET_HOURS.equals(o.reason()) ? QUIET_HOURS : "no_smtp";
      default -> "";
    };
  }
}
