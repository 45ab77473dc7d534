package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T1 with the index: Tally is killed with kill -9 during an online rebuild (while it loads the new
 * generation, and just after it switched to it) while clients write. After a restart every
 * acknowledged write is present and searchable, the verifier agrees, the generation the rebuild
 * left behind is gone, and a new rebuild works.
 */
class RebuildCrashTest {
  private static final int SEEDED = 30_000;

  @TempDir Path dir;

  @ParameterizedTest(name = "killed {0}")
  @ValueSource(strings = {"while loading", "after the switch"})
  void killNineDuringAnOnlineRebuildLosesNothing(String when) throws Exception {
    Path data = dir.resolve("data");
    Path log = dir.resolve("tally.log");
    TallyProcess first = TallyProcess.start(data, log);
    String token = first.token;
    TallyHttp http = new TallyHttp(first.port);
    for (int from = 0; from < SEEDED; from += 10_000) {
      StringBuilder bulk = new StringBuilder();
      for (int i = from; i < from + 10_000; i++) {
        bulk.append("{\"external_id\":\"seed-")
            .append(i)
            .append("\",\"email\":\"seed")
            .append(i)
            .append("@example.com\"}\n");
      }
      TallyHttp.Res r = http.call("POST", "/contacts/bulk", token, bulk.toString());
      assertEquals(200, r.status(), r.toString());
    }
    Map<String, String> acked = new ConcurrentHashMap<>(); // id -> external_id
    Map<String, Integer> ackedName = new ConcurrentHashMap<>();
    AtomicLong maxAcked = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 3; w++) {
      int client = w;
      writers.add(
          Thread.ofPlatform()
              .start(
                  () -> {
                    List<String> mine = new ArrayList<>();
                    for (int i = 0; !stop.get(); i++) {
                      try {
                        if (mine.isEmpty() || i % 3 != 0) {
                          String ext = "w" + client + "-" + i;
                          TallyHttp.Res r =
                              http.call(
                                  "POST",
                                  "/contacts",
                                  token,
                                  "{\"external_id\":\""
                                      + ext
                                      + "\",\"email\":\""
                                      + ext
                                      + "@example.com\"}");
                          if (r.status() == 200) {
                            acked.put(r.json().get("id").asText(), ext);
                            mine.add(r.json().get("id").asText());
                            maxAcked.accumulateAndGet(r.position(), Math::max);
                          }
                        } else {
                          String id = mine.get(i % mine.size());
                          TallyHttp.Res r =
                              http.call(
                                  "PUT", "/contacts/" + id, token, "{\"name\":\"v" + i + "\"}");
                          if (r.status() == 200) {
                            ackedName.merge(id, i, Math::max);
                            maxAcked.accumulateAndGet(r.position(), Math::max);
                          }
                        }
                      } catch (RuntimeException killed) {
                        return; // the process died with this request in flight: its outcome is
                        // unknown
                      }
                    }
                  }));
    }
    long before = maxAcked.get();
    Await.until(
        "the writers are writing",
        Duration.ofSeconds(30),
        maxAcked::get,
        position -> position > before);
    TallyHttp.Res started = http.call("POST", "/admin/index/rebuild", ApiTestBase.ADMIN, "{}");
    assertEquals(202, started.status(), started.toString());
    String building = started.json().get("generation").asText();
    // Looked at every 2 ms: the load is a brief moment to catch.
    JsonNode status =
        Await.until(
            "the rebuild " + when,
            Duration.ofSeconds(120),
            Duration.ofMillis(2),
            () -> http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
            s -> {
              String state = s.get("state").asText();
              assertTrue(!state.equals("failed"), s.toString());
              return when.equals("while loading")
                  ? state.equals("running") && s.get("documents").asLong() > 0
                  : state.equals("done");
            });
    if (when.equals("while loading")) {
      assertTrue(
          status.get("documents").asLong() < SEEDED,
          "the load was over before the kill: " + status);
    }
    first.kill();
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    assertTrue(acked.size() > 0, "nothing acknowledged before the kill");
    String currentBefore =
        Files.exists(data.resolve("index/CURRENT"))
            ? Files.readString(data.resolve("index/CURRENT")).trim()
            : "gen-1";
    System.out.println(
        "RebuildCrashTest ("
            + when
            + "): killed at "
            + status
            + ", "
            + acked.size()
            + " acknowledged creates; CURRENT "
            + currentBefore
            + ", generations on disk "
            + generations(data));
    assertEquals(
        when.equals("after the switch") ? building : "gen-1",
        currentBefore,
        "CURRENT names the generation that served");

