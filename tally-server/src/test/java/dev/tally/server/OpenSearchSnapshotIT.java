package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots on OpenSearch go through a snapshot repository: `tally snapshot` takes one, and when
 * the serving index is deleted Tally restores the newest one under a new generation, replays the
 * oplog from its position and moves the alias, without a restart.
 */
class OpenSearchSnapshotIT {
  @TempDir Path data;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @Test
  void aDeletedIndexComesBackFromARepositorySnapshotAndTheOplogSince() throws Exception {
    try (TestEngines engines = new TestEngines()) {
      String repository = engines.alias + "-repo";
      Map<dev.tally.server.config.Setting, String> settings =
          new java.util.HashMap<>(engines.settings(TestEngines.Combo.SQLITE_OPENSEARCH));
      settings.put(Settings.INDEX_SNAPSHOT_REPOSITORY, repository);
      var t = ApiTestBase.startTally(data, settings);
      try (TallyServer server = t.server()) {
        TallyHttp http = new TallyHttp(server.port());
        bulk(http, t.token(), "a", 150);
        TallyHttp.Res snap = http.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}");
        assertEquals(201, snap.status(), snap.raw().body());
        long after = bulk(http, t.token(), "b", 40);
        assertEquals(
            1,
            http.call("GET", "/admin/index/snapshots", ApiTestBase.ADMIN, null)
                .json()
                .get("data")
                .size());

        String serving = engines.alias + "-1";
        assertEquals(200, TestEngines.openSearch("DELETE", "/" + serving));
        JsonNode status = awaitHealed(http);
        assertTrue(
            status.get("source").asText().startsWith("snapshot "),
            "restored from the repository: " + status);
        assertEquals(
            190,
            ProductionEnginesTest.search(http, t.token(), ALL, after)
                .json()
                .get("total_count")
                .asInt());
        assertTrue(
            http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
                .json()
                .get("agree")
                .asBoolean());
      } finally {
        TestEngines.openSearch("DELETE", "/_snapshot/" + repository + "/*");
        TestEngines.openSearch("DELETE", "/_snapshot/" + repository);
      }
    }
  }

  private static long bulk(TallyHttp http, String token, String prefix, int n) {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < n; i++) {
      b.append("{\"external_id\":\"")
          .append(prefix)
          .append(i)
          .append("\",\"email\":\"")
          .append(prefix)
          .append(i)
          .append("@example.com\"}\n");
    }
    TallyHttp.Res r = http.call("POST", "/contacts/bulk", token, b.toString());
    assertEquals(200, r.status(), r.raw().body());
    return Long.parseLong(r.json().get("position").asText());
  }

  private static JsonNode awaitHealed(TallyHttp http) {
    return Await.until(
        "the index healed and Tally ready",
        Duration.ofSeconds(60),
        () -> http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
        s ->
            s.get("state").asText().equals("done")
                && http.call("GET", "/health/ready", null, null).status() == 200);
  }
}
