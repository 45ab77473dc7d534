package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Intercom's tag endpoints, the contact's tags list and tag_id in search, through HTTP. */
class TagsApiTest extends ApiTestBase {

  private static String tagIs(String op, String tagId) {
    return "{\"field\":\"tag_id\",\"operator\":\"" + op + "\",\"value\":\"" + tagId + "\"}";
  }

  private String createTag(String name) {
    TallyHttp.Res r = post("/tags", "{\"name\":\"" + name + "\"}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  @Test
  void createFindRenameListAndDeleteInIntercomShape() {
    TallyHttp.Res created = post("/tags", "{\"name\":\"VIP\"}");
    assertEquals(200, created.status(), created.toString());
    JsonNode t = created.json();
    assertEquals("tag", t.get("type").asText());
    assertTrue(t.get("id").isTextual(), "tag ids are strings");
    assertTrue(Long.parseLong(t.get("id").asText()) > (1L << 53), "ids above 2^53: " + t);
    assertEquals("VIP", t.get("name").asText());
    String id = t.get("id").asText();

    TallyHttp.Res again = post("/tags", "{\"name\":\"vip\"}");
    assertEquals(t, again.json(), "names are case insensitive: the same tag comes back");

    assertEquals(t, get("/tags/" + id).json());
    TallyHttp.Res renamed = post("/tags", "{\"id\":\"" + id + "\",\"name\":\"Gold\"}");
    assertEquals(200, renamed.status(), renamed.toString());
    assertEquals("Gold", renamed.json().get("name").asText());
    assertEquals(id, renamed.json().get("id").asText());
    String other = createTag("Silver");

    TallyHttp.Res taken = post("/tags", "{\"id\":\"" + other + "\",\"name\":\"GOLD\"}");
    assertEquals(400, taken.status(), taken.toString());
    assertEquals("name", taken.field());

    JsonNode list = get("/tags").json();
    assertEquals("list", list.get("type").asText());
    List<String> names = new ArrayList<>();
    list.get("data").forEach(x -> names.add(x.get("name").asText()));
    assertEquals(List.of("Gold", "Silver"), names);

    TallyHttp.Res deleted = http.call("DELETE", "/tags/" + id, token, null);
    assertEquals(200, deleted.status(), deleted.toString());
    assertEquals("", deleted.raw().body(), "Intercom answers a deleted tag with 200 and no body");
    assertEquals(404, get("/tags/" + id).status());
    assertEquals(404, http.call("DELETE", "/tags/" + id, token, null).status());
    assertEquals(1, get("/tags").json().get("data").size());
  }

  @Test
  void badInputIsA4xxNamingTheField() {
    record Case(String body, int status, String field) {}
    for (Case c :
        List.of(
            new Case("{}", 400, "name"),
            new Case("{\"name\":5}", 400, "name"),
            new Case("{\"name\":\"  \"}", 400, "name"),
            new Case("{\"name\":\"" + "x".repeat(256) + "\"}", 400, "name"),
            new Case("{\"name\":\"a\\u0001\"}", 400, "name"),
            new Case("{\"test\":\"invalid\"}", 400, "test"),
            new Case("{\"name\":\"a\",\"companies\":[{\"id\":\"1\"}]}", 400, "companies"),
            new Case("{\"name\":\"a\",\"id\":\"abc\"}", 400, "id"),
            new Case("{\"name\":\"a\",\"id\":\"999\"}", 404, "id"),
            new Case("{\"name\":\"a\",\"users\":{}}", 400, "users"),
            new Case("{\"name\":\"a\",\"users\":[{\"email\":\"x\"}]}", 400, "users[0].email"),
            new Case("{\"name\":\"a\",\"users\":[{\"id\":\"77\"}]}", 404, "users[0].id"),
            new Case("[]", 400, "body"))) {
      TallyHttp.Res r = post("/tags", c.body());
      assertEquals(c.status(), r.status(), c.body() + " -> " + r);
      assertEquals("error.list", r.json().get("type").asText());
      assertEquals(c.field(), r.field(), c.body() + " -> " + r);
    }
    assertTrue(get("/tags").json().get("data").isEmpty(), "nothing was half-written");
    String contact = createContact("{\"email\":\"b@example.com\"}");
    for (Case c :
        List.of(
            new Case("{}", 400, "id"),
            new Case("{\"id\":true}", 400, "id"),
            new Case("{\"id\":\"12\",\"name\":\"x\"}", 400, "name"),
            new Case("{\"id\":\"12\"}", 404, "id"))) {
      TallyHttp.Res r = post("/contacts/" + contact + "/tags", c.body());
      assertEquals(c.status(), r.status(), c.body() + " -> " + r);
      assertEquals(c.field(), r.field(), c.body() + " -> " + r);
    }
    assertEquals(404, get("/tags/abc").status());
    assertEquals(404, get("/contacts/12/tags").status());
    assertEquals(
        400,
        http.call(
                "POST",
                "/contacts/search",
                token,
                "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},"
                    + "\"sort\":{\"field\":\"tag_id\"}}")
            .status());
  }

  @Test
  void taggingShowsOnTheContactAndInSearchAtItsPosition() {
    String ann = createContact("{\"email\":\"ann@example.com\"}");
    String bob = createContact("{\"email\":\"bob@example.com\"}");
    String vip = createTag("VIP");
    String gold = createTag("Gold");

    TallyHttp.Res tagged = post("/contacts/" + ann + "/tags", "{\"id\":\"" + vip + "\"}");
    assertEquals(200, tagged.status(), tagged.toString());
    assertEquals("tag", tagged.json().get("type").asText());
    assertEquals(vip, tagged.json().get("id").asText());
    assertEquals("VIP", tagged.json().get("name").asText());
    assertTrue(tagged.json().get("applied_at").asLong() > 1_600_000_000L);
    assertTrue(tagged.json().get("applied_by").isNull());
    long p = post("/contacts/" + bob + "/tags", "{\"id\":" + gold + "}").position();

    JsonNode tags = get("/contacts/" + ann).json().get("tags");
    assertEquals("list", tags.get("type").asText());
    assertEquals(1, tags.get("total_count").asInt());
    assertFalse(tags.get("has_more").asBoolean());
    assertEquals("/contacts/" + ann + "/tags", tags.get("url").asText());
    assertEquals(
        Map.of("type", "tag", "id", vip, "url", "/tags/" + vip),
        Map.of(
            "type", tags.get("data").get(0).get("type").asText(),
            "id", tags.get("data").get(0).get("id").asText(),
            "url", tags.get("data").get(0).get("url").asText()));
    JsonNode listed = get("/contacts/" + ann + "/tags").json();
    assertEquals("list", listed.get("type").asText());
    assertEquals("VIP", listed.get("data").get(0).get("name").asText());
    assertTrue(listed.get("data").get(0).has("applied_at"));
    JsonNode page = get("/contacts").json();
    page.get("data")
        .forEach(
            c ->
                assertEquals(
                    1, c.get("tags").get("total_count").asInt(), "listed contacts show tags"));

    assertEquals(Set.of(ann), found(searchAt(tagIs("=", vip), p)));
    assertEquals(Set.of(bob), found(searchAt(tagIs("!=", vip), p)));
    assertEquals(
        Set.of(ann, bob),
        found(
            searchAt(
                "{\"field\":\"tag_id\",\"operator\":\"IN\",\"value\":[\""
                    + vip
                    + "\",\""
                    + gold
                    + "\"]}",
                p)));
    assertEquals(
        Set.of(),
        found(
            searchAt(
                "{\"field\":\"tag_id\",\"operator\":\"NIN\",\"value\":[\""
                    + vip
                    + "\",\""
                    + gold
                    + "\"]}",
                p)));
    JsonNode hit = searchAt(tagIs("=", vip), p).json().get("data").get(0);
    assertEquals(1, hit.get("tags").get("total_count").asInt(), "search results show tags");

    TallyHttp.Res untagged = http.call("DELETE", "/contacts/" + ann + "/tags/" + vip, token, null);
    assertEquals(200, untagged.status(), untagged.toString());
    assertEquals(vip, untagged.json().get("id").asText());
    assertEquals(Set.of(), found(searchAt(tagIs("=", vip), untagged.position())));
    assertEquals(0, get("/contacts/" + ann).json().get("tags").get("total_count").asInt());

    // Renaming changes no contact: the position does not move contacts' versions.
    TallyHttp.Res renamed = post("/tags", "{\"id\":\"" + gold + "\",\"name\":\"Golden\"}");
    assertEquals(Set.of(bob), found(searchAt(tagIs("=", gold), renamed.position())));

    TallyHttp.Res verify = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertEquals(200, verify.status(), verify.toString());
    assertTrue(verify.json().get("agree").asBoolean(), "verify agrees after tagging: " + verify);
  }

  @Test
  void postTagsWithUsersTagsThemAllOrNone() {
    String a = createContact("{\"email\":\"a@example.com\"}");
    String b = createContact("{\"email\":\"b2@example.com\"}");
    TallyHttp.Res bad =
        post("/tags", "{\"name\":\"Beta\",\"users\":[{\"id\":\"" + a + "\"},{\"id\":\"123456\"}]}");
    assertEquals(404, bad.status(), bad.toString());
    assertEquals("users[1].id", bad.field());
    assertTrue(get("/tags").json().get("data").isEmpty(), "nothing written, the tag neither");
    TallyHttp.Res ok =
        post("/tags", "{\"name\":\"Beta\",\"users\":[{\"id\":\"" + a + "\"},{\"id\":" + b + "}]}");
    assertEquals(200, ok.status(), ok.toString());
    assertEquals("Beta", ok.json().get("name").asText());
    assertEquals(
        Set.of(a, b), found(searchAt(tagIs("=", ok.json().get("id").asText()), ok.position())));
  }

  @Test
  void anotherWorkspacesTagsAndContactsAreNotFound() {
    String theirs = newWorkspace("globex");
    TallyHttp.Res t = http.call("POST", "/tags", theirs, "{\"name\":\"Secret\"}");
    String theirTag = t.json().get("id").asText();
    String theirContact =
        http.call("POST", "/contacts", theirs, "{\"email\":\"x@example.com\"}")
            .json()
            .get("id")
            .asText();
    String mine = createContact("{\"email\":\"m@example.com\"}");
    String myTag = createTag("Mine");

    TallyHttp.Res r = post("/contacts/" + mine + "/tags", "{\"id\":\"" + theirTag + "\"}");
    assertEquals(404, r.status(), r.toString());
    assertEquals("id", r.field());
    assertTrue(r.message().contains(theirTag), r.message());
    r = post("/contacts/" + theirContact + "/tags", "{\"id\":\"" + myTag + "\"}");
    assertEquals(404, r.status(), r.toString());
    assertTrue(r.message().contains(theirContact), r.message());
    assertEquals(404, get("/tags/" + theirTag).status());
    assertEquals(404, http.call("DELETE", "/tags/" + theirTag, token, null).status());
    assertEquals(404, post("/tags", "{\"id\":\"" + theirTag + "\",\"name\":\"x\"}").status());
    assertEquals(
        404, http.call("DELETE", "/contacts/" + mine + "/tags/" + theirTag, token, null).status());
    assertEquals(404, get("/contacts/" + theirContact + "/tags").status());
    assertEquals(
        List.of("Mine"), List.of(get("/tags").json().get("data").get(0).get("name").asText()));
    assertEquals(
        "Secret", http.call("GET", "/tags/" + theirTag, theirs, null).json().get("name").asText());
    // Searching by another workspace's tag finds nothing here.
    assertEquals(Set.of(), found(searchAt(tagIs("=", theirTag), server.store().head())));
  }

  @Test
  void aDeletedTagNeverMatchesAndItsContactsConverge() {
    List<String> ids = new ArrayList<>();
    String vip = createTag("VIP");
    long p = 0;
    for (int i = 0; i < 30; i++) {
      String id = createContact("{\"email\":\"c" + i + "@example.com\"}");
      ids.add(id);
      p = post("/contacts/" + id + "/tags", "{\"id\":\"" + vip + "\"}").position();
    }
    assertEquals(30, found(searchAt(tagIs("=", vip), p)).size());
    TallyHttp.Res deleted = http.call("DELETE", "/tags/" + vip, token, null);
    assertEquals(200, deleted.status());
    // At once, whether or not its contacts have been re-projected yet:
    assertEquals(Set.of(), found(searchAt(tagIs("=", vip), deleted.position())));
    assertEquals(30, found(searchAt(tagIs("!=", vip), deleted.position())).size());
    assertEquals(0, get("/contacts/" + ids.get(0)).json().get("tags").get("total_count").asInt());
    assertTrue(get("/contacts/" + ids.get(0) + "/tags").json().get("data").isEmpty());
    // The purger re-projects every contact (each a version higher), and verify agrees.
    Await.until(
        "the deleted tag's contacts re-projected",
        Duration.ofSeconds(30),
        () -> server.store().pendingTagDeletions(),
        n -> n == 0);
    long head = server.store().head();
    assertEquals(Set.of(), found(searchAt(tagIs("=", vip), head)));
    TallyHttp.Res verify = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertTrue(verify.json().get("agree").asBoolean(), verify.toString());
    String again = createTag("VIP");
    assertFalse(again.equals(vip), "the name makes a new tag");
  }
}
