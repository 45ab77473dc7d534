package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Segments (issue 12): a name and a query; membership is the query, so a segment is never staler
 * than search — its count, segment_id searches and a contact's segments all follow writes at once.
 */
class SegmentsApiTest extends ApiTestBase {

  private TallyHttp.Res search(String query, long position) {
    return http.call(
        "POST",
        "/contacts/search",
        token,
        "{\"query\":" + query + "}",
        Map.of("Tally-Min-Position", Long.toString(position)));
  }

  private static List<String> ids(TallyHttp.Res r) {
    List<String> out = new ArrayList<>();
    r.json().get("data").forEach(c -> out.add(c.get("id").asText()));
    return out;
  }

  @Test
  void aSegmentIsItsQueryEverywhere() {
    String pro = createContact("{\"external_id\":\"a\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    createContact("{\"external_id\":\"b\",\"custom_attributes\":{\"plan\":\"free\"}}");
    String lead = createContact("{\"role\":\"lead\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    TallyHttp.Res created =
        post(
            "/segments",
            "{\"name\":\"Pro users\",\"query\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"}}");
    assertEquals(200, created.status(), created.toString());
    JsonNode s = created.json();
    assertEquals("segment", s.get("type").asText());
    assertEquals("user", s.get("person_type").asText());
    String id = s.get("id").asText();
    assertTrue(s.get("id").isTextual());
    long position = created.position();

    // segment_id search: the query AND the person type (the pro lead is not in a user segment).
    TallyHttp.Res found =
        search("{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + id + "\"}", position);
    assertEquals(200, found.status(), found.toString());
    assertEquals(List.of(pro), ids(found));
    TallyHttp.Res leads =
        post(
            "/segments",
            "{\"name\":\"Pro leads\",\"person_type\":\"contact\",\"query\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"}}");
    String leadSegment = leads.json().get("id").asText();
    found =
        search(
            "{\"field\":\"segment_id\",\"operator\":\"IN\",\"value\":[\""
                + id
                + "\",\""
                + leadSegment
                + "\"]}",
            leads.position());
    assertEquals(2, found.json().get("total_count").asInt(), found.toString());
    // Not in the segment: everyone else, contacts without a plan and the pro lead included.
    TallyHttp.Res outside =
        search("{\"field\":\"segment_id\",\"operator\":\"!=\",\"value\":\"" + id + "\"}", position);
    assertEquals(200, outside.status(), outside.toString());
    assertEquals(2, outside.json().get("total_count").asInt(), outside.toString());
    assertFalse(ids(outside).contains(pro));
    assertTrue(ids(outside).contains(lead));
    TallyHttp.Res inNeither =
        search(
            "{\"field\":\"segment_id\",\"operator\":\"NIN\",\"value\":[\""
                + id
                + "\",\""
                + leadSegment
                + "\"]}",
            leads.position());
    assertEquals(1, inNeither.json().get("total_count").asInt(), inNeither.toString());

    // Counts and a contact's segments follow a write at once.
    TallyHttp.Res list = get("/segments?include_count=true");
    assertEquals("segment.list", list.json().get("type").asText());
    assertEquals(1, list.json().get("segments").get(0).get("count").asInt(), list.toString());
    TallyHttp.Res upgraded =
        http.call(
            "PUT",
            "/contacts/"
                + ids(search(
                        "{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"b\"}", position))
                    .get(0),
            token,
            "{\"custom_attributes\":{\"plan\":\"pro\"}}");
    assertEquals(200, upgraded.status(), upgraded.toString());
    String b = upgraded.json().get("id").asText();
    TallyHttp.Res ofB = get("/contacts/" + b + "/segments");
    assertEquals(List.of(id), ofB.json().findValuesAsText("id"), ofB.toString());
    assertEquals(
        List.of(leadSegment), get("/contacts/" + lead + "/segments").json().findValuesAsText("id"));
    found =
        search(
            "{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + id + "\"}",
            upgraded.position());
    assertEquals(2, found.json().get("total_count").asInt());

    // A changed query changes membership; a deleted segment is gone.
    TallyHttp.Res changed =
        http.call(
            "PUT",
            "/segments/" + id,
            token,
            "{\"query\":{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"a\"}}");
    assertEquals(200, changed.status(), changed.toString());
    assertEquals("Pro users", changed.json().get("name").asText());
    assertEquals(1, get("/segments/" + id + "?include_count=true").json().get("count").asInt());
    assertEquals(200, http.call("DELETE", "/segments/" + id, token, null).status());
    assertEquals(404, get("/segments/" + id).status());
    TallyHttp.Res gone =
        search("{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + id + "\"}", position);
    assertEquals(400, gone.status());
    assertEquals("query.value", gone.field());
  }

