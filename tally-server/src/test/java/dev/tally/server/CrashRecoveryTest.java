package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * T1 (store half): Tally is killed with kill -9 while clients write; after a restart every
 * acknowledged write is present ("acknowledged ⊆ present"), and writes whose outcome the client
 * could not know are either fully there or fully absent.
 *
 * <p>Reproduce one run with {@code -Dtally.crash.seeds=SEED}.
 */
class CrashRecoveryTest {
  private static final int CLIENTS = 6;

  @TempDir Path dir;

  static Stream<Long> seeds() {
    String given = System.getProperty("tally.crash.seeds");
    if (given != null && !given.isBlank()) {
      return Stream.of(given.split(",")).map(String::trim).map(Long::parseLong);
    }
    return LongStream.of(1, 2, new Random().nextLong()).boxed();
  }

  /**
   * What one client learned about one contact: the last update it saw acknowledged, and the last it
   * tried.
   */
  static final class Known {
    final String externalId;
    volatile int lastAckedName = -1;
    volatile int lastTriedName = -1;
    volatile int ackedEvents;
    volatile int triedEvents;

    Known(String externalId) {
      this.externalId = externalId;
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void everyAcknowledgedWriteSurvivesKillNine(long seed) throws Exception {
    System.out.println("CrashRecoveryTest: reproduce with -Dtally.crash.seeds=" + seed);
    Random random = new Random(seed);
    Path data = dir.resolve("data");
    Path log = dir.resolve("tally.log");
    TallyProcess first = TallyProcess.start(data, log);
    String token = first.token;
    TallyHttp http = new TallyHttp(first.port);
    Map<String, Known> acked = new ConcurrentHashMap<>();
    Map<String, String> unknownCreates = new ConcurrentHashMap<>();
    AtomicLong maxAckedPosition = new AtomicLong();
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService pool = Executors.newFixedThreadPool(CLIENTS);
    for (int c = 0; c < CLIENTS; c++) {
      int client = c;
      long clientSeed = random.nextLong();
      pool.submit(
          () ->
              load(
                  http,
                  token,
                  seed,
                  client,
                  new Random(clientSeed),
                  stop,
                  acked,
                  unknownCreates,
                  maxAckedPosition));
    }
    long delay = 300 + random.nextInt(1200);
    TimeUnit.MILLISECONDS.sleep(delay);
    first.kill();
    stop.set(true);
    pool.shutdown();
    assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS));
    assertTrue(
        acked.size() > 0,
        "the load acknowledged nothing before the kill after " + delay + " ms; see " + log);
    System.out.println(
        "CrashRecoveryTest: killed after "
            + delay
            + " ms with "
            + acked.size()
            + " acknowledged contacts, "
            + unknownCreates.size()
            + " creates in flight");

    try (TallyProcess second = TallyProcess.start(data, log)) {
      TallyHttp after = new TallyHttp(second.port);
      long head =
          Long.parseLong(
              after
                  .call("GET", "/admin/oplog?limit=1", ApiTestBase.ADMIN, null)
                  .json()
                  .get("head")
                  .asText());
      assertTrue(
          head >= maxAckedPosition.get(),
          "oplog head " + head + " is behind an acknowledged position " + maxAckedPosition);
      for (Map.Entry<String, Known> e : acked.entrySet()) {
        Known k = e.getValue();
        TallyHttp.Res r = after.call("GET", "/contacts/" + e.getKey(), token, null);
        assertEquals(
            200,
            r.status(),
            "acknowledged contact " + e.getKey() + " is missing (seed " + seed + ")");
        assertEquals(k.externalId, r.json().get("external_id").asText());
        int name =
            r.json().get("name").isNull()
                ? -1
                : Integer.parseInt(r.json().get("name").asText().substring(1));
        assertTrue(
            name >= k.lastAckedName && name <= k.lastTriedName,
            "contact "
                + e.getKey()
                + " has name v"
                + name
                + "; acknowledged v"
                + k.lastAckedName
                + ", tried up to v"
                + k.lastTriedName);
        int events =
            after
                .call(
                    "GET",
                    "/events?type=user&user_id=" + k.externalId + "&per_page=150",
                    token,
                    null)
                .json()
                .get("events")
                .size();
        assertTrue(
            events >= k.ackedEvents && events <= k.triedEvents,
            "contact "
                + e.getKey()
                + " has "
                + events
                + " events; acknowledged "
                + k.ackedEvents
                + ", tried "
                + k.triedEvents);
      }
      // A create whose answer was lost is all there or not at all: found by its identity, it is
      // whole.
      for (String externalId : unknownCreates.keySet()) {
        TallyHttp.Res r =
            after.call("POST", "/contacts", token, "{\"external_id\":\"" + externalId + "\"}");
        if (r.status() == 409) {
          String id = r.message().replaceAll(".*id=(\\d+).*", "$1");
          assertEquals(
              externalId,
              after.call("GET", "/contacts/" + id, token, null).json().get("external_id").asText());
        } else {
          assertEquals(200, r.status(), r.toString());
        }
      }
      JsonNode list = after.call("GET", "/contacts?per_page=1", token, null).json();
      assertTrue(
          list.get("total_count").asLong() >= acked.size(),
          "the contact count is behind the acknowledged contacts");
      // The index half: projection resumes and every acknowledged contact becomes searchable.
      java.util.Set<String> found = new java.util.HashSet<>();
      String cursor = null;
      do {
        String pagination =
            cursor == null
                ? "{\"per_page\":150}"
                : "{\"per_page\":150,\"starting_after\":\"" + cursor + "\"}";
        TallyHttp.Res r =
            after.call(
                "POST",
                "/contacts/search",
                token,
                "{\"query\":{\"field\":\"external_id\",\"operator\":\"^\","
                    + "\"value\":\"s"
                    + seed
                    + "-\"},\"pagination\":"
                    + pagination
                    + "}",
                Map.of("Tally-Min-Position", Long.toString(head)));
        assertEquals(200, r.status(), r.toString());
        r.json().get("data").forEach(c -> found.add(c.get("id").asText()));
        JsonNode next = r.json().path("pages").path("next");
        cursor = next.isMissingNode() ? null : next.get("starting_after").asText();
      } while (cursor != null);
      assertTrue(
          found.containsAll(acked.keySet()),
          "acknowledged contacts missing from search after restart (seed " + seed + ")");
    }
  }

