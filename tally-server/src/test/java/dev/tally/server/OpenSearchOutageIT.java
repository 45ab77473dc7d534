package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import dev.tally.testkit.TcpProxy;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T4: Tally on --index opensearch reaches OpenSearch through a TCP proxy. The proxy is cut for
 * several seconds under writes: writes go on at the same latency (they never touch the index),
 * searches answer 503 with the reason, readiness says why; when the proxy is back the index catches
 * up and converges. Then the serving OpenSearch index is deleted behind the alias: readiness turns
 * false and says so, Tally rebuilds into a new generation without a restart, and converges again.
 */
class OpenSearchOutageIT {
  /**
   * Writes during the outage may be slower than before by this much at p99, and never above the
   * bound.
   */
  static final long WRITE_P99_BOUND_MS = 1_000;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @TempDir Path data;

  enum Phase {
    BEFORE,
    OUTAGE,
    AFTER
  }

  @Test
  void writesGoOnWhileOpenSearchIsAwayAndTheIndexHealsWhenItIsDeleted() throws Exception {
    URI os = URI.create(TestEngines.openSearchUrl());
    try (TestEngines engines = new TestEngines();
        TcpProxy proxy = new TcpProxy(os.getHost(), os.getPort())) {
      proxy.start();
      Map<Setting, String> settings =
          new HashMap<>(engines.settings(TestEngines.Combo.SQLITE_OPENSEARCH));
      settings.put(Settings.INDEX_URL, "http://127.0.0.1:" + proxy.port());
      var started = ApiTestBase.startTally(data, settings);
      TallyServer server = started.server();
      TallyHttp http = new TallyHttp(server.port());
      String token = started.token();
      AtomicReference<Phase> phase = new AtomicReference<>(Phase.BEFORE);
      Map<Phase, List<Long>> latencies = new HashMap<>();
      for (Phase p : Phase.values()) {
        latencies.put(p, Collections.synchronizedList(new ArrayList<>()));
      }
      ConcurrentLinkedQueue<String> acked = new ConcurrentLinkedQueue<>();
      ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
      AtomicLong position = new AtomicLong();
      AtomicBoolean running = new AtomicBoolean(true);
      Thread writer =
          Thread.ofPlatform()
              .name("t4-writer")
              .start(
                  () -> {
                    for (int i = 0; running.get(); i++) {
                      Phase p = phase.get();
                      long t = System.nanoTime();
                      TallyHttp.Res r =
                          http.call(
                              "POST", "/contacts", token, "{\"email\":\"o" + i + "@example.com\"}");
                      long ms = (System.nanoTime() - t) / 1_000_000;
                      if (r.status() == 200) {
                        latencies.get(p).add(ms);
                        acked.add(r.json().get("id").asText());
                        position.accumulateAndGet(r.position(), Math::max);
                      } else {
                        wrong.add(p + ": a write answered " + r);
                      }
                      sleep(10);
                    }
                  });
      try {
        awaitReady(http, true, 30);
        sleep(3000);

        // OpenSearch goes away.
        phase.set(Phase.OUTAGE);
        proxy.stop();
        long cut = System.nanoTime();
        sleep(1500);
        TallyHttp.Res search = http.call("POST", "/contacts/search", token, ALL);
        assertEquals(503, search.status(), "a search while OpenSearch is away: " + search);
        assertTrue(search.code().startsWith("index_"), search.toString());
        assertTrue(
            search.message().contains("OpenSearch") || search.message().contains("index"),
            search.toString());
        assertTrue(search.header("Retry-After") != null, search.toString());
        String notReady = awaitReady(http, false, 15);
        assertTrue(notReady.contains("OpenSearch"), "readiness names OpenSearch: " + notReady);
        long left = 8_000 - (System.nanoTime() - cut) / 1_000_000;
        sleep(Math.max(0, left));
        long backlog = server.store().head() - server.searchablePosition();

        // It comes back: the index catches up and converges.
        proxy.start();
        phase.set(Phase.AFTER);
        awaitReady(http, true, 60);
        sleep(1000);
        running.set(false);
        writer.join();
        assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));
        assertConverged(http, token, acked, server.store().head());

        long p99Before = p99(latencies.get(Phase.BEFORE));
        long p99Outage = p99(latencies.get(Phase.OUTAGE));
        System.out.printf(
            "T4 outage: %d writes before (p99 %d ms), %d during the outage (p99 %d ms, max %d ms), backlog %d positions%n",
            latencies.get(Phase.BEFORE).size(),
            p99Before,
            latencies.get(Phase.OUTAGE).size(),
            p99Outage,
            latencies.get(Phase.OUTAGE).stream().mapToLong(Long::longValue).max().orElse(-1),
            backlog);
        assertTrue(latencies.get(Phase.OUTAGE).size() > 50, "writes went on during the outage");
        assertTrue(backlog > 0, "the backlog stayed in the store");
        assertTrue(
            p99Outage < WRITE_P99_BOUND_MS,
            "write p99 during the outage " + p99Outage + " ms, before " + p99Before + " ms");

        // The serving index is deleted behind the alias.
        String[] serving = servingGeneration(engines.alias);
        String generation = serving[0];
        assertEquals(200, TestEngines.openSearch("DELETE", "/" + generation));
        long deleted = System.nanoTime();
        String reason = awaitReady(http, false, 15);
        assertTrue(
            reason.contains(generation) || reason.contains("OpenSearch index"),
            "readiness says the index is gone: " + reason);
        TallyHttp.Res write =
            http.call("POST", "/contacts", token, "{\"email\":\"after-delete@example.com\"}");
        assertEquals(200, write.status(), "writes go on while the index is gone: " + write);
        acked.add(write.json().get("id").asText());
        awaitReady(http, true, 60);
        long healedMillis = (System.nanoTime() - deleted) / 1_000_000;
        String[] healed = servingGeneration(engines.alias);
        assertTrue(
            !healed[1].equals(serving[1]), "a new index serves: " + String.join(" ", healed));
        assertConverged(http, token, acked, server.store().head());
        System.out.printf(
            "T4 deleted index %s: healed into %s, ready again after %d ms%n",
            generation, String.join(" ", healed), healedMillis);
      } finally {
        running.set(false);
        writer.join();
        server.close();
      }
    }
  }

  private static void assertConverged(
      TallyHttp http, String token, ConcurrentLinkedQueue<String> acked, long head)
      throws InterruptedException {
    TallyHttp.Res all =
        ProductionEnginesTest.search(
            http, token, ALL.replace("}}", "},\"pagination\":{\"per_page\":1}}"), head);
    assertEquals(200, all.status(), all.toString());
    assertEquals(
        acked.size(),
        all.json().get("total_count").asLong(),
        "every acknowledged contact is searchable");
    TallyHttp.Res verified = http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}");
    assertTrue(verified.json().path("agree").asBoolean(), verified.toString());
  }

  static long p99(List<Long> millis) {
    List<Long> sorted = new ArrayList<>(millis);
    Collections.sort(sorted);
    return sorted.isEmpty()
        ? -1
        : sorted.get(Math.min(sorted.size() - 1, (int) Math.ceil(sorted.size() * 0.99) - 1));
  }

  /**
   * The index behind the alias, asked of OpenSearch directly: its name and its uuid (a rebuilt
   * generation may reuse a name).
   */
  static String[] servingGeneration(String alias) throws Exception {
    try (HttpClient client = HttpClient.newHttpClient()) {
      HttpResponse<String> r =
          client.send(
              HttpRequest.newBuilder(
                      URI.create(
                          TestEngines.openSearchUrl() + "/" + alias + "/_settings/index.uuid"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertEquals(200, r.statusCode(), r.body());
      JsonNode names = TallyHttp.JSON.readTree(r.body());
      assertEquals(1, names.size(), r.body());
      String name = names.fieldNames().next();
      return new String[] {
        name, names.get(name).path("settings").path("index").path("uuid").asText()
      };
    }
  }

  /** Waits until readiness is {@code ready}; returns its body. */
  static String awaitReady(TallyHttp http, boolean ready, int seconds) {
    return Await.until(
            "readiness " + ready,
            Duration.ofSeconds(seconds),
            () -> http.call("GET", "/health/ready", null, null),
            r -> (r.status() == 200) == ready)
        .raw()
        .body();
  }

  static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
