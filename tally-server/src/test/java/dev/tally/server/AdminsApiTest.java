package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Teammates (Intercom's admins): GET /admins, /admins/{id}, /me; the admin API that adds and
 * removes them; tokens that act for one; owner_id; HTTP Basic and Intercom-Version.
 */
class AdminsApiTest extends ApiTestBase {

  private String ws;

  private String ws() {
    if (ws == null) {
      ws = defaultWorkspace();
    }
    return ws;
  }

  private TallyHttp.Res admin(String method, String path, String body) {
    return http.call(method, "/admin/workspaces/" + ws() + path, ADMIN, body);
  }

  @Test
  void teammatesAreListedAndFoundInIntercomShape() {
    long ann = newAdmin(ws(), "Ann", "ann@example.com");
    long bob = newAdmin(ws(), "Bob", "Bob@Example.com");
    assertTrue(ann > (1L << 32) && ann < (1L << 53), "above 2^32 (test offsets), below 2^53");

    TallyHttp.Res list = get("/admins");
    assertEquals(200, list.status(), list.toString());
    assertEquals("admin.list", list.json().get("type").asText());
    JsonNode admins = list.json().get("admins");
    assertEquals(2, admins.size());
    JsonNode first = admins.get(0);
    assertEquals("admin", first.get("type").asText());
    assertEquals(Long.toString(ann), first.get("id").asText());
    assertTrue(first.get("id").isTextual(), "the 2.11 admin schema types id as a string");
    assertEquals("Ann", first.get("name").asText());
    assertEquals("ann@example.com", first.get("email").asText());
    assertTrue(first.get("job_title").isTextual());
    assertFalse(first.get("away_mode_enabled").asBoolean());
    assertTrue(first.get("team_ids").isArray());
    assertFalse(first.has("avatar"), "the avatar only with display_avatar=true");
    assertTrue(get("/admins?display_avatar=true").json().get("admins").get(0).has("avatar"));
    assertEquals(400, get("/admins?display_avatar=yes").status());

    TallyHttp.Res one = get("/admins/" + bob);
    assertEquals(200, one.status(), one.toString());
    assertEquals("Bob@Example.com", one.json().get("email").asText());

    for (String missing :
        new String[] {"0", "-1", "abc", Long.toString(bob + 1000), "9".repeat(30)}) {
      TallyHttp.Res r = get("/admins/" + missing);
      assertEquals(404, r.status(), missing + ": " + r);
      assertEquals("admin_not_found", r.code());
    }
  }

  @Test
  void emailsAreUniquePerWorkspaceIgnoringCaseAndInputIsChecked() {
    newAdmin(ws(), "Ann", "ann@example.com");
    TallyHttp.Res dup =
        admin("POST", "/admins", "{\"name\":\"Ann 2\",\"email\":\"ANN@example.com\"}");
    assertEquals(409, dup.status(), dup.toString());
    assertEquals("conflict", dup.code());
    // Another workspace may have a teammate with the same email.
    String other =
        http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"other\"}")
            .json()
            .get("id")
            .asText();
    newAdmin(other, "Ann", "ann@example.com");

    record Bad(String body, int status, String field) {}
    for (Bad b :
        new Bad[] {
          new Bad("{\"email\":\"x@example.com\"}", 400, "name"),
          new Bad("{\"name\":\"X\"}", 400, "email"),
          new Bad("{\"name\":\"X\",\"email\":\"not-an-email\"}", 400, "email"),
          new Bad("{\"name\":\"\",\"email\":\"x@example.com\"}", 400, "name"),
          new Bad("{\"name\":7,\"email\":\"x@example.com\"}", 400, "name"),
          new Bad("{\"name\":\"X\",\"email\":\"x@example.com\",\"role\":\"boss\"}", 400, "role"),
          new Bad("{\"name\":\"a\\u0000b\",\"email\":\"x@example.com\"}", 400, "name"),
          new Bad("[]", 400, "body"),
        }) {
      TallyHttp.Res r = admin("POST", "/admins", b.body());
      assertEquals(b.status(), r.status(), b.body() + " -> " + r);
      assertEquals(b.field(), r.field(), b.body() + " -> " + r);
    }
    assertEquals(
        404,
        http.call(
                "POST",
                "/admin/workspaces/999/admins",
                ADMIN,
                "{\"name\":\"X\",\"email\":\"x@e.co\"}")
            .status());
    assertEquals(
        401, http.call("GET", "/admin/workspaces/" + ws() + "/admins", token, null).status());
  }

  @Test
  void meAnswersTheTeammateATokenActsForOrTheApp() {
    TallyHttp.Res app = get("/me");
    assertEquals(200, app.status(), app.toString());
    assertEquals("admin", app.json().get("type").asText());
    assertTrue(app.json().get("id").isNull(), "an unbound token acts for no teammate");
    assertEquals("default", app.json().get("name").asText());
    assertEquals("app", app.json().path("app").path("type").asText());
    assertEquals(ws(), app.json().path("app").path("id_code").asText());

    long ann = newAdmin(ws(), "Ann", "ann@example.com");
    TallyHttp.Res made = admin("POST", "/tokens", "{\"admin_id\":" + ann + "}");
    assertEquals(201, made.status(), made.toString());
    assertEquals(Long.toString(ann), made.json().get("admin_id").asText());
    String annToken = made.json().get("token").asText();
    TallyHttp.Res me = http.call("GET", "/me", annToken, null);
    assertEquals(200, me.status(), me.toString());
    assertEquals(Long.toString(ann), me.json().get("id").asText());
    assertEquals("ann@example.com", me.json().get("email").asText());
    assertEquals("default", me.json().path("app").path("name").asText());
    // A string of digits is taken too; a teammate that is not this workspace's is refused.
    assertEquals(201, admin("POST", "/tokens", "{\"admin_id\":\"" + ann + "\"}").status());
    for (String body :
        new String[] {
          "{\"admin_id\":" + (ann + 1000) + "}",
          "{\"admin_id\":-1}",
          "{\"admin_id\":true}",
          "{\"admin_id\":1.5}",
          "{\"admin\":1}",
          "7"
        }) {
      TallyHttp.Res r = admin("POST", "/tokens", body);
      assertEquals(400, r.status(), body + " -> " + r);
    }
    String other =
        http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"other\"}")
            .json()
            .get("id")
            .asText();
    TallyHttp.Res cross =
        http.call(
            "POST", "/admin/workspaces/" + other + "/tokens", ADMIN, "{\"admin_id\":" + ann + "}");
    assertEquals(400, cross.status(), cross.toString());
    assertEquals("admin_id", cross.field());
  }

  @Test
  void anotherWorkspacesTeammateIsNotFound() {
    long ann = newAdmin(ws(), "Ann", "ann@example.com");
    String otherToken = newWorkspace("other");
    TallyHttp.Res r = http.call("GET", "/admins/" + ann, otherToken, null);
    assertEquals(404, r.status(), r.toString());
    assertEquals(0, http.call("GET", "/admins", otherToken, null).json().get("admins").size());
    TallyHttp.Res owner =
        http.call(
            "POST",
            "/contacts",
            otherToken,
            "{\"email\":\"c@example.com\",\"owner_id\":" + ann + "}");
    assertEquals(400, owner.status(), owner.toString());
    assertEquals("owner_id", owner.field());
  }

  @Test
  void ownerIdMustNameATeammateAndIsAnInteger() {
    long ann = newAdmin(ws(), "Ann", "ann@example.com");
    long bob = newAdmin(ws(), "Bob", "bob@example.com");
    for (String v :
        new String[] {"42", "\"42\"", Long.toString(bob + 1000), "\"x\"", "0", "true"}) {
      TallyHttp.Res r = post("/contacts", "{\"email\":\"c@example.com\",\"owner_id\":" + v + "}");
      assertEquals(400, r.status(), v + " -> " + r);
      assertEquals("owner_id", r.field());
    }
    TallyHttp.Res c = post("/contacts", "{\"email\":\"c@example.com\",\"owner_id\":" + ann + "}");
    assertEquals(200, c.status(), c.toString());
    assertTrue(c.json().get("owner_id").isIntegralNumber());
    assertEquals(ann, c.json().get("owner_id").longValue());
    String id = c.json().get("id").asText();
    // A string of digits is read as the id, as before; the answer has the number.
    TallyHttp.Res moved =
        http.call("PUT", "/contacts/" + id, token, "{\"owner_id\":\"" + bob + "\"}");
    assertEquals(200, moved.status(), moved.toString());
    assertEquals(bob, moved.json().get("owner_id").longValue());
    TallyHttp.Res bad = http.call("PUT", "/contacts/" + id, token, "{\"owner_id\":12345}");
    assertEquals(400, bad.status());
    assertEquals(bob, get("/contacts/" + id).json().get("owner_id").longValue(), "nothing written");
    // Search on owner_id finds it (the index has the number).
    TallyHttp.Res found =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"owner_id\",\"operator\":\"=\",\"value\":" + bob + "}}",
            Map.of("Tally-Min-Position", Long.toString(moved.position())));
    assertEquals(200, found.status(), found.toString());
    assertEquals(1, found.json().get("total_count").asInt(), found.toString());
  }

  @Test
  void aTeammateStillReferredToIsNotDeletedAndSaysWhy() {
    long ann = newAdmin(ws(), "Ann", "ann@example.com");
    String contact = createContact("{\"email\":\"c@example.com\",\"owner_id\":" + ann + "}");
    String annToken =
        admin("POST", "/tokens", "{\"admin_id\":" + ann + "}").json().get("token").asText();
    String tokenId =
        http.call("GET", "/admin/workspaces/" + ws() + "/tokens", ADMIN, null)
            .json()
            .get("data")
            .get(1)
            .get("id")
            .asText();

    TallyHttp.Res refused = admin("DELETE", "/admins/" + ann, null);
    assertEquals(409, refused.status(), refused.toString());
    assertTrue(refused.message().contains(contact), refused.message());
    assertTrue(refused.message().contains("token " + tokenId), refused.message());
    assertEquals(200, http.call("GET", "/me", annToken, null).status(), "still acts for Ann");

    // Give the contact to nobody: only the token refers to Ann now.
    assertEquals(
        200, http.call("PUT", "/contacts/" + contact, token, "{\"owner_id\":null}").status());
    TallyHttp.Res stillToken = admin("DELETE", "/admins/" + ann, null);
    assertEquals(409, stillToken.status());
    assertFalse(stillToken.message().contains("contact"), stillToken.message());
    assertEquals(200, admin("DELETE", "/tokens/" + tokenId, null).status());

    TallyHttp.Res deleted = admin("DELETE", "/admins/" + ann, null);
    assertEquals(200, deleted.status(), deleted.toString());
    assertTrue(deleted.json().get("deleted").asBoolean());
    assertEquals(401, http.call("GET", "/me", annToken, null).status(), "its token went first");
    assertEquals(404, get("/admins/" + ann).status());
    assertEquals(404, admin("DELETE", "/admins/" + ann, null).status());
    assertEquals(0, admin("GET", "/admins", null).json().get("data").size());
    TallyHttp.Res owner =
        http.call("PUT", "/contacts/" + contact, token, "{\"owner_id\":" + ann + "}");
    assertEquals(400, owner.status(), "a deleted teammate owns nothing");

    // The oplog records the teammate's life.
    JsonNode oplog = http.call("GET", "/admin/oplog?limit=1000", ADMIN, null).json().get("data");
    long entries = 0;
    for (JsonNode e : oplog) {
      if (e.get("entity").asText().equals("admin")
          && e.get("id").asText().equals(Long.toString(ann))) {
        entries++;
      }
    }
    assertEquals(2, entries, "create and delete");
  }

  @Test
  void deletingAWorkspaceTakesItsTeammates() {
    String id =
        http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"gone\"}")
            .json()
            .get("id")
            .asText();
    long ann = newAdmin(id, "Ann", "ann@example.com");
    String t =
        http.call(
                "POST", "/admin/workspaces/" + id + "/tokens", ADMIN, "{\"admin_id\":" + ann + "}")
            .json()
            .get("token")
            .asText();
    assertEquals(
        200,
        http.call("POST", "/contacts", t, "{\"email\":\"c@e.co\",\"owner_id\":" + ann + "}")
            .status());
    assertEquals(200, http.call("DELETE", "/admin/workspaces/" + id, ADMIN, null).status());
    assertEquals(401, http.call("GET", "/me", t, null).status());
  }

  @Test
  void basicAuthWithTheTokenAsUserNameIsAcceptedLikeBearer() {
    String basic =
        Base64.getEncoder().encodeToString((token + ":").getBytes(StandardCharsets.UTF_8));
    TallyHttp.Res ok =
        http.call("GET", "/admins", null, (String) null, Map.of("Authorization", "Basic " + basic));
    assertEquals(200, ok.status(), ok.toString());
    String adminBasic =
        Base64.getEncoder().encodeToString((ADMIN + ":").getBytes(StandardCharsets.UTF_8));
    assertEquals(
        200,
        http.call(
                "GET",
                "/admin/workspaces",
                null,
                (String) null,
                Map.of("Authorization", "Basic " + adminBasic))
            .status());
    for (String bad :
        new String[] {
          "Basic "
              + Base64.getEncoder()
                  .encodeToString((token + ":secret").getBytes(StandardCharsets.UTF_8)),
          "Basic " + Base64.getEncoder().encodeToString(token.getBytes(StandardCharsets.UTF_8)),
          "Basic " + Base64.getEncoder().encodeToString(":".getBytes(StandardCharsets.UTF_8)),
          "Basic !!!not-base64",
          "Basic "
              + Base64.getEncoder().encodeToString("tly_wrong:".getBytes(StandardCharsets.UTF_8)),
          "Basic ",
        }) {
      TallyHttp.Res r =
          http.call("GET", "/admins", null, (String) null, Map.of("Authorization", bad));
      assertEquals(401, r.status(), bad + " -> " + r);
      assertEquals("unauthorized", r.code());
    }
  }

  @Test
  void intercomVersionsOf2xAreAcceptedOthersRefusedByName() {
    for (String v : new String[] {"2.11", "2.9", "2.14", "2.0"}) {
      assertEquals(
          200,
          http.call("GET", "/admins", token, (String) null, Map.of("Intercom-Version", v)).status(),
          v);
    }
    for (String v : new String[] {"1.4", "Unstable", "Preview", "3.0", "2", "2.x", "latest"}) {
      TallyHttp.Res r =
          http.call("GET", "/admins", token, (String) null, Map.of("Intercom-Version", v));
      assertEquals(400, r.status(), v + " -> " + r);
      assertEquals("Intercom-Version", r.field());
    }
  }
}
