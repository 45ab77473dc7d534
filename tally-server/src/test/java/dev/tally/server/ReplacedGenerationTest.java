package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Zero-downtime rebuild: the replaced generation outlives the switch, and goes after
 * --generation-retention.
 */
class ReplacedGenerationTest {
  @TempDir Path data;

  @Test
  void theReplacedGenerationIsRemovedOnlyAfterItsRetention() throws Exception {
    var t = ApiTestBase.startTally(data, Map.of(Settings.GENERATION_RETENTION, "1s"));
    try (TallyServer server = t.server()) {
      TallyHttp http = new TallyHttp(server.port());
      assertEquals(
          200, http.call("POST", "/contacts", t.token(), "{\"email\":\"g@example.com\"}").status());
      assertEquals(
          202, http.call("POST", "/admin/index/rebuild", ApiTestBase.ADMIN, "{}").status());
      ProductionEnginesTest.awaitRebuild(http);
      assertTrue(
          Files.isDirectory(data.resolve("index/gen-1")),
          "kept right after the switch, while searches may still use it");
      Await.until(
          "removing the replaced generation after its retention",
          Duration.ofSeconds(20),
          () -> Files.exists(data.resolve("index/gen-1")),
          exists -> !exists);
      assertTrue(Files.isDirectory(data.resolve("index/gen-2")), "the serving one stays");
      assertTrue(
          http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
              .json()
              .get("agree")
              .asBoolean());
    }
  }
}
