package dev.tally.server.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tally.server.ApiTestBase;
import dev.tally.server.TallyHttp;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import jakarta.mail.internet.MimeMessage;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * {@code POST /messages} on a real Tally (SQLite, Lucene, its own sender every 50 ms) delivering
 * through a real SMTP server in process (GreenMail): one send through the campaigns' path and final
 * check (docs/messaging.md, "Admin messages").
 */
class MessagesApiTest extends ApiTestBase {
  private GreenMail greenMail;

  @Override
  protected Map<Setting, String> settings() {
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    return Map.of(
        Settings.SENDER_INTERVAL,
        "50ms",
        Settings.SMTP_URL,
        "smtp://127.0.0.1:" + greenMail.getSmtp().getPort());
  }

  @AfterEach
  void stopMail() {
    greenMail.stop();
  }

  private long admin() {
    return newAdmin(defaultWorkspace(), "Ann Teammate", "ann@example.com");
  }

  private String contact(String name, boolean unsubscribed) {
    TallyHttp.Res r =
        post(
            "/contacts",
            "{\"role\":\"user\",\"email\":\""
                + name.toLowerCase()
                + "@example.com\",\"name\":\""
                + name
                + "\",\"external_id\":\""
                + name
                + "-1\",\"unsubscribed_from_emails\":"
                + unsubscribed
                + "}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static String message(long admin, String to) {
    return "{\"message_type\":\"email\",\"subject\":\"Hi {{name}}\",\"body\":\"Hello {{name}}\","
        + "\"template\":\"plain\",\"from\":{\"type\":\"admin\",\"id\":"
        + admin
        + "},\"to\":"
        + to
        + "}";
  }

  /** The message's one send once it is final (the server's own sender delivers it). */
  private JsonNode finalSend(String messageId) {
    return dev.tally.testkit.Await.until(
        "the message's send is final",
        Duration.ofSeconds(30),
        () -> {
          TallyHttp.Res r = get("/campaigns/" + messageId + "/sends");
          assertEquals(200, r.status(), r.toString());
          assertEquals(1, r.json().get("data").size(), "one send per message: " + r);
          return r.json().get("data").get(0);
        },
        s -> List.of("sent", "skipped", "expired", "failed").contains(s.get("state").asText()));
  }

  @Test
  void anAdminMessageArrivesAsEmailWithOneClickUnsubscribe() throws Exception {
    long ann = admin();
    String ada = contact("Ada", false);
    TallyHttp.Res r = post("/messages", message(ann, "{\"type\":\"user\",\"id\":\"" + ada + "\"}"));
    assertEquals(200, r.status(), r.toString());
    JsonNode m = r.json();
    assertEquals("admin_message", m.get("type").asText());
    assertTrue(m.get("id").isTextual(), "ids are strings: " + m);
    assertEquals("email", m.get("message_type").asText());
    assertEquals("Hi {{name}}", m.get("subject").asText());
    assertEquals("Hello {{name}}", m.get("body").asText());
    assertTrue(m.get("created_at").isIntegralNumber(), m.toString());
    assertEquals(Long.toString(ann), m.get("owner").get("id").asText());
    assertEquals("ann@example.com", m.get("owner").get("email").asText());
    assertTrue(m.get("conversation_id").isNull(), m.toString());

    JsonNode send = finalSend(m.get("id").asText());
    assertEquals("sent", send.get("state").asText(), send.toString());
    assertEquals(ada, send.get("contact_id").asText());
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage mail = received[0];
    assertEquals("ada@example.com", mail.getHeader("To", null));
    assertTrue(
        mail.getHeader("From", null).contains("ann@example.com"), mail.getHeader("From", null));
    assertEquals("Hi Ada", mail.getSubject());
    assertEquals("Hello Ada", ((String) mail.getContent()).strip());
    assertTrue(
        mail.getHeader("List-Unsubscribe", null)
            .startsWith("<http://127.0.0.1:" + server.port() + "/unsubscribe?t="),
        mail.getHeader("List-Unsubscribe", null));
    assertEquals("List-Unsubscribe=One-Click", mail.getHeader("List-Unsubscribe-Post", null));

    // A message is not a campaign of the list; it is readable by its id, with its counts.
    assertEquals(0, get("/campaigns").json().get("data").size());
    JsonNode asCampaign = get("/campaigns/" + m.get("id").asText()).json();
    assertEquals("message", asCampaign.get("trigger").get("type").asText());
    assertEquals(1, asCampaign.get("counts").get("sent").asLong());

    // By user_id and by email too.
    assertEquals(
        200, post("/messages", message(ann, "{\"type\":\"user\",\"user_id\":\"Ada-1\"}")).status());
    TallyHttp.Res byEmail =
        post("/messages", message(ann, "{\"type\":\"lead\",\"email\":\"ada@example.com\"}"));
    assertEquals(200, byEmail.status(), byEmail.toString());
    assertEquals("sent", finalSend(byEmail.json().get("id").asText()).get("state").asText());
  }

  @Test
  void toAnUnsubscribedContactTheSendIsSkippedAndNoMailGoes() throws Exception {
    long ann = admin();
    String bob = contact("Bob", true);
    TallyHttp.Res r = post("/messages", message(ann, "{\"type\":\"user\",\"id\":\"" + bob + "\"}"));
    assertEquals(200, r.status(), r.toString());
    JsonNode send = finalSend(r.json().get("id").asText());
    assertEquals("skipped", send.get("state").asText(), send.toString());
    assertEquals("unsubscribed", send.get("reason").asText());
    assertEquals(0, greenMail.getReceivedMessages().length);
  }

  @Test
  void anotherWorkspacesContactOrTeammateIsNotFoundAndNothingIsWritten() {
    long ann = admin();
    String ada = contact("Ada", false);
    String other = newWorkspace("other");
    String otherWs =
        http.call("GET", "/admin/workspaces", ADMIN, null)
            .json()
            .get("data")
            .get(1)
            .get("id")
            .asText();
    long stranger = newAdmin(otherWs, "Stranger", "s@example.com");
    String theirs =
        http.call("POST", "/contacts", other, "{\"role\":\"user\",\"email\":\"z@example.com\"}")
            .json()
            .get("id")
            .asText();
    long head = server.store().head();

    TallyHttp.Res toTheirs =
        post("/messages", message(ann, "{\"type\":\"user\",\"id\":\"" + theirs + "\"}"));
    assertEquals(404, toTheirs.status(), toTheirs.toString());
    TallyHttp.Res fromStranger =
        post("/messages", message(stranger, "{\"type\":\"user\",\"id\":\"" + ada + "\"}"));
    assertEquals(404, fromStranger.status(), fromStranger.toString());
    assertEquals("admin_not_found", fromStranger.code());
    // Their side: a message to our contact from their teammate is as unknown.
    TallyHttp.Res reverse =
        http.call(
            "POST",
            "/messages",
            other,
            message(stranger, "{\"type\":\"user\",\"id\":\"" + ada + "\"}"));
    assertEquals(404, reverse.status(), reverse.toString());
    assertEquals(head, server.store().head(), "nothing written");
    assertTrue(server.store().waitingSends().isEmpty());
  }

  @Test
  void badInputIsA4xxNamingTheFieldAndWritesNothing() {
    long ann = admin();
    String ada = contact("Ada", false);
    String to = "{\"type\":\"user\",\"id\":\"" + ada + "\"}";
    String from = "{\"type\":\"admin\",\"id\":" + ann + "}";
    long head = server.store().head();
    Map<String, String> bad =
        new java.util.LinkedHashMap<>(
            Map.ofEntries(
                Map.entry(
                    "to",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":"
                        + from
                        + "}"),
                Map.entry(
                    "message_type",
                    "{\"message_type\":\"in_app\",\"body\":\"b\",\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "subject",
                    "{\"message_type\":\"email\",\"body\":\"b\",\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "body",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":null,\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "from",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "from.type",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":{\"type\":\"user\",\"id\":\""
                        + ada
                        + "\"},\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "from.id",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":{\"type\":\"admin\",\"id\":\"x\"},\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "to.id",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":"
                        + from
                        + ",\"to\":{\"type\":\"user\"}}"),
                Map.entry(
                    "to.email",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":"
                        + from
                        + ",\"to\":{\"id\":\""
                        + ada
                        + "\",\"email\":\"a@example.com\"}}"),
                Map.entry(
                    "to.type",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"from\":"
                        + from
                        + ",\"to\":{\"type\":\"admin\",\"id\":\""
                        + ada
                        + "\"}}"),
                Map.entry(
                    "template",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"template\":\"fancy\",\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "referer",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"referer\":\"x\",\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}"),
                Map.entry(
                    "create_conversation_without_contact_reply",
                    "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"b\",\"create_conversation_without_contact_reply\":true,\"from\":"
                        + from
                        + ",\"to\":"
                        + to
                        + "}")));
    bad.put(
        "body",
        "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\"Hi {{nmae}}\",\"from\":"
            + from
            + ",\"to\":"
            + to
            + "}");
    bad.put(
        "message_type",
        "{\"message_type\":\"inapp\",\"body\":\"b\",\"from\":" + from + ",\"to\":" + to + "}");
    for (Map.Entry<String, String> e : bad.entrySet()) {
      TallyHttp.Res r = post("/messages", e.getValue());
      assertEquals(400, r.status(), e.getKey() + ": " + r);
      assertEquals(e.getKey(), r.field(), r.toString());
    }
    TallyHttp.Res tooLong =
        post(
            "/messages",
            "{\"message_type\":\"email\",\"subject\":\"s\",\"body\":\""
                + "x".repeat(70_000)
                + "\",\"from\":"
                + from
                + ",\"to\":"
                + to
                + "}");
    assertEquals(400, tooLong.status(), tooLong.toString());
    assertEquals("body", tooLong.field());
    TallyHttp.Res inApp =
        post(
            "/messages",
            "{\"message_type\":\"in_app\",\"body\":\"b\",\"from\":" + from + ",\"to\":" + to + "}");
    assertTrue(inApp.message().contains("email only"), inApp.toString());
    assertEquals(404, post("/messages", message(ann + 1, to)).status());
    assertEquals(
        404,
        post(
                "/messages",
                message(ann, "{\"type\":\"user\",\"id\":\"" + (Long.parseLong(ada) + 7) + "\"}"))
            .status());
    assertEquals(400, post("/messages", "[]").status());
    assertEquals(head, server.store().head(), "nothing written");
  }

  @Test
  void aRetryWithTheSameIdempotencyKeySendsOnce() throws Exception {
    long ann = admin();
    String ada = contact("Ada", false);
    String body = message(ann, "{\"type\":\"user\",\"id\":\"" + ada + "\"}");
    Map<String, String> key = Map.of("Idempotency-Key", "msg-1");
    TallyHttp.Res first = http.call("POST", "/messages", token, body, key);
    TallyHttp.Res again = http.call("POST", "/messages", token, body, key);
    assertEquals(200, first.status(), first.toString());
    assertEquals(first.json(), again.json());
    assertEquals("sent", finalSend(first.json().get("id").asText()).get("state").asText());
    assertEquals(1, greenMail.getReceivedMessages().length);
    TallyHttp.Res other = http.call("POST", "/messages", token, body.replace("Hello", "Bye"), key);
    assertFalse(other.status() == 200, "a key reused with another body: " + other);
  }
}
