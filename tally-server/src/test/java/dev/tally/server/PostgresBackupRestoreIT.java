package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import dev.tally.testkit.PgTools;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The README's restore procedure for a PostgreSQL store, end to end: a logical backup with pg_dump
 * of Tally's schema, pg_restore into a fresh database, and Tally started on it with an empty index
 * directory. The index is never backed up: it is rebuilt from the restored store.
 */
class PostgresBackupRestoreIT {
  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},"
          + "\"pagination\":{\"per_page\":1}}";

  @Test
  void aDumpRestoredIntoAFreshDatabaseServesEveryAcknowledgedContactWithTheIndexRebuilt(
      @TempDir Path before, @TempDir Path after, @TempDir Path dumps) throws Exception {
    String restoreDb =
        "tally_restore_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    try (TestEngines engines = new TestEngines()) {
      Map<Setting, String> original = engines.settings(TestEngines.Combo.POSTGRES_LUCENE);
      Acknowledged acked;
      var started = ApiTestBase.startTally(before, original);
      try {
        acked = write(new TallyHttp(started.server().port()), started.token());
      } finally {
        started.server().close();
      }

      Path dump = dumps.resolve("tally.dump");
      PgTools.run(
          "pg_dump",
          "--dbname=" + PgTools.libpqUri(TestEngines.pgUrl()),
          "--schema=" + engines.schema,
          "--format=custom",
          "--file=" + dump);
      TestEngines.sql("CREATE DATABASE " + restoreDb);
      try {
        String restoredUrl = PgTools.withDatabase(TestEngines.pgUrl(), restoreDb);
        PgTools.run(
            "pg_restore",
            "--dbname=" + PgTools.libpqUri(restoredUrl),
            "--exit-on-error",
            "--no-owner",
            dump.toString());

        Map<Setting, String> restored = new LinkedHashMap<>(original);
        restored.put(Settings.STORE_URL, restoredUrl);
        var again = ApiTestBase.startTally(after, restored); // `after` is empty: no index at all
        try {
          assertRestored(new TallyHttp(again.server().port()), started.token(), acked);
        } finally {
          again.server().close();
        }
      } finally {
        TestEngines.sql("DROP DATABASE IF EXISTS " + restoreDb + " WITH (FORCE)");
      }
    }
  }

  /** What Tally acknowledged before the backup. */
  record Acknowledged(
      Map<String, String> emailById,
      String renamedId,
      String deletedId,
      String eventUser,
      long head) {}

  private static Acknowledged write(TallyHttp http, String token) {
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < 250; i++) {
      bulk.append("{\"external_id\":\"u")
          .append(i)
          .append("\",\"email\":\"u")
          .append(i)
          .append("@example.com\"}\n");
    }
    assertEquals(200, http.call("POST", "/contacts/bulk", token, bulk.toString()).status());
    Map<String, String> emailById = new LinkedHashMap<>();
    for (int i = 0; i < 50; i++) {
      TallyHttp.Res r =
          http.call("POST", "/contacts", token, "{\"email\":\"one" + i + "@example.com\"}");
      assertEquals(200, r.status(), r.toString());
      emailById.put(r.json().get("id").asText(), "one" + i + "@example.com");
    }
    String after = null;
    do { // every contact and its id, as listed
      TallyHttp.Res page =
          http.call(
              "GET",
              "/contacts?per_page=150" + (after == null ? "" : "&starting_after=" + after),
              token,
              null);
      page.json()
          .get("data")
          .forEach(c -> emailById.put(c.get("id").asText(), c.get("email").asText()));
      JsonNode next = page.json().path("pages").path("next");
      after =
          next.isMissingNode() || next.isNull() ? null : next.path("starting_after").asText(null);
    } while (after != null);
    assertEquals(300, emailById.size());

    List<String> ids = new ArrayList<>(emailById.keySet());
    String renamedId = ids.get(7);
    assertEquals(
        200,
        http.call("PUT", "/contacts/" + renamedId, token, "{\"name\":\"Restored Rita\"}").status());
    String deletedId = ids.get(8);
    assertEquals(200, http.call("DELETE", "/contacts/" + deletedId, token, null).status());
    emailById.remove(deletedId);
    for (int i = 0; i < 3; i++) {
      assertEquals(
          202,
          http.call(
                  "POST",
                  "/events",
                  token,
                  "{\"event_name\":\"placed-order\",\"created_at\":"
                      + (1700000000 + i)
                      + ",\"user_id\":\"u3\"}")
              .status());
    }
    long head =
        Long.parseLong(
            http.call("GET", "/admin/oplog?limit=1", ApiTestBase.ADMIN, null)
                .json()
                .get("head")
                .asText());
    return new Acknowledged(emailById, renamedId, deletedId, "u3", head);
  }

  private static void assertRestored(TallyHttp http, String token, Acknowledged acked)
      throws InterruptedException {
    awaitReadyAndNeverReadyTooSoon(http, acked.emailById().size());
    JsonNode rebuild = http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json();
    assertEquals(
        "done",
        rebuild.get("state").asText(),
        "the empty index was rebuilt from the store: " + rebuild);
    assertEquals(acked.emailById().size(), rebuild.get("documents").asLong(), rebuild.toString());

    for (Map.Entry<String, String> c : acked.emailById().entrySet()) {
      TallyHttp.Res r = http.call("GET", "/contacts/" + c.getKey(), token, null);
      assertEquals(200, r.status(), "contact " + c.getKey() + " is back under the same id: " + r);
      assertEquals(c.getValue(), r.json().get("email").asText());
    }
    assertEquals(
        404,
        http.call("GET", "/contacts/" + acked.deletedId(), token, null).status(),
        "a deletion stays deleted");
    assertEquals(
        "Restored Rita",
        http.call("GET", "/contacts/" + acked.renamedId(), token, null)
            .json()
            .get("name")
            .asText());
    assertEquals(
        3,
        http.call("GET", "/events?type=user&user_id=" + acked.eventUser(), token, null)
            .json()
            .get("events")
            .size());

    TallyHttp.Res all = ProductionEnginesTest.search(http, token, ALL, acked.head());
    assertEquals(200, all.status(), all.toString());
    assertEquals(
        acked.emailById().size(),
        all.json().get("total_count").asInt(),
        "every restored contact is searchable");
    TallyHttp.Res rita =
        ProductionEnginesTest.search(
            http,
            token,
            "{\"query\":{\"field\":\"name\",\"operator\":\"=\",\"value\":\"Restored Rita\"}}",
            acked.head());
    assertEquals(acked.renamedId(), rita.json().get("data").get(0).get("id").asText());

    TallyHttp.Res fresh =
        http.call("POST", "/contacts", token, "{\"email\":\"after-restore@example.com\"}");
    assertEquals(200, fresh.status(), fresh.toString());
    assertTrue(
        fresh.position() > acked.head(),
        "new writes are positioned after the restored oplog: "
            + fresh.position()
            + " <= "
            + acked.head());
    String freshId = fresh.json().get("id").asText();
    assertFalse(
        acked.emailById().containsKey(freshId) || freshId.equals(acked.deletedId()),
        "a new contact gets a new id");
    TallyHttp.Res found =
        ProductionEnginesTest.search(
            http,
            token,
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"after-restore@example.com\"}}",
            fresh.position());
    assertEquals(freshId, found.json().get("data").get(0).get("id").asText());
  }

  /**
   * Waits for readiness, requiring that it never says ready before the rebuilt index holds every
   * restored contact: a restored store with a half-built index must answer 503, not partial
   * results.
   */
  private static void awaitReadyAndNeverReadyTooSoon(TallyHttp http, int contacts) {
    TallyHttp.Res ready =
        Await.until(
            "Tally on the restored store ready",
            Duration.ofSeconds(60),
            () -> http.call("GET", "/health/ready", null, null),
            r -> r.status() == 200);
    long indexed = 0;
    for (JsonNode w : ready.json().path("index").path("workspaces")) {
      assertEquals(
          w.get("store_documents").asLong(),
          w.get("index_documents").asLong(),
          "ready with counts that differ: " + ready);
      indexed += w.get("index_documents").asLong();
    }
    assertEquals(contacts, indexed, "ready only once every restored contact is indexed: " + ready);
  }
}
