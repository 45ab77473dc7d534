package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The offline commands (verify, rebuild, status with --offline) act on every store and index serve
 * can run on, named by the same settings: they agree with what a running Tally wrote, a rebuild
 * moves the index to a new generation, and a rebuild is refused while a Tally serves the store.
 */
class OfflineCommandsTest {
  @TempDir Path data;

  @ParameterizedTest
  @EnumSource(
      value = TestEngines.Combo.class,
      names = "SQLITE_LUCENE") // the other mixes need servers: OfflineCommandsIT
  void verifyRebuildAndStatusWorkOnEveryMix(TestEngines.Combo combo) throws Exception {
    try (TestEngines engines = new TestEngines()) {
      Map<Setting, String> settings = engines.settings(combo);
      var started = ApiTestBase.startTally(data, settings);
      TallyServer server = started.server();
      String generationBefore;
      try {
        TallyHttp http = new TallyHttp(server.port());
        for (int i = 0; i < 30; i++) {
          assertEquals(
              200,
              http.call(
                      "POST",
                      "/contacts",
                      started.token(),
                      "{\"email\":\"o" + i + "@example.com\"}")
                  .status());
        }
        Await.until(
            "the index holds every contact",
            java.time.Duration.ofSeconds(30),
            () -> server.indexes().verify(false),
            dev.tally.core.projection.Verifier.Report::agree);
        server.indexes().serving().commit();
        generationBefore = server.indexes().plan().generation();
        CliTest.Run refused = CliTest.tally(args("rebuild", settings));
        assertEquals(3, refused.code(), combo + ": " + refused.err());
        assertTrue(
            refused.err().contains("lease") || refused.err().contains("in use"), refused.err());
        CliTest.Run besideIt = CliTest.tally(args("verify", settings, "--json"));
        assertEquals(
            0,
            besideIt.code(),
            combo
                + ": read-only verify beside a running Tally: "
                + besideIt.err()
                + besideIt.out());
      } finally {
        server.close();
      }

      CliTest.Run verified = CliTest.tally(args("verify", settings, "--json"));
      assertEquals(0, verified.code(), combo + ": " + verified.err() + verified.out());
      assertEquals(30, verified.json().get("contacts").asInt());

      CliTest.Run rebuilt = CliTest.tally(args("rebuild", settings));
      assertEquals(0, rebuilt.code(), combo + ": " + rebuilt.err());
      assertTrue(rebuilt.err().contains("rebuilt 30 documents"), rebuilt.err());

      CliTest.Run status = CliTest.tally(args("status", settings));
      assertEquals(0, status.code(), combo + ": " + status.out() + status.err());
      assertTrue(status.out().contains("30 contacts in the index, 30 in the store"), status.out());
      assertNotEquals(-1, status.out().indexOf("generation "), status.out());
      assertTrue(
          !status.out().contains("generation " + generationBefore + " "),
          "the rebuild switched generations: " + status.out());

      CliTest.Run again = CliTest.tally(args("verify", settings));
      assertEquals(
          0, again.code(), combo + ": after the offline rebuild: " + again.out() + again.err());
    }
  }

  /**
   * {@code command --offline} with the settings as flags (the password, environment-only, is not
   * used here).
   */
  private String[] args(String command, Map<Setting, String> settings, String... more) {
    List<String> a = new ArrayList<>(List.of(command, "--offline", "--data", data.toString()));
    for (Map.Entry<Setting, String> e : settings.entrySet()) {
      if (Settings.BACKENDS.contains(e.getKey()) && e.getKey().flag()) {
        a.add(e.getKey().flagName());
        a.add(e.getValue());
      }
    }
    a.addAll(List.of(more));
    return a.toArray(String[]::new);
  }
}
