package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Subscription types as Intercom's API 2.11 has them (GET /subscription_types, a contact's
 * subscriptions), Tally's admin way to create them, and the workspace's time zone.
 */
class SubscriptionsApiTest extends ApiTestBase {

  private TallyHttp.Res admin(String method, String path, String body) {
    return http.call(method, path, ADMIN, body);
  }

  private TallyHttp.Res attach(String contact, String body) {
    return post("/contacts/" + contact + "/subscriptions", body);
  }

  private static void assertError(TallyHttp.Res r, int status, String code, String field) {
    assertEquals(status, r.status(), r.toString());
    assertEquals("error.list", r.json().get("type").asText(), r.toString());
    assertEquals(code, r.code(), r.toString());
    assertEquals(field, r.field(), r.toString());
    assertTrue(r.json().get("errors").get(0).get("message").isTextual(), r.toString());
  }

  /** The id of the workspace named {@code name}. */
  private String workspaceNamed(String name) {
    for (JsonNode w : admin("GET", "/admin/workspaces", null).json().get("data")) {
      if (w.get("name").asText().equals(name)) {
        return w.get("id").asText();
      }
    }
    throw new AssertionError("no workspace " + name);
  }

  @Test
  void anAdminCreatesTypesThatTheWorkspaceListsInIntercomsShape() {
    String ws = defaultWorkspace();
    TallyHttp.Res made =
        admin(
            "POST",
            "/admin/workspaces/" + ws + "/subscription_types",
            "{\"name\":\"Newsletters\",\"description\":\"Monthly news\",\"consent_type\":\"opt_out\","
                + "\"content_types\":[\"email\",\"sms_message\"],\"state\":\"draft\"}");
    assertEquals(201, made.status(), made.toString());
    JsonNode t = made.json();
    assertEquals("subscription", t.get("type").asText());
    assertTrue(Long.parseLong(t.get("id").asText()) > (1L << 53), "a 64-bit id, a string: " + t);
    assertEquals("draft", t.get("state").asText());
    assertEquals("opt_out", t.get("consent_type").asText());
    assertEquals(
        Map.of("name", "Newsletters", "description", "Monthly news", "locale", "en"),
        Map.of(
            "name", t.get("default_translation").get("name").asText(),
            "description", t.get("default_translation").get("description").asText(),
            "locale", t.get("default_translation").get("locale").asText()));
    assertEquals(t.get("default_translation"), t.get("translations").get(0));
    assertEquals("[\"email\",\"sms_message\"]", t.get("content_types").toString());
    String defaults = newSubscriptionType(ws, "opt_in");

    TallyHttp.Res list = get("/subscription_types");
    assertEquals(200, list.status(), list.toString());
    assertEquals("list", list.json().get("type").asText());
    assertEquals(2, list.json().get("data").size());
    assertEquals(t, list.json().get("data").get(0));
    JsonNode d = list.json().get("data").get(1);
    assertEquals(defaults, d.get("id").asText());
    assertEquals("live", d.get("state").asText(), "live by default");
    assertEquals("[\"email\"]", d.get("content_types").toString(), "email by default");
    assertEquals("", d.get("default_translation").get("description").asText());
    assertEquals(
        list.json(), admin("GET", "/admin/workspaces/" + ws + "/subscription_types", null).json());
    assertEquals(
        0,
        http.call("GET", "/subscription_types", newWorkspace("other"), null)
            .json()
            .get("data")
            .size(),
        "another workspace has none");
  }

  @Test
  void badSubscriptionTypesAre400sNamingTheField() {
    String path = "/admin/workspaces/" + defaultWorkspace() + "/subscription_types";
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("[]", "body");
    cases.put("{\"consent_type\":\"opt_in\"}", "name");
    cases.put("{\"name\":\" \",\"consent_type\":\"opt_in\"}", "name");
    cases.put("{\"name\":\"n\"}", "consent_type");
    cases.put("{\"name\":\"n\",\"consent_type\":\"maybe\"}", "consent_type");
    cases.put("{\"name\":\"n\",\"consent_type\":\"opt_in\",\"state\":\"gone\"}", "state");
    cases.put("{\"name\":\"n\",\"consent_type\":\"opt_in\",\"content_types\":[]}", "content_types");
    cases.put(
        "{\"name\":\"n\",\"consent_type\":\"opt_in\",\"content_types\":[\"email\",\"push\"]}",
        "content_types[1]");
    cases.put("{\"name\":\"n\",\"consent_type\":\"opt_in\",\"colour\":\"red\"}", "colour");
    cases.put("{\"name\":7,\"consent_type\":\"opt_in\"}", "name");
    for (Map.Entry<String, String> e : cases.entrySet()) {
      TallyHttp.Res r = admin("POST", path, e.getKey());
      assertEquals(400, r.status(), e.getKey() + " -> " + r);
      assertEquals(e.getValue(), r.field(), e.getKey() + " -> " + r);
    }
    assertEquals(0, get("/subscription_types").json().get("data").size(), "nothing written");
    assertEquals(
        404,
        admin(
                "POST",
                "/admin/workspaces/999/subscription_types",
                "{\"name\":\"n\"," + "\"consent_type\":\"opt_in\"}")
            .status());
    assertEquals(
        401,
        post(path, "{\"name\":\"n\",\"consent_type\":\"opt_in\"}").status(),
        "a workspace token is not the admin token");
  }

