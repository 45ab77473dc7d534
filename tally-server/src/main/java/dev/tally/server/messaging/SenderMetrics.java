package dev.tally.server.messaging;

import dev.tally.core.model.Send;
import dev.tally.core.store.Store;
import dev.tally.messaging.Delivery;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.InstantSource;

/**
 * What the sender shows on /metrics: outcomes recorded by state and reason, sends left for their
 * lease after a failure, the backlog of due sends and the age of the oldest (one indexed store read
 * per scrape), and delivery latency by channel and result. Reasons are labels only where they are a
 * short fixed set (the skip reasons, {@code quiet_hours}, {@code paused}, {@code no_smtp}); a
 * receiver's free text stays in the send's record.
 */
final class SenderMetrics {
  static final String QUIET_HOURS = "quiet_hours";

  /** Held because its campaign or its workspace's messaging was paused after it was claimed. */
  static final String PAUSED = "paused";

  private final Counter recorded;
  private final Counter left;
  private final Histogram latency;

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
            .help("Delivery attempts by channel and result (delivered, retry, failed)")
            .labelNames("channel", "result")
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

  void left() {
    left.inc();
  }

  void delivered(String channel, Delivery d, long nanos) {
    String result =
        switch (d) {
          case Delivery.Delivered x -> "delivered";
          case Delivery.Retry x -> "retry";
          case Delivery.Failed x -> "failed";
        };
    latency.labelValues(channel, result).observe(nanos / 1e9);
  }

  private static String reasonLabel(Send.Outcome o) {
    return switch (o.state()) {
      case Send.SKIPPED -> o.reason();
      case Send.HELD ->
          QUIET_HOURS.equals(o.reason()) || PAUSED.equals(o.reason()) ? o.reason() : "no_smtp";
      default -> "";
    };
  }
}
