package dev.tally.server.http;

import dev.tally.core.store.Store;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/** Prometheus metrics: requests and latencies by route and status, and the oplog head. */
final class HttpMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;

  HttpMetrics(Store store) {
    requests = Counter.builder().name("tally_http_requests_total").help("HTTP requests by method, route and status")
        .labelNames("method", "route", "status").register(registry);
    latency = Histogram.builder().name("tally_http_request_duration_seconds").help("HTTP request latency by method, route and status")
        .labelNames("method", "route", "status").register(registry);
    GaugeWithCallback.builder().name("tally_oplog_head").help("Position of the newest committed oplog entry")
        .callback(cb -> cb.call(store.head())).register(registry);
  }

  void observe(String method, String route, int status, double seconds) {
    String s = Integer.toString(status);
    requests.labelValues(method, route, s).inc();
    latency.labelValues(method, route, s).observe(seconds);
  }

  String scrape() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      new PrometheusTextFormatWriter(false).write(out, registry.scrape());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toString(java.nio.charset.StandardCharsets.UTF_8);
  }
}
