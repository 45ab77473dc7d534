package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** T7: a retry with the same Idempotency-Key has exactly one effect and gets a definite answer. */
class IdempotencyApiTest extends ApiTestBase {

  @Test
  void aRetryGetsTheFirstResponseAndHasNoSecondEffect() {
    Map<String, String> key = Map.of("Idempotency-Key", "create-ann-1");
    TallyHttp.Res first =
        http.call("POST", "/contacts", token, "{\"email\":\"ann@example.com\"}", key);
    TallyHttp.Res retry =
        http.call("POST", "/contacts", token, "{\"email\":\"ann@example.com\"}", key);
    assertEquals(200, first.status());
    assertEquals(first.raw().body(), retry.raw().body());
    assertEquals(first.position(), retry.position());
    assertEquals(1, get("/contacts").json().get("total_count").asInt());
    TallyHttp.Res other =
        http.call("POST", "/contacts", token, "{\"email\":\"bob@example.com\"}", key);
    assertEquals(400, other.status());
    assertEquals("idempotency_key_reused", other.code());
  }

  @Test
  void eventsToo() {
    createContact("{\"external_id\":\"u1\"}");
    Map<String, String> key = Map.of("Idempotency-Key", "ev-1");
    String body = "{\"event_name\":\"paid\",\"created_at\":1700000000,\"user_id\":\"u1\"}";
    assertEquals(202, http.call("POST", "/events", token, body, key).status());
    assertEquals(202, http.call("POST", "/events", token, body, key).status());
    assertEquals(1, get("/events?type=user&user_id=u1").json().get("events").size());
  }

  @Test
  void theConnectionDropsBeforeTheAnswerAndTheRetryIsDefinite() throws Exception {
    String body = "{\"email\":\"lost@example.com\"}";
    for (int attempt = 0; attempt < 3; attempt++) {
      // Send the whole request, then hang up without reading: the client cannot know what happened.
      try (Socket s = new Socket("127.0.0.1", server.port())) {
        OutputStream out = s.getOutputStream();
        out.write(
            ("POST /contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                    + token
                    + "\r\nIdempotency-Key: lost-1\r\n"
                    + "Content-Type: application/json\r\nContent-Length: "
                    + body.length()
                    + "\r\n\r\n"
                    + body)
                .getBytes(StandardCharsets.UTF_8));
        out.flush();
      }
    }
    TallyHttp.Res retry =
        http.call("POST", "/contacts", token, body, Map.of("Idempotency-Key", "lost-1"));
    assertEquals(200, retry.status(), retry.toString());
    assertEquals("lost@example.com", retry.json().get("email").asText());
    assertEquals(1, get("/contacts").json().get("total_count").asInt(), "exactly one effect");
  }

  /**
   * The fingerprint is of the bytes sent (issue 11, finding 6): two UTF-16 bodies that differ only
   * in characters that are malformed as UTF-8 are different requests, not a replay.
   */
  @Test
  void aKeyReusedWithAnotherUtf16BodyIsRefusedNotReplayed() {
    Map<String, String> key =
        Map.of("Idempotency-Key", "utf16-1", "Content-Type", "application/json");
    byte[] first =
        "{\"email\":\"u16@example.com\",\"name\":\"\u00e9\"}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    byte[] second =
        "{\"email\":\"u16@example.com\",\"name\":\"\u00fc\"}"
            .getBytes(java.nio.charset.StandardCharsets.UTF_16LE);
    TallyHttp.Res made = http.call("POST", "/contacts", token, first, key);
    assertEquals(200, made.status(), made.toString());
    assertEquals("\u00e9", made.json().get("name").asText());
    assertEquals(
        200, http.call("POST", "/contacts", token, first, key).status(), "the same bytes replay");
    TallyHttp.Res other = http.call("POST", "/contacts", token, second, key);
    assertEquals("idempotency_key_reused", other.code(), other.toString());
  }
}
