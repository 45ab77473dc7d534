package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Archive, unarchive and merge (issue 12) through HTTP, with a real SQLite store and Lucene index:
 * Intercom's shapes, an archived contact out of search, segments, lists and counts with its data
 * and identities kept, a merge that moves everything into the user, verify agreeing after each, and
 * every bad input a 4xx naming the field.
 */
class ContactLifecycleApiTest extends ApiTestBase {

  private static final String PREFIX =
      "{\"field\":\"external_id\",\"operator\":\"^\",\"value\":\"arc\"}";

  private void assertVerifyAgrees(String when) {
    TallyHttp.Res verify = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertEquals(200, verify.status(), verify.toString());
    assertTrue(verify.json().get("agree").asBoolean(), "verify agrees " + when + ": " + verify);
  }

  @Test
  void anArchivedContactLeavesSearchSegmentsAndListsKeepsItsDataAndComesBack() {
    String a = createContact("{\"external_id\":\"arc-1\",\"email\":\"arc1@example.com\"}");
    String b = createContact("{\"external_id\":\"arc-2\"}");
    TallyHttp.Res tag = post("/tags", "{\"name\":\"kept\",\"users\":[{\"id\":\"" + a + "\"}]}");
    assertEquals(200, tag.status(), tag.toString());
    assertEquals(
        202,
        post("/events", "{\"event_name\":\"paid\",\"created_at\":100,\"user_id\":\"arc-1\"}")
            .status());
    assertEquals(200, post("/contacts/" + a + "/notes", "{\"body\":\"kept too\"}").status());
    String segment =
        post("/segments", "{\"name\":\"arc\",\"query\":" + PREFIX + "}").json().get("id").asText();

    TallyHttp.Res archived = post("/contacts/" + a + "/archive", null);
    assertEquals(200, archived.status(), archived.toString());
    assertEquals(
        Map.of("type", "contact", "id", a, "external_id", "arc-1", "archived", "true"),
        Map.of(
            "type", archived.json().get("type").asText(),
            "id", archived.json().get("id").asText(),
            "external_id", archived.json().get("external_id").asText(),
            "archived", archived.json().get("archived").toString()));
    assertEquals(4, archived.json().size(), archived.toString());

    // Out of search, segments and lists, at the position the archive answered with.
    assertEquals(Set.of(b), found(searchAt(PREFIX, archived.position())));
    assertEquals(
        1, get("/segments/" + segment + "?include_count=true").json().get("count").asInt());
    assertEquals(List.of(), get("/contacts/" + a + "/segments").json().findValuesAsText("id"));
    JsonNode list = get("/contacts").json();
    assertEquals(1, list.get("total_count").asInt(), list.toString());
    assertEquals(List.of(b), list.get("data").findValuesAsText("id"));
    assertVerifyAgrees("with a contact archived");

    // Its data is kept and readable; its identities stay taken.
    TallyHttp.Res one = get("/contacts/" + a);
    assertEquals(200, one.status(), one.toString());
    assertEquals(1, one.json().get("tags").get("total_count").asInt());
    assertEquals(1, one.json().get("notes").get("total_count").asInt());
    TallyHttp.Res events = get("/events?type=user&user_id=arc-1&summary=true");
    assertEquals(200, events.status(), events.toString());
    assertEquals(1, get("/contacts/" + a + "/tags").json().get("data").size());
    for (String taken :
        List.of("{\"email\":\"ARC1@example.com\"}", "{\"external_id\":\"arc-1\"}")) {
      TallyHttp.Res refused = post("/contacts", taken);
      assertEquals(409, refused.status(), refused.toString());
      assertTrue(refused.message().contains("archived"), refused.toString());
      assertTrue(refused.message().contains(a), refused.toString());
    }

    // Archiving again is a 200 that changes nothing; a write to it is kept, and it stays out.
    TallyHttp.Res again = post("/contacts/" + a + "/archive", null);
    assertEquals(200, again.status(), again.toString());
    assertTrue(again.json().get("archived").asBoolean());
    TallyHttp.Res renamed = http.call("PUT", "/contacts/" + a, token, "{\"name\":\"Ann\"}");
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals(Set.of(b), found(searchAt(PREFIX, renamed.position())));

    // Unarchived: back in search, segments and lists.
    TallyHttp.Res back = post("/contacts/" + a + "/unarchive", null);
    assertEquals(200, back.status(), back.toString());
    assertFalse(back.json().get("archived").asBoolean(), back.toString());
    assertEquals("contact", back.json().get("type").asText());
    assertEquals(Set.of(a, b), found(searchAt(PREFIX, back.position())));
    assertEquals(
        Set.of(a),
        found(
            searchAt(
                "{\"field\":\"name\",\"operator\":\"=\",\"value\":\"Ann\"}", back.position())));
    assertEquals(
        2, get("/segments/" + segment + "?include_count=true").json().get("count").asInt());
    assertEquals(
        List.of(segment), get("/contacts/" + a + "/segments").json().findValuesAsText("id"));
    assertEquals(2, get("/contacts").json().get("total_count").asInt());
    TallyHttp.Res live = post("/contacts/" + a + "/unarchive", null);
    assertEquals(200, live.status());
    assertFalse(live.json().get("archived").asBoolean());
    assertVerifyAgrees("after unarchiving");

    // Another workspace's contact, an unknown or a malformed id: 404.
    String other = newWorkspace("lifecycle-other");
    for (String path : List.of("/contacts/" + a + "/archive", "/contacts/" + a + "/unarchive")) {
      assertEquals(404, http.call("POST", path, other, null).status(), path);
    }
    assertEquals(404, post("/contacts/abc/archive", null).status());
    assertEquals(404, post("/contacts/123456789/unarchive", null).status());
  }

