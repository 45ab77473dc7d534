package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

class AdminApiTest extends ApiTestBase {

  @Test
  void workspacesAreCreatedListedAndDeletedWithTheirData() {
    TallyHttp.Res made = http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"acme\"}");
    assertEquals(201, made.status(), made.toString());
    assertEquals("workspace", made.json().get("type").asText());
    assertEquals("acme", made.json().get("name").asText());
    String id = made.json().get("id").asText();
    String acme = made.json().get("token").asText();
    assertTrue(acme.startsWith("tly_"));
    String contact =
        http.call("POST", "/contacts", acme, "{\"email\":\"a@acme.com\"}")
            .json()
            .get("id")
            .asText();

    JsonNode list = http.call("GET", "/admin/workspaces", ADMIN, null).json().get("data");
    assertEquals(2, list.size());
    assertEquals(1, list.get(1).get("contact_count").asInt());
    assertFalse(list.toString().contains(acme), "listings never show tokens");

    assertEquals(200, http.call("DELETE", "/admin/workspaces/" + id, ADMIN, null).status());
    assertEquals(
        401, http.call("GET", "/contacts/" + contact, acme, null).status(), "its tokens are gone");
    assertEquals(1, http.call("GET", "/admin/workspaces", ADMIN, null).json().get("data").size());
  }

  @Test
  void aTokenIsRotatedByCreatingANewOneAndRevokingTheOld() {
    String ws =
        http.call("GET", "/admin/workspaces", ADMIN, null)
            .json()
            .get("data")
            .get(0)
            .get("id")
            .asText();
    String old = token;
    TallyHttp.Res fresh = http.call("POST", "/admin/workspaces/" + ws + "/tokens", ADMIN, "{}");
    assertEquals(201, fresh.status(), fresh.toString());
    String newToken = fresh.json().get("token").asText();
    assertEquals(200, http.call("GET", "/contacts", newToken, null).status());
    assertEquals(200, http.call("GET", "/contacts", old, null).status());

    JsonNode tokens =
        http.call("GET", "/admin/workspaces/" + ws + "/tokens", ADMIN, null).json().get("data");
    assertEquals(2, tokens.size());
    String oldId = tokens.get(0).get("id").asText();
    assertEquals(
        200,
        http.call("DELETE", "/admin/workspaces/" + ws + "/tokens/" + oldId, ADMIN, null).status());
    TallyHttp.Res denied = http.call("GET", "/contacts", old, null);
    assertEquals(401, denied.status());
    assertEquals("unauthorized", denied.code());
    assertEquals(200, http.call("GET", "/contacts", newToken, null).status());
  }

  @Test
  void tokensAreStoredHashed() throws Exception {
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
        var s = c.createStatement();
        var rs = s.executeQuery("SELECT token_hash FROM workspace_tokens")) {
      assertTrue(rs.next());
      String stored = rs.getString(1);
      assertFalse(stored.equals(token));
      assertEquals(dev.tally.server.auth.Tokens.hash(token), stored);
    }
  }
}