  @Test
  void aSegmentOfATagFollowsTaggingEverywhere() {
    String ann = createContact("{\"external_id\":\"ann\"}");
    String tag = post("/tags", "{\"name\":\"vip\"}").json().get("id").asText();
    TallyHttp.Res seg =
        post(
            "/segments",
            "{\"name\":\"VIPs\",\"query\":{\"field\":\"tag_id\",\"operator\":\"=\",\"value\":\""
                + tag
                + "\"}}");
    assertEquals(200, seg.status(), seg.toString());
    String id = seg.json().get("id").asText();
    assertEquals(List.of(), get("/contacts/" + ann + "/segments").json().findValuesAsText("id"));
    TallyHttp.Res tagged = post("/contacts/" + ann + "/tags", "{\"id\":\"" + tag + "\"}");
    assertEquals(200, tagged.status(), tagged.toString());
    assertEquals(List.of(id), get("/contacts/" + ann + "/segments").json().findValuesAsText("id"));
    TallyHttp.Res found =
        search(
            "{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + id + "\"}",
            tagged.position());
    assertEquals(List.of(ann), ids(found));
  }

  @Test
  void badSegmentsAreNamedFourHundredsAndOtherWorkspacesSeeNothing() {
    for (String[] c :
        new String[][] {
          {"{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"x\"}}", "name"},
          {"{\"name\":\"n\"}", "query"},
          {
            "{\"name\":\"n\",\"query\":{\"field\":\"nope\",\"operator\":\"=\",\"value\":\"x\"}}",
            "query.field"
          },
          {
            "{\"name\":\"n\",\"person_type\":\"robot\",\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"x\"}}",
            "person_type"
          },
          {
            "{\"name\":\"n\",\"query\":{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"1\"}}",
            "query.field"
          },
          {
            "{\"name\":\"n\",\"colour\":\"red\",\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"x\"}}",
            "colour"
          },
        }) {
      TallyHttp.Res r = post("/segments", c[0]);
      assertEquals(400, r.status(), c[0] + ": " + r);
      assertEquals(c[1], r.field(), c[0] + ": " + r);
    }
    TallyHttp.Res mine =
        post(
            "/segments",
            "{\"name\":\"mine\",\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"x@example.com\"}}");
    String id = mine.json().get("id").asText();
    String other = newWorkspace("segments-other");
    assertEquals(404, http.call("GET", "/segments/" + id, other, null).status());
    assertEquals(404, http.call("DELETE", "/segments/" + id, other, null).status());
    assertEquals(0, http.call("GET", "/segments", other, null).json().get("segments").size());
    TallyHttp.Res theirs =
        http.call(
            "POST",
            "/contacts/search",
            other,
            "{\"query\":{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + id + "\"}}");
    assertEquals(400, theirs.status(), "another workspace's segment is unknown here: " + theirs);
    TallyHttp.Res negated =
        post(
            "/contacts/search",
            "{\"query\":{\"field\":\"segment_id\",\"operator\":\"~\",\"value\":\"" + id + "\"}}");
    assertEquals(400, negated.status());
    assertEquals("query.operator", negated.field());
    assertEquals(400, get("/segments?include_count=maybe").status());
  }
}