  @Test
  void aMergeMovesTheLeadIntoTheUserAndTheLeadIsGone() {
    String user =
        createContact(
            "{\"external_id\":\"mu-1\",\"name\":\"User\",\"custom_attributes\":{\"n\":1}}");
    String lead =
        createContact(
            "{\"role\":\"lead\",\"email\":\"lead@example.com\",\"name\":\"Lead\","
                + "\"phone\":\"555\"}");
    for (String e :
        List.of(
            "{\"event_name\":\"visit\",\"created_at\":100,\"user_id\":\"mu-1\"}",
            "{\"event_name\":\"visit\",\"created_at\":100,\"id\":\"" + lead + "\"}",
            "{\"event_name\":\"visit\",\"created_at\":200,\"id\":\"" + lead + "\"}",
            "{\"event_name\":\"signup\",\"created_at\":300,\"id\":\"" + lead + "\"}")) {
      TallyHttp.Res r = post("/events", e);
      assertEquals(202, r.status(), e + ": " + r);
    }
    String tagId =
        post("/tags", "{\"name\":\"from-lead\",\"users\":[{\"id\":\"" + lead + "\"}]}")
            .json()
            .get("id")
            .asText();
    assertEquals(200, post("/contacts/" + lead + "/notes", "{\"body\":\"lead note\"}").status());

    TallyHttp.Res merged =
        post("/contacts/merge", "{\"from\":\"" + lead + "\",\"into\":\"" + user + "\"}");
    assertEquals(200, merged.status(), merged.toString());
    JsonNode c = merged.json();
    assertEquals("contact", c.get("type").asText());
    assertEquals(user, c.get("id").asText());
    assertEquals("user", c.get("role").asText());
    assertEquals("User", c.get("name").asText(), "the user's field is kept");
    assertEquals("lead@example.com", c.get("email").asText(), "an empty field is filled");
    assertEquals("555", c.get("phone").asText());
    assertEquals(1, c.get("tags").get("total_count").asInt(), c.toString());
    assertEquals(tagId, c.get("tags").get("data").get(0).get("id").asText());
    assertEquals(1, c.get("notes").get("total_count").asInt());

    assertEquals(404, get("/contacts/" + lead).status(), "the lead is gone");
    assertEquals(404, get("/contacts/" + lead + "/notes").status());
    TallyHttp.Res summary = get("/events?type=user&user_id=mu-1&summary=true");
    assertEquals(200, summary.status(), summary.toString());
    Map<String, Integer> counts = new java.util.TreeMap<>();
    summary
        .json()
        .get("events")
        .forEach(e -> counts.put(e.get("name").asText(), e.get("count").asInt()));
    assertEquals(Map.of("visit", 2, "signup", 1), counts, summary.toString());
    assertEquals(
        Set.of(user),
        found(
            searchAt(
                "{\"field\":\"email\",\"operator\":\"=\",\"value\":\"lead@example.com\"}",
                merged.position())));
    assertEquals(
        Set.of(user),
        found(
            searchAt(
                "{\"field\":\"events.visit.count\",\"operator\":\"=\",\"value\":2}",
                merged.position())));
    assertEquals(1, get("/contacts").json().get("total_count").asInt());
    assertVerifyAgrees("after a merge");
    TallyHttp.Res log =
        http.call("GET", "/admin/oplog?after=" + (merged.position() - 2), ADMIN, null);
    assertTrue(log.toString().contains("\"merge\""), log.toString());
  }

