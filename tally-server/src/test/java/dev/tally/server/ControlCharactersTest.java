package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Strings hold no control characters (issue 11, finding 12): NUL and its kind are refused in
 * identities, names, event names and workspace names, tab and line breaks are kept in free text,
 * emails follow the usual shape, and -0.0 is stored as 0.
 */
class ControlCharactersTest extends ApiTestBase {

  @Test
  void controlCharactersAreRefusedWhereNobodyCanSeeThem() {
    for (String[] c :
        new String[][] {
          {"/contacts", "{\"external_id\":\"a\\u0000b\"}", "external_id"},
          {"/contacts", "{\"email\":\"a\\u0000@x.io\"}", "email"},
          {"/contacts", "{\"external_id\":\"n1\",\"name\":\"bell\\u0007\"}", "name"},
          {
            "/contacts",
            "{\"external_id\":\"n2\",\"custom_attributes\":{\"note\":\"esc\\u001b[0m\"}}",
            "custom_attributes.note"
          },
          {"/contacts", "{\"email\":\"a@x..io\"}", "email"},
          {"/contacts", "{\"email\":\"a@.io\"}", "email"},
          {"/contacts", "{\"email\":\"a@b@c.io\"}", "email"},
        }) {
      TallyHttp.Res r = post(c[0], c[1]);
      assertEquals(400, r.status(), c[1] + ": " + r);
      assertEquals(c[2], r.field(), c[1] + ": " + r);
    }
    createContact("{\"external_id\":\"ev\"}");
    TallyHttp.Res event =
        post("/events", "{\"event_name\":\"a\\u0001b\",\"created_at\":1,\"user_id\":\"ev\"}");
    assertEquals(400, event.status(), event.toString());
    assertEquals("event_name", event.field());
    TallyHttp.Res ws = http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"w\\u0000\"}");
    assertEquals(400, ws.status(), ws.toString());
    assertEquals("name", ws.field());
    assertTrue(ws.raw().body().contains("U+0000"), ws.toString());
  }

  @Test
  void freeTextKeepsTabsAndLineBreaks() {
    TallyHttp.Res r =
        post("/contacts", "{\"external_id\":\"t1\",\"name\":\"Ann\\tLee\\nSecond line\"}");
    assertEquals(200, r.status(), r.toString());
    assertEquals("Ann\tLee\nSecond line", r.json().get("name").asText());
  }

  @Test
  void negativeZeroIsStoredAsZero() {
    assertEquals(
        200,
        post(
                "/data_attributes",
                "{\"name\":\"score\",\"model\":\"contact\",\"data_type\":\"float\"}")
            .status());
    TallyHttp.Res made =
        post("/contacts", "{\"external_id\":\"z1\",\"custom_attributes\":{\"score\":-0.0}}");
    assertEquals(200, made.status(), made.toString());
    assertEquals("0.0", made.json().get("custom_attributes").get("score").asText());
    TallyHttp.Res found =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"custom_attributes.score\",\"operator\":\"=\",\"value\":0}}",
            Map.of("Tally-Min-Position", Long.toString(made.position())));
    assertEquals(1, found.json().get("total_count").asInt(), found.toString());
  }
}
