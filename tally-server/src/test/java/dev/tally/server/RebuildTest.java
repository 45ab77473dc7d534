package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testkit.Await;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * Rebuilding the index beside the serving one, online and offline; and an index lost while Tally
 * was down.
 */
class RebuildTest extends ApiTestBase {
  static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  private long seed(int n) {
    long p = 0;
    for (int i = 0; i < n; i++) {
      p = post("/contacts", "{\"email\":\"r" + i + "@example.com\"}").position();
    }
    return p;
  }

  private TallyHttp.Res searchAll(long minPosition) {
    return http.call(
        "POST",
        "/contacts/search",
        token,
        ALL,
        Map.of("Tally-Min-Position", Long.toString(minPosition)));
  }

  @Test
  void anOnlineRebuildSwitchesGenerationsWhileSearchesAndWritesGoOn() throws Exception {
    long p = seed(300);
    assertEquals(300, searchAll(p).json().get("total_count").asInt());
    AtomicBoolean stop = new AtomicBoolean();
    List<String> failures = new ArrayList<>();
    Thread searcher =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (!stop.get()) {
                    TallyHttp.Res r = http.call("POST", "/contacts/search", token, ALL);
                    if (r.status() != 200 || r.json().get("total_count").asInt() < 300) {
                      failures.add(r.toString());
                    }
                  }
                });
    TallyHttp.Res started = http.call("POST", "/admin/index/rebuild", ADMIN, "{}");
    assertEquals(202, started.status(), started.toString());
    long during = 0;
    for (int i = 0; i < 20; i++) {
      during = post("/contacts", "{\"email\":\"during" + i + "@example.com\"}").position();
    }
    TallyHttp.Res status;
    try {
      status =
          Await.until(
              "the online rebuild",
              Duration.ofSeconds(60),
              () -> http.call("GET", "/admin/index/rebuild", ADMIN, null),
              s -> !s.json().get("state").asText().equals("running"));
    } finally {
      stop.set(true);
      searcher.join();
    }
    assertEquals("done", status.json().get("state").asText(), status.toString());
    assertEquals("gen-2", status.json().get("generation").asText());
    assertEquals("gen-2", Files.readString(data.resolve("index/CURRENT")).trim());
    assertTrue(failures.isEmpty(), "searches during the rebuild: " + failures);
    assertEquals(320, searchAll(during).json().get("total_count").asInt());
    long after = post("/contacts", "{\"email\":\"after@example.com\"}").position();
    assertEquals(
        321,
        searchAll(after).json().get("total_count").asInt(),
        "the projector feeds the new generation");
  }

  @Test
  void anOfflineRebuildAndALostIndexBothComeBackWhole() throws Exception {
    long p = seed(50);
    server.close();
    CliTest.Run run = CliTest.tally("rebuild", "--data", data.toString());
    assertEquals(0, run.code(), run.err());
    assertEquals("gen-2", Files.readString(data.resolve("index/CURRENT")).trim());
    server = startTally(data, Map.of()).server();
    http = new TallyHttp(server.port());
    assertEquals(50, searchAll(p).json().get("total_count").asInt());

    // The index directory lost while Tally is down: it is healed by a rebuild; until then, 503.
    server.close();
    try (var walk = Files.walk(data.resolve("index"))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    server = startTally(data, Map.of()).server();
    http = new TallyHttp(server.port());
    TallyHttp.Res r =
        Await.until(
            "search answers again after the rebuild",
            Duration.ofSeconds(30),
            () -> searchAll(p),
            res -> {
              if (res.status() == 503) {
                assertTrue(
                    res.raw().headers().firstValue("Retry-After").isPresent(),
                    "a 503 says when to retry");
              }
              return res.status() != 503;
            });
    assertEquals(200, r.status(), r.toString());
    assertEquals(50, r.json().get("total_count").asInt());
  }

  /**
   * T3's promise at start-up: an index lost while Tally was down never answers with part of the
   * data.
   */
  @Test
  void aLostIndexAnswersServiceUnavailableUntilWholeNeverPartial() throws Exception {
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 5000; i++) {
      bulk.append("{\"external_id\":\"l")
          .append(i)
          .append("\",\"email\":\"l")
          .append(i)
          .append("@example.com\"}\n");
    }
    long p = post("/contacts/bulk", bulk.toString()).position();
    assertEquals(5000, searchAll(p).json().get("total_count").asInt());
    server.close();
    try (var walk = Files.walk(data.resolve("index"))) {
      walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
    server = startTally(data, Map.of()).server();
    http = new TallyHttp(server.port());
    int unavailable = 0;
    while (true) {
      TallyHttp.Res r = http.call("POST", "/contacts/search", token, ALL);
      if (r.status() == 503) {
        assertEquals("index_not_ready", r.code(), r.toString());
        unavailable++;
        continue;
      }
      assertEquals(200, r.status(), r.toString());
      assertEquals(
          5000, r.json().get("total_count").asInt(), "a search answered from a partial index");
      break;
    }
    System.out.println(
        "RebuildTest: " + unavailable + " searches answered 503 while the lost index was replayed");
  }

  @Test
  void statusSaysWhetherTallyIsReady() {
    long p = seed(3);
    searchAll(p);
    CliTest.Run status = CliTest.tally("status", "--url", "http://127.0.0.1:" + server.port());
    assertEquals(0, status.code(), status.out() + status.err());
    assertTrue(
        status.out().contains("READY")
            && status.out().contains("3 contacts in the index, 3 in the store"),
        status.out());
    assertEquals(3, CliTest.tally("status", "--url", "http://127.0.0.1:1").code());
  }
}