  @Test
  void aContactsChoicesAreAttachedListedAndDetached() {
    String ws = defaultWorkspace();
    String optIn = newSubscriptionType(ws, "opt_in");
    String optOut = newSubscriptionType(ws, "opt_out");
    String ann = createContact("{\"email\":\"ann@example.com\"}");
    assertEquals(0, get("/contacts/" + ann + "/subscriptions").json().get("data").size());

    TallyHttp.Res in = attach(ann, "{\"id\":\"" + optIn + "\",\"consent_type\":\"opt_in\"}");
    assertEquals(200, in.status(), in.toString());
    assertEquals(optIn, in.json().get("id").asText());
    assertEquals("opt_in", in.json().get("consent_type").asText());
    TallyHttp.Res out = attach(ann, "{\"id\":" + optOut + ",\"consent_type\":\"opt_out\"}");
    assertEquals(200, out.status(), "the spec's example sends the id as a number: " + out);
    assertEquals(
        200, attach(ann, "{\"id\":\"" + optIn + "\",\"consent_type\":\"opt_in\"}").status());

    TallyHttp.Res mine = get("/contacts/" + ann + "/subscriptions");
    assertEquals(200, mine.status(), mine.toString());
    assertEquals("list", mine.json().get("type").asText());
    assertEquals(
        List.of(optIn, optOut),
        List.of(
            mine.json().get("data").get(0).get("id").asText(),
            mine.json().get("data").get(1).get("id").asText()));
    assertEquals(in.json(), mine.json().get("data").get(0));

    TallyHttp.Res removed =
        http.call("DELETE", "/contacts/" + ann + "/subscriptions/" + optIn, token, null);
    assertEquals(200, removed.status(), removed.toString());
    assertEquals(optIn, removed.json().get("id").asText());
    assertEquals(
        200,
        http.call("DELETE", "/contacts/" + ann + "/subscriptions/" + optIn, token, null).status(),
        "removing what is not there changes nothing");
    JsonNode left = get("/contacts/" + ann + "/subscriptions").json().get("data");
    assertEquals(1, left.size());
    assertEquals(optOut, left.get(0).get("id").asText());
  }

  @Test
  void badChoicesAreRefusedInIntercomsErrorShapeAndNothingIsWritten() {
    String ws = defaultWorkspace();
    String optIn = newSubscriptionType(ws, "opt_in");
    String ann = createContact("{\"email\":\"ann@example.com\"}");
    String otherToken = newWorkspace("other");
    String theirs = newSubscriptionType(workspaceNamed("other"), "opt_in");
    String theirContact =
        http.call("POST", "/contacts", otherToken, "{\"email\":\"bo@example.com\"}")
            .json()
            .get("id")
            .asText();

    assertError(
        attach(ann, "{\"id\":\"" + optIn + "\",\"consent_type\":\"opt_out\"}"),
        400,
        "parameter_invalid",
        "consent_type");
    assertError(
        attach(ann, "{\"id\":\"" + optIn + "\",\"consent_type\":\"yes\"}"),
        400,
        "parameter_invalid",
        "consent_type");
    assertError(
        attach(ann, "{\"id\":\"" + optIn + "\"}"), 400, "parameter_not_found", "consent_type");
    assertError(attach(ann, "{\"consent_type\":\"opt_in\"}"), 400, "parameter_not_found", "id");
    assertError(
        attach(ann, "{\"id\":\"" + optIn + "\",\"consent_type\":\"opt_in\",\"x\":1}"),
        400,
        "parameter_invalid",
        "x");
    assertError(attach(ann, "{\"id\":\"99\",\"consent_type\":\"opt_in\"}"), 404, "not_found", "id");
    assertError(
        attach(ann, "{\"id\":\"invalid_id\",\"consent_type\":\"opt_in\"}"), 404, "not_found", "id");
    assertError(
        attach(ann, "{\"id\":\"" + theirs + "\",\"consent_type\":\"opt_in\"}"),
        404,
        "not_found",
        "id");
    assertEquals(
        404,
        attach(theirContact, "{\"id\":\"" + optIn + "\",\"consent_type\":\"opt_in\"}").status(),
        "another workspace's contact");
    assertEquals(404, get("/contacts/" + theirContact + "/subscriptions").status());
    assertEquals(
        404,
        http.call("DELETE", "/contacts/" + ann + "/subscriptions/" + theirs, token, null).status());
    assertEquals(
        404, http.call("DELETE", "/contacts/" + ann + "/subscriptions/abc", token, null).status());
    assertEquals(0, get("/contacts/" + ann + "/subscriptions").json().get("data").size());
  }

