package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ContactsApiTest extends ApiTestBase {

  @Test
  void createReadUpdateDeleteInIntercomShape() {
    long owner = newAdmin(defaultWorkspace(), "Olive", "olive@example.com");
    TallyHttp.Res created =
        post(
            "/contacts",
            "{\"email\":\"ann@example.com\",\"external_id\":\"ann-1\",\"name\":\"Ann\","
                + "\"phone\":\"+1555\",\"avatar\":\"https://x/a.png\",\"owner_id\":"
                + owner
                + ",\"signed_up_at\":1700000000,\"last_seen_at\":1700000100,"
                + "\"unsubscribed_from_emails\":true,\"custom_attributes\":{\"plan\":\"pro\"},\"location\":{\"city\":\"Lyon\"}}");
    assertEquals(200, created.status(), created.toString());
    JsonNode c = created.json();
    assertEquals("contact", c.get("type").asText());
    assertTrue(c.get("id").isTextual() && c.get("workspace_id").isTextual(), "ids are strings");
    assertTrue(c.get("owner_id").isIntegralNumber(), "owner_id is an integer, as in the spec");
    assertEquals(owner, c.get("owner_id").longValue());
    assertTrue(owner > (1L << 32) && owner < (1L << 53), "teammate ids: above 2^32, below 2^53");
    assertTrue(
        Long.parseLong(c.get("id").asText()) > (1L << 53),
        "ids above 2^53 keep every digit: " + c.get("id"));
    assertEquals("user", c.get("role").asText());
    assertEquals("example.com", c.get("email_domain").asText());
    assertEquals("https://x/a.png", c.path("avatar").path("image_url").asText());
    assertEquals(1700000000, c.get("signed_up_at").asLong());
    assertEquals("Lyon", c.path("location").path("city").asText());
    assertTrue(c.get("last_replied_at").isNull());
    assertEquals("pro", c.path("custom_attributes").path("plan").asText());
    assertTrue(created.position() > (1L << 53));
    String id = c.get("id").asText();

    TallyHttp.Res read = get("/contacts/" + id);
    assertEquals(c, read.json());

    TallyHttp.Res updated =
        http.call(
            "PUT",
            "/contacts/" + id,
            token,
            "{\"name\":\"Ann B\",\"role\":\"lead\",\"custom_attributes\":{\"plan\":null}}");
    assertEquals(200, updated.status(), updated.toString());
    assertEquals("Ann B", updated.json().get("name").asText());
    assertEquals("lead", updated.json().get("role").asText());
    assertFalse(updated.json().get("custom_attributes").has("plan"));
    assertTrue(updated.position() > created.position());

    TallyHttp.Res deleted = http.call("DELETE", "/contacts/" + id, token, null);
    assertEquals(200, deleted.status());
    assertEquals(true, deleted.json().get("deleted").asBoolean());
    assertEquals("ann-1", deleted.json().get("external_id").asText());
    assertEquals(404, get("/contacts/" + id).status());
    assertEquals("not_found", get("/contacts/" + id).code());
  }

  @Test
  void duplicateIdentityIsAConflictNamingTheExistingContact() {
    String id = createContact("{\"email\":\"dup@example.com\"}");
    TallyHttp.Res dup = post("/contacts", "{\"email\":\"DUP@example.com\"}");
    assertEquals(409, dup.status());
    assertEquals("conflict", dup.code());
    assertTrue(dup.message().contains(id), dup.message());
    assertEquals("error.list", dup.json().get("type").asText());
    assertTrue(dup.json().get("request_id").isTextual());
    // Another workspace may hold the same email.
    String other = newWorkspace("other");
    assertEquals(
        200, http.call("POST", "/contacts", other, "{\"email\":\"dup@example.com\"}").status());
  }

  @Test
  void listPagesWithCursorsUntilTheLastPage() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 7; i++) {
      ids.add(createContact("{\"email\":\"p" + i + "@example.com\"}"));
    }
    Set<String> seen = new HashSet<>();
    String path = "/contacts?per_page=3";
    int pages = 0;
    while (path != null) {
      TallyHttp.Res r = get(path);
      assertEquals(200, r.status(), r.toString());
      assertEquals(7, r.json().get("total_count").asInt());
      assertEquals(3, r.json().path("pages").path("total_pages").asInt());
      r.json().get("data").forEach(c -> seen.add(c.get("id").asText()));
      JsonNode next = r.json().path("pages").path("next");
      path =
          next.isMissingNode()
              ? null
              : "/contacts?per_page=3&starting_after=" + next.get("starting_after").asText();
      pages++;
    }
    assertEquals(3, pages);
    assertEquals(ids, seen);
  }

  @Test
  void everyWriteReportsItsPosition() {
    TallyHttp.Res a = post("/contacts", "{\"email\":\"a@example.com\"}");
    TallyHttp.Res b = post("/contacts", "{\"email\":\"b@example.com\"}");
    assertTrue(b.position() > a.position());
    TallyHttp.Res oplog =
        http.call("GET", "/admin/oplog?after=" + a.position() + "&limit=10", ADMIN, null);
    assertEquals(200, oplog.status(), oplog.toString());
    JsonNode entries = oplog.json().get("data");
    assertEquals(1, entries.size());
    assertEquals(String.valueOf(b.position()), entries.get(0).get("position").asText());
    assertEquals("contact", entries.get(0).get("entity").asText());
    assertEquals("create", entries.get(0).get("op").asText());
    assertFalse(oplog.raw().body().contains("@example.com"), "the oplog carries no personal data");
  }
}
