package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.TallyException;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With the embedded Lucene index Tally runs as one process: a second one started on the same
 * PostgreSQL store (another data directory, so only the store's lease can stop it) refuses to start
 * and says why; once the first has stopped, it starts and serves.
 */
class EmbeddedIndexOneProcessIT {
  @TempDir Path dataA;
  @TempDir Path dataB;

  @Test
  void aSecondProcessWithAnEmbeddedIndexOnTheSameStoreRefusesToStart() throws Exception {
    try (TestEngines engines = new TestEngines()) {
      var first =
          ApiTestBase.startTally(dataA, engines.settings(TestEngines.Combo.POSTGRES_LUCENE));
      String token = first.token();
      try {
        TallyException refused =
            assertThrows(
                TallyException.class,
                () ->
                    ApiTestBase.startTally(
                            dataB, engines.settings(TestEngines.Combo.POSTGRES_LUCENE))
                        .server()
                        .close());
        assertEquals(TallyException.Kind.CONFLICT, refused.kind());
        assertTrue(
            refused.getMessage().contains("another Tally process")
                && refused.getMessage().contains("--index opensearch"),
            refused.getMessage());
        TallyHttp.Res stillServing =
            new TallyHttp(first.server().port())
                .call("POST", "/contacts", token, "{\"email\":\"a@example.com\"}");
        assertEquals(
            200, stillServing.status(), "the first process is unaffected: " + stillServing);
      } finally {
        first.server().close();
      }
      TallyServer second =
          ApiTestBase.startTally(dataB, engines.settings(TestEngines.Combo.POSTGRES_LUCENE))
              .server();
      try {
        TallyHttp.Res r =
            new TallyHttp(second.port())
                .call("POST", "/contacts", token, "{\"email\":\"b@example.com\"}");
        assertEquals(200, r.status(), "the second process serves once the first stopped: " + r);
      } finally {
        second.close();
      }
    }
  }
}
