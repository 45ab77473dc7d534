package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An online backup taken while Tally serves writes restores into a new data directory with every
 * contact acknowledged before it.
 */
class BackupTest extends ApiTestBase {

  @Test
  void anOnlineBackupRestoresWithTheIndexRebuilt(@TempDir Path elsewhere) throws Exception {
    List<String> before = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      before.add(createContact("{\"email\":\"b" + i + "@example.com\"}"));
    }
    AtomicBoolean stop = new AtomicBoolean();
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  int i = 0;
                  while (!stop.get()) {
                    post("/contacts", "{\"email\":\"during" + i++ + "@example.com\"}");
                  }
                });
    Path copy = elsewhere.resolve("backup.db");
    CliTest.Run run = CliTest.tally("backup", "--data", data.toString(), copy.toString());
    stop.set(true);
    writer.join();
    assertEquals(0, run.code(), run.err());

    Path restored = elsewhere.resolve("restored");
    Files.createDirectories(restored);
    Files.copy(copy, restored.resolve("tally.db"));
    try (TallyServer s = startTally(restored, Map.of()).server()) {
      TallyHttp h = new TallyHttp(s.port());
      for (String id : before) {
        assertEquals(
            200,
            h.call("GET", "/contacts/" + id, token, null).status(),
            "contact " + id + " is in the backup");
      }
      long head =
          Long.parseLong(
              h.call("GET", "/admin/oplog?limit=1", ADMIN, null).json().get("head").asText());
      // The restored store has no index beside it: Tally rebuilds it, answering 503 (with
      // Retry-After) until then.
      TallyHttp.Res r =
          ProductionEnginesTest.search(
              h,
              token,
              "{\"query\":{\"field\":\"email\",\"operator\":\"^\",\"value\":\"b\"}}",
              head);
      assertEquals(200, r.status(), r.toString());
      assertEquals(200, r.json().get("total_count").asInt());
      long total = h.call("GET", "/contacts", token, null).json().get("total_count").asLong();
      assertTrue(total >= 200);
    }
  }
}
