package dev.tally.server.http;

import dev.tally.core.store.Store;
import dev.tally.server.search.BackgroundVerifier;
import dev.tally.server.search.IndexManager;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * Prometheus metrics: requests and latencies by route and status, the oplog head, the index's
 * position and what verification found.
 */
final class HttpMetrics {
  private final PrometheusRegistry registry = new PrometheusRegistry();
  private final Counter requests;
  private final Histogram latency;

  HttpMetrics(Store store, IndexManager indexes) {
    requests =
        Counter.builder()
            .name("tally_http_requests_total")
            .help("HTTP requests by method, route and status")
            .labelNames("method", "route", "status")
            .register(registry);
    latency =
        Histogram.builder()
            .name("tally_http_request_duration_seconds")
            .help("HTTP request latency by method, route and status")
            .labelNames("method", "route", "status")
            .register(registry);
    GaugeWithCallback.builder()
        .name("tally_oplog_head")
        .help("Position of the newest committed oplog entry")
        .callback(
            cb -> {
              try {
                cb.call(store.head());
              } catch (dev.tally.core.TallyException e) {
                // the store is unreachable: no sample, and the other metrics (the pool's among
                // them) still answer
              }
            })
        .register(registry);
    GaugeWithCallback.builder()
        .name("tally_index_visible_position")
        .help("Oplog position up to which searches see every change")
        .callback(cb -> cb.call(indexes.serving().visiblePosition()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tally_verify_runs_total")
        .help("Background verifications of the index against the store")
        .callback(cb -> cb.call(verifier(indexes) == null ? 0 : verifier(indexes).runs()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tally_verify_differences_total")
        .help(
            "Contacts the background verifier found differing between store and index (repaired or not)")
        .callback(
            cb -> cb.call(verifier(indexes) == null ? 0 : verifier(indexes).differencesFound()))
        .register(registry);
    CounterWithCallback.builder()
        .name("tally_verify_repaired_total")
        .help("Contacts the background verifier re-applied to the index")
        .callback(cb -> cb.call(verifier(indexes) == null ? 0 : verifier(indexes).repaired()))
        .register(registry);
    GaugeWithCallback.builder()
        .name("tally_verify_last_differences")
        .help(
            "Differences left after the last background verification (and repair); 0 when store and index agree")
        .callback(
            cb -> {
              var v = verifier(indexes);
              var r = v == null ? null : v.last();
              cb.call(r == null ? 0 : r.differences().size());
            })
        .register(registry);
  }

  private static BackgroundVerifier verifier(IndexManager indexes) {
    return indexes.verifier();
  }

  PrometheusRegistry registry() {
    return registry;
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
