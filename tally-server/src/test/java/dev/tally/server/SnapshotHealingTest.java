package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Healing from snapshots: a lost index comes back from the newest intact snapshot plus a replay of
 * the oplog since; a damaged snapshot is passed over for a rebuild; so is one older than the
 * oplog's retention; `tally snapshot` and `tally restore` do it by hand.
 */
class SnapshotHealingTest {
  @TempDir Path data;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @Test
  void aLostIndexHealsFromTheNewestSnapshotAndTheOplogSince() throws Exception {
    var t = ApiTestBase.startTally(data, Map.of());
    try (TallyServer server = t.server()) {
      TallyHttp http = new TallyHttp(server.port());
      String url = "http://127.0.0.1:" + server.port();
      bulk(http, t.token(), "a", 200);
      CliTest.Run snap =
          CliTest.tally("snapshot", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(0, snap.code(), snap.err());
      assertEquals("index.snapshot", snap.json().get("type").asText());
      long after = bulk(http, t.token(), "b", 50);

      TestFiles.deleteTree(data.resolve("index"));
      JsonNode status = awaitRebuildDone(http);
      assertTrue(
          status.get("source").asText().startsWith("snapshot "),
          "healed from the snapshot: " + status);
      assertEquals(
          250,
          ProductionEnginesTest.search(http, t.token(), ALL, after)
              .json()
              .get("total_count")
              .asInt());
      assertTrue(
          http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
              .json()
              .get("agree")
              .asBoolean());

      CliTest.Run list =
          CliTest.tally("snapshot", "--list", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(1, list.json().get("data").size());
    }
  }

  @Test
  void aDamagedSnapshotIsPassedOverForARebuildAndRestoreWorksByHand() throws Exception {
    var t = ApiTestBase.startTally(data, Map.of());
    try (TallyServer server = t.server()) {
      TallyHttp http = new TallyHttp(server.port());
      String url = "http://127.0.0.1:" + server.port();
      long at = bulk(http, t.token(), "c", 120);
      assertEquals(
          201, http.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}").status());
      corruptEveryFile(data.resolve("snapshots"));

      CliTest.Run restore =
          CliTest.tally("restore", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(0, restore.code(), restore.err());
      JsonNode status = http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json();
      assertEquals(
          "store", status.get("source").asText(), "the damaged snapshot was not used: " + status);
      assertEquals(
          120,
          ProductionEnginesTest.search(http, t.token(), ALL, at).json().get("total_count").asInt());
    }
  }

  @Test
  void aSnapshotOlderThanTheOplogRetentionIsRefusedInFavourOfARebuild() throws Exception {
    var t = ApiTestBase.startTally(data, Map.of(Settings.OPLOG_RETENTION, "1s"));
    try (TallyServer server = t.server()) {
      TallyHttp http = new TallyHttp(server.port());
      bulk(http, t.token(), "d", 80);
      assertEquals(
          201, http.call("POST", "/admin/index/snapshots", ApiTestBase.ADMIN, "{}").status());
      long at = bulk(http, t.token(), "e", 20); // the entries between the snapshot and now...
      long snapshotAt =
          Long.parseLong(
              http.call("GET", "/admin/index/snapshots", ApiTestBase.ADMIN, null)
                  .json()
                  .get("data")
                  .get(0)
                  .get("position")
                  .asText());
      // ...until the pruner has removed some that the snapshot would need
      Await.until(
          "pruning the oplog past the snapshot",
          Duration.ofSeconds(20),
          () -> server.store().oplogFloor(),
          floor -> floor > snapshotAt);
      JsonNode ready = http.call("GET", "/health/ready", null, null).json();
      assertTrue(
          ready.get("warnings").get(0).asText().contains("older than the oplog kept"),
          ready.toString());

      TestFiles.deleteTree(data.resolve("index"));
      JsonNode status = awaitRebuildDone(http);
      assertEquals(
          "store",
          status.get("source").asText(),
          "a snapshot behind the retention is never replayed with a gap");
      assertEquals(
          100,
          ProductionEnginesTest.search(http, t.token(), ALL, at).json().get("total_count").asInt());
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

  /**
   * Waits for the healing rebuild (or restore) that the damage starts to be done; returns its
   * status.
   */
  private static JsonNode awaitRebuildDone(TallyHttp http) {
    // The first rebuild of this Tally is the healing one (it may finish between two polls).
    return Await.until(
        "healing the index",
        Duration.ofSeconds(60),
        () -> http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
        s ->
            s.get("state").asText().equals("done")
                && http.call("GET", "/health/ready", null, null).status() == 200);
  }

  private static void corruptEveryFile(Path root) throws Exception {
    try (Stream<Path> walk = Files.walk(root)) {
      for (Path f :
          walk.filter(Files::isRegularFile)
              .filter(f -> !f.getFileName().toString().equals("manifest.json"))
              .toList()) {
        try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
          raf.seek(0);
          raf.write(new byte[] {1, 2, 3, 4});
        }
      }
    }
  }
}