  /**
   * SIGTERM (not kill -9): Tally drains, closes the store and exits; nothing acknowledged is lost.
   */
  @org.junit.jupiter.api.Test
  void sigtermStopsCleanly() throws Exception {
    Path data = dir.resolve("data");
    Path log = dir.resolve("tally.log");
    TallyProcess p = TallyProcess.start(data, log);
    TallyHttp http = new TallyHttp(p.port);
    String id =
        http.call("POST", "/contacts", p.token, "{\"email\":\"term@example.com\"}")
            .json()
            .get("id")
            .asText();
    p.process.destroy();
    assertTrue(p.process.waitFor(60, TimeUnit.SECONDS), "Tally did not stop on SIGTERM");
    assertTrue(
        java.nio.file.Files.readString(log).contains("Tally stopped"), "no clean stop in the log");
    try (TallyProcess again = TallyProcess.start(data, log)) {
      assertEquals(
          200, new TallyHttp(again.port).call("GET", "/contacts/" + id, p.token, null).status());
    }
  }

  private static void load(
      TallyHttp http,
      String token,
      long seed,
      int client,
      Random random,
      AtomicBoolean stop,
      Map<String, Known> acked,
      Map<String, String> unknownCreates,
      AtomicLong maxAckedPosition) {
    List<String> mine = new ArrayList<>();
    int n = 0;
    while (!stop.get()) {
      String externalId = "s" + seed + "-c" + client + "-" + n++;
      int op = mine.isEmpty() ? 0 : random.nextInt(3);
      try {
        if (op == 0) {
          TallyHttp.Res r =
              http.call(
                  "POST",
                  "/contacts",
                  token,
                  "{\"external_id\":\""
                      + externalId
                      + "\",\"email\":\""
                      + externalId
                      + "@example.com\",\"custom_attributes\":{\"n\":"
                      + n
                      + "}}");
          if (r.status() == 200) {
            String id = r.json().get("id").asText();
            acked.put(id, new Known(externalId));
            mine.add(id);
            maxAckedPosition.accumulateAndGet(r.position(), Math::max);
          }
        } else {
          String id = mine.get(random.nextInt(mine.size()));
          Known k = acked.get(id);
          if (op == 1) {
            int name = k.lastTriedName + 1;
            k.lastTriedName = name;
            TallyHttp.Res r =
                http.call("PUT", "/contacts/" + id, token, "{\"name\":\"v" + name + "\"}");
            if (r.status() == 200) {
              k.lastAckedName = name;
              maxAckedPosition.accumulateAndGet(r.position(), Math::max);
            }
          } else {
            k.triedEvents++;
            TallyHttp.Res r =
                http.call(
                    "POST",
                    "/events",
                    token,
                    "{\"event_name\":\"tick\",\"created_at\":"
                        + k.triedEvents
                        + ",\"user_id\":\""
                        + k.externalId
                        + "\"}");
            if (r.status() == 202) {
              k.ackedEvents++;
              maxAckedPosition.accumulateAndGet(r.position(), Math::max);
            }
          }
        }
      } catch (RuntimeException e) {
        // The outcome is unknown: the process died with the request in flight.
        if (op == 0) {
          unknownCreates.put(externalId, externalId);
        }
        return;
      }
    }
  }
}