    try (TallyProcess second = TallyProcess.start(data, log)) {
      TallyHttp after = new TallyHttp(second.port);
      assertEquals(
          List.of(currentBefore),
          generations(data),
          "only the serving generation is left after the restart");
      long head =
          Long.parseLong(
              after
                  .call("GET", "/admin/oplog?limit=1", ApiTestBase.ADMIN, null)
                  .json()
                  .get("head")
                  .asText());
      assertTrue(
          head >= maxAcked.get(),
          "oplog head " + head + " is behind an acknowledged position " + maxAcked);
      for (Map.Entry<String, Integer> e : ackedName.entrySet()) {
        TallyHttp.Res r = after.call("GET", "/contacts/" + e.getKey(), token, null);
        assertEquals(200, r.status(), r.toString());
        int name = Integer.parseInt(r.json().get("name").asText().substring(1));
        assertTrue(
            name >= e.getValue(),
            "contact "
                + e.getKey()
                + " lost an acknowledged update: v"
                + name
                + " < v"
                + e.getValue());
      }
      Set<String> found = searchAll(after, token, "w", head);
      Set<String> missing = new HashSet<>(acked.keySet());
      missing.removeAll(found);
      assertTrue(
          missing.isEmpty(),
          missing.size()
              + " acknowledged contacts are not searchable after the restart: "
              + missing);
      assertEquals(SEEDED, searchAll(after, token, "seed-", head).size());
      JsonNode verify = after.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}").json();
      assertTrue(verify.get("agree").asBoolean(), verify.toString());

      // A rebuild after the crash works (the leftover, if any, is not in its way) and agrees too.
      assertEquals(
          202, after.call("POST", "/admin/index/rebuild", ApiTestBase.ADMIN, "{}").status());
      status =
          Await.until(
              "the rebuild after the crash",
              Duration.ofSeconds(120),
              () -> after.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
              s -> !s.get("state").asText().equals("running"));
      assertEquals("done", status.get("state").asText(), status.toString());
      verify = after.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}").json();
      assertTrue(verify.get("agree").asBoolean(), verify.toString());
      assertTrue(searchAll(after, token, "w", head).containsAll(acked.keySet()));
    }
  }

  static List<String> generations(Path data) throws Exception {
    try (Stream<Path> s = Files.list(data.resolve("index"))) {
      return s.map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("gen-"))
          .sorted()
          .toList();
    }
  }

  static Set<String> searchAll(TallyHttp http, String token, String prefix, long minPosition) {
    Set<String> found = new HashSet<>();
    String cursor = null;
    do {
      String pagination =
          cursor == null
              ? "{\"per_page\":150}"
              : "{\"per_page\":150,\"starting_after\":\"" + cursor + "\"}";
      TallyHttp.Res r =
          http.call(
              "POST",
              "/contacts/search",
              token,
              "{\"query\":{\"field\":\"external_id\",\"operator\":\"^\",\"value\":\""
                  + prefix
                  + "\"},\"pagination\":"
                  + pagination
                  + "}",
              Map.of("Tally-Min-Position", Long.toString(minPosition)));
      assertEquals(200, r.status(), r.toString());
      r.json().get("data").forEach(c -> found.add(c.get("id").asText()));
      JsonNode next = r.json().path("pages").path("next");
      cursor = next.isMissingNode() || next.isNull() ? null : next.get("starting_after").asText();
    } while (cursor != null);
    return found;
  }
}
