package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * {@code tally status}, {@code /health/ready} and {@code /metrics} say whether messaging delivers,
 * is paused (for all or which workspaces, since when) or holds sends and why: here a Tally without
 * {@code --smtp-url}, whose email (an admin message) is held.
 */
class MessagingStatusTest extends ApiTestBase {

  private CliTest.Run status() {
    return CliTest.tally("status", "--url", "http://127.0.0.1:" + server.port());
  }

  private JsonNode messaging() {
    return http.call("GET", "/health/ready", null, null).json().path("messaging");
  }

  private String metrics() {
    return http.call("GET", "/metrics", null, null).raw().body();
  }

  @Test
  void statusSaysDeliveringHeldForNoSmtpAndPausedSinceWhen() {
    CliTest.Run idle = status();
    assertEquals(0, idle.code(), idle.out() + idle.err());
    assertTrue(
        idle.out().contains("Messaging: DELIVERING (nothing is due); no send waits."), idle.out());

    String ws = defaultWorkspace();
    long ann = newAdmin(ws, "Ann", "ann@example.com");
    String ada = createContact("{\"email\":\"ada@example.com\"}");
    TallyHttp.Res m =
        post(
            "/messages",
            "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":{\"type\":\"admin\",\"id\":"
                + ann
                + "},\"to\":{\"type\":\"user\",\"id\":\""
                + ada
                + "\"}}");
    assertEquals(200, m.status(), m.toString());

    JsonNode held =
        Await.until(
            "the message's send to be held for want of SMTP",
            Duration.ofSeconds(20),
            this::messaging,
            j -> j.path("queue").path("held").asLong() == 1);
    assertEquals("held", held.path("state").asText(), held.toString());
    assertEquals(
        "no SMTP server configured (--smtp-url)", held.path("held").get(0).path("reason").asText());
    assertEquals(false, held.path("sender").path("smtp").asBoolean());
    assertEquals(true, held.path("sender").path("running").asBoolean());
    CliTest.Run holding = status();
    assertTrue(holding.out().contains("Messaging: HOLDING sends"), holding.out());
    assertTrue(
        holding
            .out()
            .contains(
                "Held: 1 send(s): no SMTP server configured (--smtp-url) (this process has none"),
        holding.out());
    assertTrue(holding.out().contains("1 send(s) wait (0 queued"), holding.out());
    String metrics = metrics();
    assertTrue(
        metrics.contains("tally_messaging_sends_waiting{reason=\"no_smtp\",state=\"held\"} 1.0"),
        metrics);
    assertTrue(
        metrics.contains("tally_messaging_sends_recorded_total{reason=\"no_smtp\",state=\"held\"}"),
        metrics);
    assertTrue(metrics.contains("tally_messaging_paused 0.0"), metrics);

    assertEquals(200, http.call("POST", "/admin/messaging/pause", ADMIN, null).status());
    CliTest.Run paused = status();
    assertTrue(
        paused.out().contains("Messaging: PAUSED for every workspace since 20"), paused.out());
    assertEquals("paused", messaging().path("state").asText());
    assertTrue(metrics().contains("tally_messaging_paused 1.0"), metrics());

    assertEquals(200, http.call("POST", "/admin/messaging/resume", ADMIN, null).status());
    assertEquals(
        200,
        http.call("POST", "/admin/workspaces/" + ws + "/messaging/pause", ADMIN, null).status());
    CliTest.Run one = status();
    assertTrue(one.out().contains("Paused for workspace " + ws + " since 20"), one.out());
    assertEquals(ws, messaging().path("paused_workspaces").get(0).path("id").asText());
    assertTrue(metrics().contains("tally_messaging_paused_workspaces 1.0"), metrics());
  }
}