  @Test
  void badMergesAreRefusedNamingTheField() {
    String user = createContact("{\"external_id\":\"bm-1\"}");
    String user2 = createContact("{\"external_id\":\"bm-2\"}");
    String lead = createContact("{\"role\":\"lead\"}");
    String other = newWorkspace("merge-other");
    String otherLead =
        http.call("POST", "/contacts", other, "{\"role\":\"lead\"}").json().get("id").asText();
    String[][] cases = {
      {"{\"into\":\"" + user + "\"}", "400", "from"},
      {"{\"from\":\"" + lead + "\"}", "400", "into"},
      {"{\"from\":null,\"into\":\"" + user + "\"}", "400", "from"},
      {"{\"from\":\"abc\",\"into\":\"" + user + "\"}", "400", "from"},
      {"{\"from\":\"" + lead + "\",\"into\":\"-5\"}", "400", "into"},
      {"{\"from\":true,\"into\":\"" + user + "\"}", "400", "from"},
      {"{\"from\":\"" + user2 + "\",\"into\":\"" + user + "\"}", "400", "from"},
      {"{\"from\":\"" + lead + "\",\"into\":\"" + lead + "\"}", "400", "into"},
      {"{\"from\":\"" + user + "\",\"into\":\"" + user + "\"}", "400", "into"},
      {"{\"from\":\"" + otherLead + "\",\"into\":\"" + user + "\"}", "404", "from"},
      {"{\"from\":\"" + lead + "\",\"into\":\"987654321\"}", "404", "into"},
      {"{\"from\":\"" + lead + "\",\"into\":\"" + user + "\",\"x\":1}", "400", "x"},
      {"[]", "400", "body"},
    };
    for (String[] k : cases) {
      TallyHttp.Res r = post("/contacts/merge", k[0]);
      assertEquals(Integer.parseInt(k[1]), r.status(), k[0] + ": " + r);
      assertEquals("error.list", r.json().get("type").asText(), r.toString());
      assertEquals(k[2], r.field(), k[0] + ": " + r);
    }
    // A lead into another lead: "into" must be a user.
    String lead2 = createContact("{\"role\":\"lead\"}");
    TallyHttp.Res notUser =
        post("/contacts/merge", "{\"from\":\"" + lead + "\",\"into\":\"" + lead2 + "\"}");
    assertEquals(400, notUser.status());
    assertEquals("into", notUser.field());
    // Nothing was merged: both leads are there.
    assertEquals(200, get("/contacts/" + lead).status());
    assertEquals(200, http.call("GET", "/contacts/" + otherLead, other, null).status());
  }
}
