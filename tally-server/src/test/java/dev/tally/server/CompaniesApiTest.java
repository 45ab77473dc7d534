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
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Intercom's company endpoints, a contact's companies and company_id in search, through HTTP. */
class CompaniesApiTest extends ApiTestBase {

  private JsonNode company(String body) {
    TallyHttp.Res r = post("/companies", body);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private TallyHttp.Res attach(String contactId, String companyId) {
    return post("/contacts/" + contactId + "/companies", "{\"id\":\"" + companyId + "\"}");
  }

  private Set<String> search(String query, long minPosition) {
    TallyHttp.Res r =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":" + query + ",\"pagination\":{\"per_page\":150}}",
            Map.of("Tally-Min-Position", Long.toString(minPosition)));
    assertEquals(200, r.status(), r.toString());
    Set<String> ids = new TreeSet<>();
    r.json().get("data").forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  private static String companyIs(String op, String id) {
    return "{\"field\":\"company_id\",\"operator\":\"" + op + "\",\"value\":\"" + id + "\"}";
  }

  @Test
  void createUpdateFindAndDeleteInIntercomShape() {
    JsonNode c =
        company(
            "{\"company_id\":\"acme-1\",\"name\":\"Acme\",\"plan\":\"pro\",\"size\":12,"
                + "\"monthly_spend\":155.98,\"remote_created_at\":1374138000,"
                + "\"custom_attributes\":{\"tier\":\"gold\"}}");
    assertEquals("company", c.get("type").asText());
    assertTrue(c.get("id").isTextual(), "company ids are strings");
    assertTrue(Long.parseLong(c.get("id").asText()) > (1L << 53), "ids above 2^53: " + c);
    assertEquals("acme-1", c.get("company_id").asText());
    assertEquals(155, c.get("monthly_spend").asLong(), "Intercom truncates monthly_spend");
    assertEquals(0, c.get("user_count").asLong());
    assertEquals("pro", c.get("plan").get("name").asText());
    assertEquals("gold", c.get("custom_attributes").get("tier").asText());
    assertEquals("tag.list", c.get("tags").get("type").asText());
    for (String field :
        List.of("app_id", "created_at", "updated_at", "last_request_at", "website", "industry")) {
      assertTrue(c.has(field), "every schema field is present: " + field);
    }
    String id = c.get("id").asText();

    JsonNode again = company("{\"company_id\":\"acme-1\",\"industry\":\"anvils\"}");
    assertEquals(id, again.get("id").asText(), "POST with a known company_id updates it");
    assertEquals("Acme", again.get("name").asText());
    assertEquals("anvils", again.get("industry").asText());

    assertEquals(id, get("/companies/" + id).json().get("id").asText());
    assertEquals(id, get("/companies?company_id=acme-1").json().get("id").asText());
    assertEquals(id, get("/companies?name=Acme").json().get("id").asText());
    TallyHttp.Res missing = get("/companies?company_id=nope");
    assertEquals(404, missing.status());
    assertEquals("company_not_found", missing.code());

    TallyHttp.Res put = http.call("PUT", "/companies/" + id, token, "{\"name\":\"Acme Inc\"}");
    assertEquals(200, put.status(), put.toString());
    assertEquals("Acme Inc", put.json().get("name").asText());
    TallyHttp.Res bodiless = http.call("PUT", "/companies/" + id, token, null);
    assertEquals(200, bodiless.status(), "a PUT without a body (v6 sends none) changes nothing");
    assertEquals("Acme Inc", bodiless.json().get("name").asText());
    TallyHttp.Res rekey =
        http.call("PUT", "/companies/" + id, token, "{\"company_id\":\"acme-2\"}");
    assertEquals(400, rekey.status());
    assertEquals("company_id", rekey.field());

    TallyHttp.Res deleted = http.call("DELETE", "/companies/" + id, token, null);
    assertEquals(200, deleted.status(), deleted.toString());
    assertEquals(id, deleted.json().get("id").asText());
    assertEquals("company", deleted.json().get("object").asText());
    assertTrue(deleted.json().get("deleted").asBoolean());
    assertEquals(404, get("/companies/" + id).status());
    assertEquals(404, http.call("DELETE", "/companies/" + id, token, null).status());
  }

  @Test
  void companyCustomAttributesAreTypedByTheCompanyModelAlone() {
    company("{\"company_id\":\"a\",\"custom_attributes\":{\"tier\":\"gold\"}}");
    // The same name on contacts is another attribute, typed by its own first value.
    createContact("{\"email\":\"t@example.com\",\"custom_attributes\":{\"tier\":5}}");
    TallyHttp.Res wrong =
        post("/companies", "{\"company_id\":\"b\",\"custom_attributes\":{\"tier\":5}}");
    assertEquals(400, wrong.status(), wrong.toString());
    assertEquals("custom_attributes.tier", wrong.field());
    JsonNode attrs = get("/data_attributes?model=company").json().get("data");
    List<String> custom = new ArrayList<>();
    attrs.forEach(
        a -> {
          if (a.get("custom").asBoolean()) {
            custom.add(a.get("name").asText() + ":" + a.get("data_type").asText());
          }
        });
    assertEquals(List.of("tier:string"), custom);
    // Every standard company field Tally keeps is listed as a built-in (the plan as Intercom's
    // plan.name).
    Set<String> builtIn = new TreeSet<>();
    attrs.forEach(a -> builtIn.add(a.get("full_name").asText()));
    for (String field : dev.tally.core.model.Company.STANDARD.keySet()) {
      assertTrue(
          builtIn.contains(field) || builtIn.contains(field + ".name"),
          field + " is listed: " + builtIn);
    }
  }

  @Test
  void badInputIsAFourHundredNamingTheField() {
    Map<String, String> cases =
        Map.of(
            "{\"name\":\"no key\"}", "company_id",
            "{\"company_id\":\"a\",\"size\":\"big\"}", "size",
            "{\"company_id\":\"a\",\"monthly_spend\":3000000000}", "monthly_spend",
            "{\"company_id\":\"a\",\"colour\":\"red\"}", "colour",
            "{\"company_id\":\"a\",\"custom_attributes\":{\"x.y\":1}}", "custom_attributes.x.y",
            "{\"company_id\":\"\"}", "company_id",
            "[1]", "body");
    cases.forEach(
        (body, field) -> {
          TallyHttp.Res r = post("/companies", body);
          assertEquals(400, r.status(), body + " -> " + r);
          assertEquals(field, r.field(), body + " -> " + r);
        });
    assertEquals(404, get("/companies/abc").status());
    assertEquals(400, http.call("POST", "/companies/list?order=up", token, null).status());
    assertEquals(400, http.call("POST", "/companies/list?page=0", token, null).status());
    TallyHttp.Res deep = http.call("POST", "/companies/list?page=100000&per_page=60", token, null);
    assertEquals(400, deep.status());
    assertEquals("page", deep.field());
    String contact = createContact("{\"email\":\"x@example.com\"}");
    TallyHttp.Res none = post("/contacts/" + contact + "/companies", "{}");
    assertEquals(400, none.status());
    assertEquals("id", none.field());
    TallyHttp.Res unknown = attach(contact, "123");
    assertEquals(404, unknown.status());
    assertEquals("company_not_found", unknown.code());
  }

  @Test
  void attachingKeepsUserCountAndShowsInTheContactAndInSearch() {
    String acme = company("{\"company_id\":\"acme\"}").get("id").asText();
    String beta = company("{\"company_id\":\"beta\"}").get("id").asText();
    String ann = createContact("{\"email\":\"ann@example.com\"}");
    String bob = createContact("{\"email\":\"bob@example.com\"}");
    TallyHttp.Res a = attach(ann, acme);
    assertEquals(200, a.status(), a.toString());
    assertEquals(1, a.json().get("user_count").asLong());
    assertEquals(1, attach(ann, acme).json().get("user_count").asLong(), "attaching is idempotent");
    attach(ann, beta);
    long position = attach(bob, acme).position();
    assertEquals(2, get("/companies/" + acme).json().get("user_count").asLong());

    JsonNode contact = get("/contacts/" + ann).json();
    JsonNode companies = contact.get("companies");
    assertEquals(2, companies.get("total_count").asInt());
    assertEquals(acme, companies.get("data").get(0).get("id").asText());
    assertEquals("/companies/" + acme, companies.get("data").get(0).get("url").asText());

    JsonNode list = get("/contacts/" + ann + "/companies").json();
    assertEquals(2, list.get("total_count").asInt());
    assertEquals(2, list.get("companies").size());
    assertEquals(list.get("companies"), list.get("data"));

    assertEquals(Set.of(ann, bob), search(companyIs("=", acme), position));
    assertEquals(Set.of(ann), search(companyIs("=", beta), position));
    assertEquals(Set.of(bob), search(companyIs("!=", beta), position));
    assertEquals(
        Set.of(),
        search(
            "{\"field\":\"company_id\",\"operator\":\"NIN\",\"value\":[\""
                + acme
                + "\",\""
                + beta
                + "\"]}",
            position));

    JsonNode members = get("/companies/" + acme + "/contacts").json();
    assertEquals(2, members.get("total_count").asInt());
    List<String> ids = new ArrayList<>();
    members.get("data").forEach(m -> ids.add(m.get("id").asText()));
    assertEquals(List.of(ann, bob), ids);

    TallyHttp.Res detached =
        http.call("DELETE", "/contacts/" + bob + "/companies/" + acme, token, null);
    assertEquals(200, detached.status(), detached.toString());
    assertEquals(1, detached.json().get("user_count").asLong());
    assertEquals(Set.of(ann), search(companyIs("=", acme), detached.position()));

    // Deleting the company: at once no contact shows it and no search matches it.
    long deletedAt = http.call("DELETE", "/companies/" + acme, token, null).position();
    assertEquals(1, get("/contacts/" + ann).json().get("companies").get("total_count").asInt());
    assertEquals(Set.of(), search(companyIs("=", acme), deletedAt));
    Await.until(
        "the deleted company's contacts detached",
        Duration.ofSeconds(30),
        () -> server.store().pendingDeletions(dev.tally.core.query.Field.Members.Kind.COMPANY),
        n -> n == 0);
  }

  @Test
  void listsPageByNumberAndScrollVisitsEveryCompanyOnce() {
    List<String> made = new ArrayList<>();
    for (int i = 0; i < 70; i++) {
      made.add(
          company("{\"company_id\":\"c" + i + "\",\"name\":\"C" + i + "\"}").get("id").asText());
    }
    JsonNode first = http.call("POST", "/companies/list?per_page=50", token, null).json();
    assertEquals(70, first.get("total_count").asInt());
    assertEquals(50, first.get("data").size());
    assertEquals(made.get(69), first.get("data").get(0).get("id").asText(), "newest first");
    assertEquals(2, first.get("pages").get("next").asInt());
    JsonNode second = http.call("POST", "/companies/list?per_page=50&page=2", token, null).json();
    assertEquals(20, second.get("data").size());
    assertTrue(second.get("pages").get("next").isNull());
    assertEquals(
        0,
        http.call("POST", "/companies/list?per_page=50&page=3", token, null)
            .json()
            .get("data")
            .size());
    JsonNode asc = http.call("POST", "/companies/list?order=asc&per_page=1", token, null).json();
    assertEquals(made.get(0), asc.get("data").get(0).get("id").asText());
    assertEquals(15, get("/companies").json().get("data").size(), "Intercom's default page");
    assertEquals(0, get("/companies?tag_id=5").json().get("data").size(), "no company is tagged");

    List<String> seen = new ArrayList<>();
    String param = null;
    for (int guard = 0; guard < 10; guard++) {
      JsonNode page =
          get("/companies/scroll" + (param == null ? "" : "?scroll_param=" + param)).json();
      page.get("data").forEach(x -> seen.add(x.get("id").asText()));
      if (page.get("data").isEmpty()) {
        assertTrue(page.get("scroll_param").isNull(), "the end has no scroll_param");
        break;
      }
      param = page.get("scroll_param").asText();
      assertFalse(param.isEmpty());
    }
    assertEquals(made, seen, "every company once, in id order");
    assertEquals(400, get("/companies/scroll?scroll_param=nonsense").status());
  }

  @Test
  void anotherWorkspacesCompanyIsNotFound() {
    String acme = company("{\"company_id\":\"acme\"}").get("id").asText();
    String otherToken = newWorkspace("other");
    String contact = createContact("{\"email\":\"o@example.com\"}");
    for (String[] call :
        new String[][] {
          {"GET", "/companies/" + acme, null},
          {"PUT", "/companies/" + acme, "{\"name\":\"x\"}"},
          {"DELETE", "/companies/" + acme, null},
          {"GET", "/companies/" + acme + "/contacts", null},
          {"GET", "/companies?company_id=acme", null},
        }) {
      TallyHttp.Res r = http.call(call[0], call[1], otherToken, call[2]);
      assertEquals(404, r.status(), call[0] + " " + call[1] + " -> " + r);
    }
    TallyHttp.Res foreignContact =
        http.call(
            "POST", "/contacts/" + contact + "/companies", otherToken, "{\"id\":\"" + acme + "\"}");
    assertEquals(404, foreignContact.status());
    assertEquals(200, get("/companies/" + acme).status(), "still there for its own workspace");
  }
}