  @Test
  void aCampaignMustNameASubscriptionTypeOfItsWorkspace() {
    newWorkspace("other");
    String theirs = newSubscriptionType(workspaceNamed("other"), "opt_in");
    String campaign =
        "{\"name\":\"c\",\"trigger\":{\"type\":\"broadcast\"},\"steps\":[{\"send\":{"
            + "\"channel\":\"webhook\",\"url\":\"https://example.com/h\",\"secret\":\"s\","
            + "\"body\":\"b\"}}],\"subscription_type_id\":\"%s\"}";
    for (String id : List.of("99", theirs)) {
      TallyHttp.Res r = post("/campaigns", campaign.formatted(id));
      assertError(r, 400, "parameter_invalid", "subscription_type_id");
      assertTrue(r.message().contains(id), r.toString());
    }
    assertEquals(0, get("/campaigns").json().get("data").size(), "nothing written");
    String ours = newSubscriptionType(defaultWorkspace(), "opt_out");
    assertEquals(200, post("/campaigns", campaign.formatted(ours)).status());
  }

  @Test
  void aWorkspacesTimeZoneIsUtcUntilSetAndMustBeAnIanaName() {
    String ws = defaultWorkspace();
    TallyHttp.Res before = admin("GET", "/admin/workspaces/" + ws, null);
    assertEquals(200, before.status(), before.toString());
    assertEquals("UTC", before.json().get("time_zone").asText());
    assertEquals(ws, before.json().get("id").asText());

    TallyHttp.Res set = admin("PUT", "/admin/workspaces/" + ws, "{\"time_zone\":\"Europe/Paris\"}");
    assertEquals(200, set.status(), set.toString());
    assertEquals("Europe/Paris", set.json().get("time_zone").asText());
    assertEquals(
        "Europe/Paris",
        admin("GET", "/admin/workspaces/" + ws, null).json().get("time_zone").asText());
    assertEquals(
        "Europe/Paris",
        admin("GET", "/admin/workspaces", null)
            .json()
            .get("data")
            .get(0)
            .get("time_zone")
            .asText());

    for (String bad :
        List.of(
            "{\"time_zone\":\"Mars/Olympus\"}",
            "{\"time_zone\":\"+02:00\"}",
            "{\"time_zone\":7}",
            "{\"time_zone\":null}")) {
      TallyHttp.Res r = admin("PUT", "/admin/workspaces/" + ws, bad);
      assertEquals(400, r.status(), bad + " -> " + r);
      assertEquals("time_zone", r.field(), bad + " -> " + r);
    }
    TallyHttp.Res zoneMessage =
        admin("PUT", "/admin/workspaces/" + ws, "{\"time_zone\":\"Mars/Olympus\"}");
    assertTrue(zoneMessage.message().contains("IANA"), zoneMessage.toString());
    assertEquals(
        "name",
        admin("PUT", "/admin/workspaces/" + ws, "{\"name\":\"renamed\"}").field(),
        "the name does not change");
    assertEquals(404, admin("PUT", "/admin/workspaces/999", "{\"time_zone\":\"UTC\"}").status());
    assertEquals(404, admin("GET", "/admin/workspaces/999", null).status());
    assertEquals(
        "Europe/Paris",
        admin("GET", "/admin/workspaces/" + ws, null).json().get("time_zone").asText(),
        "nothing written by the refusals");
  }
}
