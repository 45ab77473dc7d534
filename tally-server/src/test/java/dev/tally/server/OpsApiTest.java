package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testkit.Await;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/** Health, readiness, metrics and the graceful drain. */
class OpsApiTest extends ApiTestBase {

  @Test
  void healthAndReadiness() {
    TallyHttp.Res live = http.call("GET", "/health/live", null, null);
    assertEquals(200, live.status());
    TallyHttp.Res ready = http.call("GET", "/health/ready", null, null);
    assertEquals(200, ready.status(), ready.toString());
    assertEquals("ready", ready.json().get("status").asText());
    assertEquals(0, ready.json().get("reasons").size());
  }

  @Test
  void metricsCountRequestsByRouteAndStatusAndShowTheOplogHead() {
    createContact("{\"email\":\"m@example.com\"}");
    get("/contacts/123");
    String metrics = http.call("GET", "/metrics", null, null).raw().body();
    assertTrue(
        metrics.contains(
            "tally_http_requests_total{method=\"POST\",route=\"/contacts\",status=\"200\"} 1.0"),
        metrics);
    assertTrue(
        metrics.contains(
            "tally_http_requests_total{method=\"GET\",route=\"/contacts/{id}\",status=\"404\"} 1.0"),
        metrics);
    assertTrue(metrics.contains("tally_http_request_duration_seconds_bucket"), metrics);
    assertTrue(
        metrics.contains("tally_store_write_batches_total")
            && metrics.contains("tally_store_writes_total")
            && metrics.contains("tally_store_write_batch_reruns_total"),
        metrics);
    // Each periodic task shows that it runs (and when it last failed), so a dead one would show.
    for (String task :
        new String[] {
          "index-readiness", "index-healer", "oplog-pruner", "index-verifier", "index-snapshots"
        }) {
      assertTrue(
          metrics.contains("tally_task_runs_total{task=\"" + task + "\"}"), task + ": " + metrics);
      assertTrue(
          metrics.contains("tally_task_last_failure_timestamp_seconds{task=\"" + task + "\"}"),
          task + ": " + metrics);
    }
    Await.until(
        "readiness has run (every 200 ms)",
        java.time.Duration.ofSeconds(10),
        () -> http.call("GET", "/metrics", null, null).raw().body(),
        m ->
            m.matches(
                "(?s).*tally_task_last_run_timestamp_seconds\\{task=\"index-readiness\"} [1-9].*"));
    assertTrue(
        metrics.contains("tally_oplog_head " + (double) server.store().head())
            || metrics.contains(
                "tally_oplog_head " + String.format("%.10E", (double) server.store().head())),
        metrics);
  }

  /** Shutdown while writes are in flight: every acknowledged write is in the store afterwards. */
  @Test
  void shutdownDrainsInFlightWrites() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<String>> results = new ArrayList<>();
    for (int i = 0; i < 400; i++) {
      int k = i;
      results.add(
          pool.submit(
              () -> {
                try {
                  TallyHttp.Res r = post("/contacts", "{\"email\":\"drain" + k + "@example.com\"}");
                  return r.status() == 200
                      ? r.json().get("id").asText()
                      : "status " + r.status() + " " + r.code();
                } catch (RuntimeException e) {
                  return "refused";
                }
              }));
    }
    while (server.store().contactCount(firstWorkspace()) < 20) {
      Thread.onSpinWait();
    }
    server.close();
    List<String> acked = new ArrayList<>();
    for (Future<String> f : results) {
      String r = f.get();
      if (r.startsWith("status")) {
        assertTrue(r.contains("503") && r.contains("shutting_down"), r);
      } else if (!r.equals("refused")) {
        acked.add(r);
      }
    }
    pool.shutdown();
    assertTrue(acked.size() >= 20, "acknowledged " + acked.size());
    server = startTally(data, java.util.Map.of()).server();
    http = new TallyHttp(server.port());
    for (String id : acked) {
      assertEquals(200, get("/contacts/" + id).status(), "acknowledged contact " + id);
    }
  }

  private long firstWorkspace() {
    return server.store().workspaces().get(0).id();
  }
}
