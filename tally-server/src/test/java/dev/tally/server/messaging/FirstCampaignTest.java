package dev.tally.server.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.messaging.webhook.Signatures;
import dev.tally.server.ApiTestBase;
import dev.tally.server.TallyHttp;
import dev.tally.testkit.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/**
 * The README's "first campaign", end to end through HTTP with the server's own fan-out and sender:
 * an event campaign with an audience, started; a matching contact's event reaches a real webhook
 * receiver, signed, rendered from the store; a contact outside the audience gets nothing; the
 * campaign's counts and sends say so.
 */
class FirstCampaignTest extends ApiTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();

  @Test
  void anEventOfAMatchingContactReachesTheWebhookOnce() throws Exception {
    try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
      String ann =
          createContact(
              "{\"email\":\"ann@example.com\",\"name\":\"Ann\",\"custom_attributes\":{\"plan\":\"pro\"}}");
      String bob =
          createContact(
              "{\"email\":\"bob@example.com\",\"name\":\"Bob\",\"custom_attributes\":{\"plan\":\"free\"}}");
      TallyHttp.Res created =
          post(
              "/campaigns",
              "{\"name\":\"Thanks\",\"trigger\":{\"type\":\"event\",\"event_name\":\"bought\"},"
                  + "\"audience\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"},"
                  + "\"steps\":[{\"send\":{\"channel\":\"webhook\",\"url\":\""
                  + receiver.url()
                  + "\",\"secret\":\"s3cret\",\"body\":\"Thanks, {{name}}!\"}}]}");
      assertEquals(200, created.status(), created.toString());
      String id = created.json().get("id").asText();
      assertEquals(200, post("/campaigns/" + id + "/start", "").status());
      for (String contact : new String[] {ann, bob}) {
        TallyHttp.Res e =
            post(
                "/events",
                "{\"event_name\":\"bought\",\"id\":\""
                    + contact
                    + "\",\"created_at\":"
                    + Instant.now().getEpochSecond()
                    + "}");
        assertEquals(202, e.status(), e.toString());
      }
      Await.until(
          "the webhook was received",
          Duration.ofSeconds(30),
          () -> receiver.received().size(),
          n -> n >= 1);
      WebhookReceiver.Request r = receiver.received().get(0);
      JsonNode body = JSON.readTree(r.body());
      assertEquals("message.send", body.get("type").asText());
      assertEquals("Thanks, Ann!", body.get("body").asText());
      assertEquals(id, body.get("campaign_id").asText());
      assertEquals(body.get("id").asText(), r.header("Idempotency-Key"));
      assertEquals(
          Signatures.Verification.VALID,
          Signatures.verify(
              "s3cret",
              r.header("Tally-Signature"),
              r.body(),
              Instant.now(),
              Duration.ofMinutes(5)));
      Await.until(
          "the send recorded as sent",
          Duration.ofSeconds(30),
          () -> get("/campaigns/" + id).json().get("counts").get("sent").asLong(),
          n -> n == 1);
      // more rounds of fan-out and sending: nothing more goes out
      awaitTaskRounds("messaging-fanout", 2);
      assertEquals(1, receiver.received().size(), "Bob is outside the audience; Ann once");
      JsonNode sends = get("/campaigns/" + id + "/sends?state=sent").json();
      assertEquals(1, sends.get("data").size());
      assertEquals(ann, sends.get("data").get(0).get("contact_id").asText());
      assertTrue(new String(r.body(), StandardCharsets.UTF_8).contains("\"contact\""));
    }
  }
}
