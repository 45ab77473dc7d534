package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Notes (issue 12): written about a contact by a teammate, listed newest first, shown in the
 * contact's object; they go with their contact, and outlive their author.
 */
class NotesApiTest extends ApiTestBase {

  @Test
  void notesAreWrittenListedShownAndOutliveTheirAuthor() {
    String ws = defaultWorkspace();
    long ann = newAdmin(ws, "Ann", "ann@example.com");
    String contact = createContact("{\"external_id\":\"n1\"}");
    TallyHttp.Res first =
        post(
            "/contacts/" + contact + "/notes",
            "{\"body\":\"Called them.\\nThey want a demo.\",\"admin_id\":" + ann + "}");
    assertEquals(200, first.status(), first.toString());
    JsonNode note = first.json();
    assertEquals("note", note.get("type").asText());
    assertTrue(note.get("id").isTextual());
    assertEquals(contact, note.get("contact").get("id").asText());
    assertEquals(Long.toString(ann), note.get("author").get("id").asText());
    assertEquals("Called them.\nThey want a demo.", note.get("body").asText());
    for (int i = 0; i < 11; i++) {
      assertEquals(
          200, post("/contacts/" + contact + "/notes", "{\"body\":\"n" + i + "\"}").status());
    }
    // The contact's object shows the newest 10 with the count.
    JsonNode notes = get("/contacts/" + contact).json().get("notes");
    assertEquals(12, notes.get("total_count").asInt(), notes.toString());
    assertEquals(10, notes.get("data").size());
    assertTrue(notes.get("has_more").asBoolean());
    assertEquals("/contacts/" + contact + "/notes", notes.get("url").asText());
    // Listed newest first, in pages.
    TallyHttp.Res page = get("/contacts/" + contact + "/notes?per_page=5");
    assertEquals(12, page.json().get("total_count").asInt());
    assertEquals("n10", page.json().get("data").get(0).get("body").asText());
    String next = page.json().get("pages").get("next").get("starting_after").asText();
    TallyHttp.Res rest = get("/contacts/" + contact + "/notes?per_page=50&starting_after=" + next);
    assertEquals(7, rest.json().get("data").size());
    assertEquals(
        note.get("id").asText(), rest.json().get("data").get(6).get("id").asText(), "oldest last");
    assertEquals(200, get("/notes/" + note.get("id").asText()).status());
    // The author is deleted: the note stays, without an author.
    assertEquals(
        200,
        http.call("DELETE", "/admin/workspaces/" + ws + "/admins/" + ann, ADMIN, null).status());
    JsonNode orphan = get("/notes/" + note.get("id").asText()).json();
    assertTrue(orphan.get("author").isNull(), orphan.toString());
    assertEquals("Called them.\nThey want a demo.", orphan.get("body").asText());
    // The contact is deleted: its notes go with it.
    assertEquals(200, http.call("DELETE", "/contacts/" + contact, token, null).status());
    assertEquals(404, get("/notes/" + note.get("id").asText()).status());
  }

  /**
   * The 2.11 spec lists a contact's notes by page number, and the v6 and v7 clients' pagers ask for
   * page 2, 3, … until a page is empty: each page must be the next one, never the first again.
   */
  @Test
  void notesArePagedByPageNumberUntilAnEmptyPage() {
    String contact = createContact("{\"external_id\":\"n3\"}");
    for (int i = 0; i < 5; i++) {
      assertEquals(
          200, post("/contacts/" + contact + "/notes", "{\"body\":\"p" + i + "\"}").status());
    }
    String list = "/contacts/" + contact + "/notes?per_page=2&page=";
    assertEquals(List.of("p4", "p3"), get(list + 1).json().get("data").findValuesAsText("body"));
    JsonNode second = get(list + 2).json();
    assertEquals(List.of("p2", "p1"), second.get("data").findValuesAsText("body"));
    assertEquals(2, second.get("pages").get("page").asInt(), second.toString());
    assertEquals(3, second.get("pages").get("total_pages").asInt(), second.toString());
    assertEquals(5, second.get("total_count").asInt());
    assertEquals(List.of("p0"), get(list + 3).json().get("data").findValuesAsText("body"));
    assertEquals(0, get(list + 4).json().get("data").size(), "past the last page: empty");
    assertEquals(0, get(list + 40).json().get("data").size());
    for (String bad : new String[] {"0", "x", "-1", "1&starting_after=5"}) {
      TallyHttp.Res r = get(list + bad);
      assertEquals(400, r.status(), bad + ": " + r);
      assertEquals("page", r.field(), bad + ": " + r);
    }
  }

  @Test
  void badNotesAreNamedAndOtherWorkspacesSeeNone() {
    String contact = createContact("{\"external_id\":\"n2\"}");
    for (String[] c :
        new String[][] {
          {"{}", "body"},
          {"{\"body\":\"\"}", "body"},
          {"{\"body\":5}", "body"},
          {"{\"body\":\"a\\u0000\"}", "body"},
          {"{\"body\":\"x\",\"admin_id\":true}", "admin_id"},
          {"{\"body\":\"x\",\"colour\":1}", "colour"},
        }) {
      TallyHttp.Res r = post("/contacts/" + contact + "/notes", c[0]);
      assertEquals(400, r.status(), c[0] + ": " + r);
      assertEquals(c[1], r.field(), c[0] + ": " + r);
    }
    TallyHttp.Res noAdmin =
        post("/contacts/" + contact + "/notes", "{\"body\":\"x\",\"admin_id\":\"12345\"}");
    assertEquals(404, noAdmin.status(), noAdmin.toString());
    assertEquals("admin_id", noAdmin.field());
    assertEquals(404, post("/contacts/999999999/notes", "{\"body\":\"x\"}").status());
    String id =
        post("/contacts/" + contact + "/notes", "{\"body\":\"private\"}").json().get("id").asText();
    String other = newWorkspace("notes-other");
    assertEquals(404, http.call("GET", "/notes/" + id, other, null).status());
    assertEquals(404, http.call("GET", "/contacts/" + contact + "/notes", other, null).status());
    assertEquals(
        404,
        http.call("POST", "/contacts/" + contact + "/notes", other, "{\"body\":\"x\"}").status());
    assertEquals(
        List.of("private"), get("/contacts/" + contact + "/notes").json().findValuesAsText("body"));
  }
}
