package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally status} names the engines in use and, on a shared index, whether this process's
 * projector leads or stands by.
 */
class StatusEnginesIT {

  @Test
  void theEmbeddedEnginesAreNamed(@TempDir Path data) throws Exception {
    try (TallyServer server = ApiTestBase.startTally(data, Map.of()).server()) {
      JsonNode ready = new TallyHttp(server.port()).call("GET", "/health/ready", null, null).json();
      assertEquals("sqlite", ready.path("store").path("engine").asText(), ready.toString());
      assertEquals("lucene", ready.path("index").path("engine").asText());
      assertEquals("embedded", ready.path("index").path("projector").asText());

      CliTest.Run status = status(server);
      assertEquals(0, status.code(), status.out() + status.err());
      assertTrue(
          status
              .out()
              .contains(
                  "Engines: store SQLite (embedded, one process); index Lucene (embedded in this process)."),
          status.out());
      assertTrue(
          status
              .out()
              .contains("Projector: this process applies the oplog to its own embedded index."),
          status.out());
    }
  }

  @Test
  void onASharedIndexOneProcessLeadsAndTheOtherStandsByUntilItTakesOver(
      @TempDir Path first, @TempDir Path second) throws Exception {
    try (TestEngines engines = new TestEngines()) {
      var settings = engines.settings(TestEngines.Combo.POSTGRES_OPENSEARCH);
      TallyServer a = ApiTestBase.startTally(first, settings).server();
      TallyServer b = ApiTestBase.startTally(second, settings).server();
      try {
        CliTest.Run statusA = status(a);
        CliTest.Run statusB = status(b);
        for (CliTest.Run s : new CliTest.Run[] {statusA, statusB}) {
          assertTrue(
              s.out()
                  .contains(
                      "Engines: store PostgreSQL (shared: several Tally processes may serve it); index OpenSearch "
                          + "(shared by every Tally process on this store)."),
              s.out());
        }
        assertTrue(
            statusA.out().contains("Projector: this process LEADS"),
            "the first to start takes the lease: " + statusA.out());
        assertTrue(statusB.out().contains("Projector: this process STANDS BY"), statusB.out());
        assertEquals(
            "standing_by",
            new TallyHttp(b.port())
                .call("GET", "/health/ready", null, null)
                .json()
                .path("index")
                .path("projector")
                .asText());

        a.close(); // releases the lease
        a = null;
        CliTest.Run taken = awaitStatus(b, s -> s.out().contains("Projector: this process LEADS"));
        assertTrue(
            taken.out().contains("LEADS"),
            "the stand-by takes over when the leader stops: " + taken.out());
      } finally {
        if (a != null) {
          a.close();
        }
        b.close();
      }
    }
  }

  private static CliTest.Run status(TallyServer server) {
    return CliTest.tally("status", "--url", "http://127.0.0.1:" + server.port());
  }

  private static CliTest.Run awaitStatus(TallyServer server, Predicate<CliTest.Run> until) {
    return Await.until(
        "tally status to say so", Duration.ofSeconds(15), () -> status(server), until);
  }
}
