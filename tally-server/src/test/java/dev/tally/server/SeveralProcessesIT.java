package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Several Tally processes on one PostgreSQL store and one OpenSearch index (two in-process
 * TallyServers, own ports and data directories, the same schema and alias): both take writes and
 * searches, a write through one is searchable through the other, exactly one of them projects at a
 * time, and when the leader stops the other takes over within seconds.
 */
class SeveralProcessesIT {
  @TempDir Path dataA;
  @TempDir Path dataB;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @Test
  void twoProcessesShareTheStoreAndTheIndexWithOneProjector() throws Exception {
    try (TestEngines engines = new TestEngines()) {
      var a =
          ApiTestBase.startTally(dataA, engines.settings(TestEngines.Combo.POSTGRES_OPENSEARCH));
      TallyServer serverA = a.server();
      TallyServer serverB = null;
      try {
        String token = a.token(); // the second process finds the workspace made by the first
        serverB =
            ApiTestBase.startTally(dataB, engines.settings(TestEngines.Combo.POSTGRES_OPENSEARCH))
                .server();
        TallyHttp httpA = new TallyHttp(serverA.port());
        TallyHttp httpB = new TallyHttp(serverB.port());
        awaitReady(httpA);
        awaitReady(httpB);

        // Exactly one projector, over several samples.
        for (int i = 0; i < 10; i++) {
          List<String> roles = List.of(role(httpA), role(httpB));
          assertTrue(
              roles.contains("leading") && roles.contains("standby"),
              "one leads, one stands by: " + roles);
          Thread.sleep(200);
        }
        boolean aLeads = role(httpA).equals("leading");
        assertEquals(
            aLeads ? 1 : 0, PostgresRestartIT.metric(httpA, "tally_projector_leading", null));
        assertEquals(
            aLeads ? 0 : 1, PostgresRestartIT.metric(httpB, "tally_projector_leading", null));

        // A write through either is searchable through the other.
        List<String> ids = new ArrayList<>();
        ids.add(writeThenFindThrough(httpA, httpB, token, "via-a@example.com"));
        ids.add(writeThenFindThrough(httpB, httpA, token, "via-b@example.com"));
        for (int i = 0; i < 6; i++) {
          ids.add(
              writeThenFindThrough(
                  i % 2 == 0 ? httpA : httpB,
                  i % 2 == 0 ? httpB : httpA,
                  token,
                  "m" + i + "@example.com"));
        }

        // The leader stops; the other takes over and its writes become searchable.
        TallyServer leader = aLeads ? serverA : serverB;
        TallyHttp survivor = aLeads ? httpB : httpA;
        long stopped = System.nanoTime();
        leader.close();
        if (aLeads) {
          serverA = null;
        } else {
          serverB = null;
        }
        Await.until(
            "the survivor taking over the projector",
            Await.left(stopped, Duration.ofSeconds(20)),
            () -> role(survivor),
            "leading"::equals);
        long tookOverMillis = (System.nanoTime() - stopped) / 1_000_000;
        assertTrue(
            tookOverMillis < TallyServer.PROJECTOR_LEASE_TTL.toMillis() + 3_000,
            "took over after " + tookOverMillis + " ms");
        ids.add(writeThenFindThrough(survivor, survivor, token, "after-takeover@example.com"));
        long head = (aLeads ? serverB : serverA).store().head();
        TallyHttp.Res all = ProductionEnginesTest.search(survivor, token, ALL, head);
        assertEquals(200, all.status(), all.toString());
        assertEquals(ids.size(), all.json().get("total_count").asInt());
        TallyHttp.Res verified =
            survivor.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}");
        assertTrue(verified.json().path("agree").asBoolean(), verified.toString());
        System.out.printf(
            "several processes: %d writes across two processes; the survivor took over the projector %d ms after "
                + "the leader stopped%n",
            ids.size(), tookOverMillis);
      } finally {
        if (serverB != null) {
          serverB.close();
        }
        if (serverA != null) {
          serverA.close();
        }
      }
    }
  }

  private static String writeThenFindThrough(
      TallyHttp writer, TallyHttp reader, String token, String email) throws Exception {
    TallyHttp.Res w = writer.call("POST", "/contacts", token, "{\"email\":\"" + email + "\"}");
    assertEquals(200, w.status(), w.toString());
    String id = w.json().get("id").asText();
    TallyHttp.Res r =
        reader.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"" + email + "\"}}",
            Map.of("Tally-Min-Position", Long.toString(w.position())));
    assertEquals(200, r.status(), "searching " + email + " through the other process: " + r);
    assertEquals(id, r.json().path("data").path(0).path("id").asText(), r.toString());
    return id;
  }

  private static String role(TallyHttp http) {
    return http.call("GET", "/health/ready", null, null).json().path("projector").asText();
  }

  private static void awaitReady(TallyHttp http) {
    Await.until(
        "readiness",
        Duration.ofSeconds(30),
        () -> http.call("GET", "/health/ready", null, null),
        r -> r.status() == 200);
  }
}
