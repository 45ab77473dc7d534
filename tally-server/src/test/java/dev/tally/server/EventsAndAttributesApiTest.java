package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.model.BuiltInAttributes;
import dev.tally.core.model.ContactField;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventsAndAttributesApiTest extends ApiTestBase {

  @Test
  void eventsAreAcceptedListedAndSummarised() {
    String id = createContact("{\"external_id\":\"u1\",\"email\":\"u1@example.com\"}");
    TallyHttp.Res r =
        post(
            "/events",
            "{\"event_name\":\"placed-order\",\"created_at\":1700000000,\"user_id\":\"u1\",\"metadata\":{\"order\":\"A1\"}}");
    assertEquals(202, r.status(), r.toString());
    assertEquals("", r.raw().body());
    assertEquals(
        202,
        post(
                "/events",
                "{\"event_name\":\"placed-order\",\"created_at\":1700000000,\"user_id\":\"u1\"}")
            .status(),
        "a duplicate is accepted and ignored");
    assertEquals(
        202,
        post(
                "/events",
                "{\"event_name\":\"placed-order\",\"created_at\":1700000500,\"email\":\"u1@example.com\"}")
            .status());
    assertEquals(
        202,
        post(
                "/events",
                "{\"event_name\":\"invited\",\"created_at\":1700000100,\"id\":\"" + id + "\"}")
            .status());

    TallyHttp.Res list = get("/events?type=user&user_id=u1&per_page=2");
    assertEquals(200, list.status(), list.toString());
    assertEquals("event.list", list.json().get("type").asText());
    assertEquals(2, list.json().get("events").size());
    assertEquals("invited", list.json().get("events").get(0).get("event_name").asText());
    String next = list.json().path("pages").path("next").asText();
    TallyHttp.Res page2 = get(next);
    assertEquals(1, page2.json().get("events").size());
    assertEquals("A1", page2.json().get("events").get(0).path("metadata").path("order").asText());

    TallyHttp.Res summary = get("/events?type=user&intercom_user_id=" + id + "&summary=true");
    assertEquals("event.summary", summary.json().get("type").asText());
    assertEquals("u1", summary.json().get("user_id").asText());
    JsonNode placed = summary.json().get("events").get(1);
    assertEquals("placed-order", placed.get("name").asText());
    assertEquals(2, placed.get("count").asInt());
    assertEquals("2023-11-14T22:13:20.000+00:00", placed.get("first").asText());
    assertEquals("2023-11-14T22:21:40.000+00:00", placed.get("last").asText());

    assertEquals(
        404,
        post("/events", "{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"nobody\"}").status());
    assertEquals(404, get("/events?type=user&email=nobody@example.com").status());
  }

  /**
   * A database error Tally does not expect is a bug: a 500 naming the request, and no Retry-After,
   * since a retry cannot help.
   */
  /**
   * Every timestamp is range-checked: one past year 9999 is a 400, never a 500 on every later read.
   */
  @Test
  void timestampsBeyondYear9999AreRefused() {
    String id = createContact("{\"external_id\":\"t1\"}");
    for (String at : new String[] {"31556889864403199", "253402300800", "-1"}) {
      TallyHttp.Res event =
          post("/events", "{\"event_name\":\"late\",\"created_at\":" + at + ",\"user_id\":\"t1\"}");
      assertEquals(400, event.status(), at + ": " + event);
      assertEquals("created_at", event.field());
      assertTrue(event.raw().body().contains("9999-12-31T23:59:59Z"), event.toString());
      TallyHttp.Res contact =
          post("/contacts", "{\"external_id\":\"t2\",\"signed_up_at\":" + at + "}");
      assertEquals(400, contact.status(), at + ": " + contact);
      assertEquals("signed_up_at", contact.field());
    }
    assertEquals(
        202,
        post("/events", "{\"event_name\":\"late\",\"created_at\":253402300799,\"user_id\":\"t1\"}")
            .status());
    TallyHttp.Res summary = get("/events?type=user&intercom_user_id=" + id + "&summary=true");
    assertEquals(200, summary.status(), summary.toString());
    assertEquals(
        "9999-12-31T23:59:59.000+00:00", summary.json().get("events").get(0).get("last").asText());
  }

  /** Event metadata follows the value rules of attributes (issue 11, finding 7). */
  @Test
  void eventMetadataValuesAreFiniteAndBounded() {
    createContact("{\"external_id\":\"m1\"}");
    for (String[] c :
        new String[][] {
          {"{\"big\":1e400}", "metadata.big"},
          {"{\"long\":\"" + "x".repeat(256) + "\"}", "metadata.long"},
          {"{\"nul\":\"a\\u0000\"}", "metadata.nul"},
          {"{\"price\":{\"amount\":-1e999,\"currency\":\"eur\"}}", "metadata.price.amount"},
        }) {
      TallyHttp.Res r =
          post(
              "/events",
              "{\"event_name\":\"m\",\"created_at\":1,\"user_id\":\"m1\",\"metadata\":"
                  + c[0]
                  + "}");
      assertEquals(400, r.status(), c[0] + ": " + r);
      assertEquals(c[1], r.field(), c[0] + ": " + r);
    }
    TallyHttp.Res fine =
        post(
            "/events",
            "{\"event_name\":\"m\",\"created_at\":1,\"user_id\":\"m1\",\"metadata\":{\"link\":{\"url\":\"https://example.com/"
                + "p".repeat(300)
                + "\",\"value\":\"a page\"},\"n\":2.5,\"note\":\"two\\nlines\"}}");
    assertEquals(202, fine.status(), fine.toString());
  }

  /** POST /events/summaries sets a contact's summaries, searchable at once (issue 12). */
  @Test
  void eventSummariesAreSetIdempotentlyAndSearched() {
    createContact("{\"external_id\":\"s1\"}");
    post("/events", "{\"event_name\":\"paid\",\"created_at\":1700000000,\"user_id\":\"s1\"}");
    String body =
        "{\"user_id\":\"s1\",\"event_summaries\":{\"event_name\":\"paid\",\"count\":7,"
            + "\"first\":1600000000,\"last\":1650000000}}";
    TallyHttp.Res r = post("/events/summaries", body);
    assertEquals(200, r.status(), r.toString());
    assertEquals("", r.raw().body());
    assertEquals(200, post("/events/summaries", body).status(), "a retry changes nothing more");
    // A list form too, with a name the workspace did not have.
    r =
        post(
            "/events/summaries",
            "{\"user_id\":\"s1\",\"event_summaries\":[{\"event_name\":\"imported\",\"count\":2,"
                + "\"last\":1500000000}]}");
    assertEquals(200, r.status(), r.toString());
    long position = r.position();
    JsonNode events = get("/events?type=user&user_id=s1&summary=true").json().get("events");
    java.util.Map<String, JsonNode> byName = new java.util.HashMap<>();
    events.forEach(e -> byName.put(e.get("name").asText(), e));
    assertEquals(7, byName.get("paid").get("count").asInt());
    assertEquals("2020-09-13T12:26:40.000+00:00", byName.get("paid").get("first").asText());
    assertEquals(2, byName.get("imported").get("count").asInt());
    assertEquals("", byName.get("imported").get("description").asText());
    TallyHttp.Res found =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"operator\":\"AND\",\"value\":["
                + "{\"field\":\"events.paid.count\",\"operator\":\"=\",\"value\":7},"
                + "{\"field\":\"events.imported.last\",\"operator\":\"=\",\"value\":1500000000}]}}",
            java.util.Map.of("Tally-Min-Position", Long.toString(position)));
    assertEquals(1, found.json().get("total_count").asInt(), found.toString());
    // A later event adds to a set summary.
    post("/events", "{\"event_name\":\"paid\",\"created_at\":1700000999,\"user_id\":\"s1\"}");
    events = get("/events?type=user&user_id=s1&summary=true").json().get("events");
    events.forEach(e -> byName.put(e.get("name").asText(), e));
    assertEquals(8, byName.get("paid").get("count").asInt());
    // Bad input names the field; an unknown contact is a 404; nothing is half-written.
    for (String[] c :
        new String[][] {
          {"{\"user_id\":\"s1\"}", "event_summaries"},
          {
            "{\"user_id\":\"s1\",\"event_summaries\":{\"event_name\":\"x\",\"count\":0,\"last\":1}}",
            "event_summaries.count"
          },
          {
            "{\"user_id\":\"s1\",\"event_summaries\":{\"event_name\":\"x\",\"count\":1,\"first\":5,\"last\":1}}",
            "event_summaries.first"
          },
          {
            "{\"user_id\":\"s1\",\"event_summaries\":{\"event_name\":\"x\",\"count\":1}}",
            "event_summaries.last"
          },
          {
            "{\"user_id\":\"s1\",\"event_summaries\":[{\"event_name\":\"x\",\"count\":1,\"last\":1},"
                + "{\"event_name\":\"y\",\"count\":1,\"last\":253402300800}]}",
            "event_summaries[1].last"
          },
          {
            "{\"user_id\":\"s1\",\"event_summaries\":{\"event_name\":\"\",\"count\":1,\"last\":1}}",
            "event_summaries.event_name"
          },
        }) {
      TallyHttp.Res bad = post("/events/summaries", c[0]);
      assertEquals(400, bad.status(), c[0] + ": " + bad);
      assertEquals(c[1], bad.field(), c[0] + ": " + bad);
    }
    assertEquals(
        404,
        post(
                "/events/summaries",
                "{\"user_id\":\"nobody\",\"event_summaries\":{\"event_name\":\"x\",\"count\":1,\"last\":1}}")
            .status());
    events = get("/events?type=user&user_id=s1&summary=true").json().get("events");
    assertEquals(2, events.size(), "no summary of a refused request was written: " + events);
  }

  /** PUT /data_attributes/{id} changes what Intercom lets change, never name or type (issue 12). */
  @Test
  void dataAttributesAreUpdatedAndArchived() {
    TallyHttp.Res created =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\",\"options\":[\"a\"]}");
    assertEquals(200, created.status(), created.toString());
    String id = created.json().get("id").asText();
    TallyHttp.Res updated =
        http.call(
            "PUT",
            "/data_attributes/" + id,
            token,
            "{\"description\":\"Just a plain old ring\",\"options\":[{\"value\":\"1-10\"},{\"value\":\"11-20\"}],\"archived\":false}");
    assertEquals(200, updated.status(), updated.toString());
    assertEquals("Just a plain old ring", updated.json().get("description").asText());
    assertEquals("11-20", updated.json().get("options").get(1).asText());
    assertEquals("tier", updated.json().get("name").asText());
    TallyHttp.Res archived =
        http.call("PUT", "/data_attributes/" + id, token, "{\"archived\":true}");
    assertEquals(true, archived.json().get("archived").asBoolean());
    assertEquals("Just a plain old ring", archived.json().get("description").asText(), "kept");
    assertFalse(
        get("/data_attributes").json().findValuesAsText("name").contains("tier"),
        "an archived attribute leaves the list");
    assertTrue(
        get("/data_attributes?include_archived=true")
            .json()
            .findValuesAsText("name")
            .contains("tier"));
    for (String[] c :
        new String[][] {
          {"{\"name\":\"other\"}", "name"},
          {"{\"data_type\":\"integer\"}", "data_type"},
          {"{\"options\":\"x\"}", "options"},
          {"{\"archived\":\"yes\"}", "archived"},
        }) {
      TallyHttp.Res bad = http.call("PUT", "/data_attributes/" + id, token, c[0]);
      assertEquals(400, bad.status(), c[0] + ": " + bad);
      assertEquals(c[1], bad.field(), c[0] + ": " + bad);
    }
    TallyHttp.Res number =
        post(
            "/data_attributes",
            "{\"name\":\"seats\",\"model\":\"contact\",\"data_type\":\"integer\"}");
    TallyHttp.Res noOptions =
        http.call(
            "PUT",
            "/data_attributes/" + number.json().get("id").asText(),
            token,
            "{\"options\":[\"1\"]}");
    assertEquals(400, noOptions.status(), noOptions.toString());
    assertEquals("options", noOptions.field());
    TallyHttp.Res missing = http.call("PUT", "/data_attributes/999999999", token, "{}");
    assertEquals(404, missing.status());
    String other = newWorkspace("attributes-other");
    assertEquals(
        404, http.call("PUT", "/data_attributes/" + id, other, "{\"archived\":true}").status());
  }

  /** Metadata past 10 keys is ignored, as Intercom's spec says, not refused (issue 12). */
  @Test
  void metadataBeyondTenKeysIsIgnored() {
    createContact("{\"external_id\":\"k1\"}");
    StringBuilder keys = new StringBuilder("{");
    for (int i = 1; i <= 12; i++) {
      keys.append(i == 1 ? "" : ",").append("\"k").append(i).append("\":").append(i);
    }
    // The ignored keys are not checked either: k12 would be refused if it were kept.
    String body =
        "{\"event_name\":\"many\",\"created_at\":5,\"user_id\":\"k1\",\"metadata\":"
            + keys.toString().replace("\"k12\":12", "\"k12\":\"a\\u0000\"")
            + "}}";
    TallyHttp.Res r = post("/events", body);
    assertEquals(202, r.status(), r.toString());
    JsonNode metadata =
        get("/events?type=user&user_id=k1").json().get("events").get(0).get("metadata");
    assertEquals(10, metadata.size(), metadata.toString());
    assertEquals(1, metadata.get("k1").asInt());
    assertEquals(10, metadata.get("k10").asInt());
    assertEquals(null, metadata.get("k11"));
  }

  /** A list attribute's options are bounded in number and length (issue 11, finding 7). */
  @Test
  void attributeOptionsAreBounded() {
    StringBuilder many = new StringBuilder("[");
    for (int i = 0; i < 501; i++) {
      many.append(i == 0 ? "" : ",").append("\"o").append(i).append("\"");
    }
    TallyHttp.Res tooMany =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\",\"options\":"
                + many
                + "]}");
    assertEquals(400, tooMany.status(), tooMany.toString());
    assertEquals("options", tooMany.field());
    TallyHttp.Res tooLong =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\",\"options\":[\""
                + "l".repeat(256)
                + "\"]}");
    assertEquals(400, tooLong.status(), tooLong.toString());
    assertEquals("options[0]", tooLong.field());
    assertEquals(
        200,
        post(
                "/data_attributes",
                "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\",\"options\":[\"gold\"]}")
            .status());
  }

  @Test
  void anUnexpectedDatabaseErrorIsA500WithoutRetryAfter() throws Exception {
    createContact("{\"external_id\":\"u1\"}");
    // Behind Tally's back, as a careless migration might: the database now refuses some events.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute(
          "CREATE TRIGGER forbid BEFORE INSERT ON events WHEN NEW.name = 'forbidden' BEGIN SELECT RAISE(ABORT, 'no'); END");
    }
    TallyHttp.Res r =
        post("/events", "{\"event_name\":\"forbidden\",\"created_at\":1,\"user_id\":\"u1\"}");
    assertEquals(500, r.status(), r.toString());
    assertEquals(null, r.header("Retry-After"));
    assertEquals("store_error", r.json().path("errors").get(0).path("code").asText());
    assertTrue(r.message().contains("retrying will not help"), r.message());
    assertTrue(r.json().path("request_id").asText().length() > 0);
    assertEquals(
        202,
        post("/events", "{\"event_name\":\"allowed\",\"created_at\":1,\"user_id\":\"u1\"}")
            .status());
  }

  @Test
  void dataAttributesAreDeclaredOrInferredAndEnforced() {
    TallyHttp.Res made =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"integer\",\"description\":\"Support tier\"}");
    assertEquals(200, made.status(), made.toString());
    assertEquals("custom_attributes.tier", made.json().get("full_name").asText());
    assertEquals("integer", made.json().get("data_type").asText());
    JsonNode id = made.json().get("id");
    assertTrue(id.isIntegralNumber(), "a data attribute's id is an integer in the spec: " + id);
    assertTrue(
        id.longValue() > (1L << 32) && id.longValue() < (1L << 53),
        "above 2^32 with test offsets, below 2^53 so JavaScript reads it exactly: " + id);
    assertEquals("Support tier", made.json().get("description").asText());
    TallyHttp.Res wrong =
        post(
            "/contacts", "{\"email\":\"a@example.com\",\"custom_attributes\":{\"tier\":\"gold\"}}");
    assertEquals(400, wrong.status());
    assertEquals("custom_attributes.tier", wrong.field());
    assertTrue(
        wrong.message().contains("integer") && wrong.message().contains("string"), wrong.message());
    createContact(
        "{\"email\":\"b@example.com\",\"custom_attributes\":{\"tier\":2,\"trial_ends_at\":1700000000}}");
    List<JsonNode> list = custom(get("/data_attributes?model=contact"));
    assertEquals(2, list.size());
    JsonNode inferred = list.get(1);
    assertTrue(
        inferred.get("description").isTextual() && inferred.get("description").asText().isEmpty(),
        "description is a string in the spec: \"\" when there is none, never null: " + inferred);
    assertEquals("date", inferred.get("data_type").asText());
    assertEquals("contact", inferred.get("model").asText());
    assertEquals(0, custom(get("/data_attributes?model=company")).size());
    assertEquals(
        400,
        post(
                "/data_attributes",
                "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\"}")
            .status());
  }

  /**
   * GET /data_attributes answers the whole list without paging parameters, as Intercom's clients
   * expect (issue 11, finding 15: bounded now by the cap), and pages with them.
   */
  @Test
  void dataAttributesArePagedOnlyWhenAsked() {
    List<String> defined = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      String name = "attr" + i;
      defined.add(name);
      assertEquals(
          200,
          post(
                  "/data_attributes",
                  "{\"name\":\"" + name + "\",\"model\":\"contact\",\"data_type\":\"integer\"}")
              .status());
    }
    // The built-ins of both models come first, then the custom attributes in id order.
    int builtIns = ContactField.values().length + BuiltInAttributes.of("company").size();
    TallyHttp.Res whole = get("/data_attributes");
    assertEquals(builtIns + 7, whole.json().get("data").size(), whole.toString());
    assertFalse(whole.json().has("pages"), "Intercom's list has no pages");
    List<String> expected = keys(whole);
    assertEquals(
        defined,
        custom(whole).stream().map(a -> a.get("name").asText()).toList(),
        "the custom attributes last, in id order");

    // Pages of 3 (the last built-ins and the first custom attributes share a page), then of 40
    // (all the built-ins and some custom attributes on the first page).
    for (int perPage : List.of(3, 40)) {
      List<String> seen = new ArrayList<>();
      String query = "/data_attributes?per_page=" + perPage;
      int pages = 0;
      int total = builtIns + 7;
      while (query != null) {
        TallyHttp.Res page = get(query);
        assertEquals(200, page.status(), page.toString());
        pages++;
        assertEquals("list", page.json().get("type").asText());
        assertEquals(total, page.json().get("total_count").asInt());
        JsonNode p = page.json().get("pages");
        assertEquals("pages", p.get("type").asText());
        assertEquals(pages, p.get("page").asInt());
        assertEquals(perPage, p.get("per_page").asInt());
        assertEquals((total + perPage - 1) / perPage, p.get("total_pages").asInt());
        assertTrue(
            page.json().get("data").size() == perPage || !p.has("next"),
            "only the last page is short: " + page);
        seen.addAll(keys(page));
        query =
            p.has("next")
                ? "/data_attributes?per_page="
                    + perPage
                    + "&starting_after="
                    + p.get("next").get("starting_after").asText()
                : null;
      }
      assertEquals((total + perPage - 1) / perPage, pages);
      assertEquals(expected, seen, "per_page " + perPage);
    }
    assertEquals(
        List.of("role"),
        names(get("/data_attributes?per_page=1&include_archived=false&model=contact")));
    assertEquals(5, get("/data_attributes?per_page=5&model=company").json().get("data").size());
    assertEquals(
        0, get("/data_attributes?per_page=5&model=conversation").json().get("data").size());

    for (String bad : List.of("0", "151", "-1", "x", "1.5")) {
      TallyHttp.Res r = get("/data_attributes?per_page=" + bad);
      assertEquals(400, r.status(), bad + ": " + r);
      assertEquals("per_page", r.field(), bad);
    }
    TallyHttp.Res badCursor = get("/data_attributes?starting_after=not-a-cursor");
    assertEquals(400, badCursor.status(), badCursor.toString());
    assertEquals("starting_after", badCursor.field());
  }

  /**
   * The built-in attributes of both models (issue 12): Intercom's shape, no id, {@code custom:
   * false}; the model filter; conversation's list empty.
   */
  @Test
  void builtInAttributesAreListedPerModel() throws Exception {
    TallyHttp.Res company = get("/data_attributes?model=company");
    assertEquals(200, company.status(), company.toString());
    JsonNode name = company.json().get("data").get(0);
    // Intercom's own example of the company's name attribute, as its 2.11 spec gives it.
    assertEquals(
        TallyHttp.JSON.readTree(
            "{\"type\":\"data_attribute\",\"name\":\"name\",\"full_name\":\"name\","
                + "\"label\":\"Company name\",\"description\":\"The name of a company\","
                + "\"data_type\":\"string\",\"api_writable\":true,\"ui_writable\":false,"
                + "\"messenger_writable\":true,\"custom\":false,\"archived\":false,"
                + "\"model\":\"company\"}"),
        name);
    List<String> fullNames = new ArrayList<>();
    company.json().get("data").forEach(a -> fullNames.add(a.get("full_name").asText()));
    assertEquals(
        List.of(
            "name",
            "company_id",
            "plan.name",
            "size",
            "website",
            "industry",
            "monthly_spend",
            "session_count",
            "user_count",
            "remote_created_at",
            "created_at",
            "updated_at",
            "last_request_at"),
        fullNames);
    TallyHttp.Res contact = get("/data_attributes?model=contact");
    assertEquals(ContactField.values().length, contact.json().get("data").size());
    for (JsonNode a : contact.json().get("data")) {
      assertEquals("contact", a.get("model").asText(), a.toString());
      assertFalse(a.get("custom").asBoolean(), a.toString());
      assertFalse(a.has("id"), "built-ins have no id: " + a);
      assertTrue(a.get("label").asText().length() > 0, a.toString());
      assertTrue(a.get("description").asText().length() > 0, a.toString());
      ContactField f = ContactField.byName(a.get("full_name").asText());
      assertEquals(f.type().apiName(), a.get("data_type").asText(), a.toString());
      assertEquals(f.clientWritable(), a.get("api_writable").asBoolean(), a.toString());
    }
    JsonNode city =
        custom(contact, false).stream()
            .filter(a -> a.get("full_name").asText().equals("location.city"))
            .findFirst()
            .orElseThrow();
    assertEquals("city", city.get("name").asText());
    assertEquals(
        ContactField.values().length + 13, get("/data_attributes").json().get("data").size());
    TallyHttp.Res conversation = get("/data_attributes?model=conversation");
    assertEquals(200, conversation.status());
    assertEquals(0, conversation.json().get("data").size());
    for (String bad : List.of("Contact", "companies", "")) {
      TallyHttp.Res r = get("/data_attributes?model=" + bad);
      assertEquals(400, r.status(), bad + ": " + r);
      assertEquals("model", r.field(), bad);
    }
  }

  /**
   * Custom attributes of companies beside those of contacts (issue 12): names unique per model,
   * Intercom's message for a second one; each model typed apart.
   */
  @Test
  void companyAttributesAreDefinedBesideContactOnes() {
    TallyHttp.Res company =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"company\",\"data_type\":\"string\"}");
    assertEquals(200, company.status(), company.toString());
    assertEquals("company", company.json().get("model").asText());
    assertEquals("custom_attributes.tier", company.json().get("full_name").asText());
    assertTrue(company.json().get("custom").asBoolean());
    TallyHttp.Res contact =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"integer\"}");
    assertEquals(200, contact.status(), "another model's name is free: " + contact);
    assertEquals("contact", contact.json().get("model").asText());
    TallyHttp.Res again =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"company\",\"data_type\":\"float\"}");
    assertEquals(400, again.status(), again.toString());
    assertEquals("name", again.field());
    assertEquals("parameter_invalid", again.json().get("errors").get(0).get("code").asText());
    assertTrue(
        again.message().contains("You already have \"tier\" in your company data"),
        again.message());
    TallyHttp.Res people =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\"}");
    assertTrue(people.message().contains("in your people data"), people.message());
    // Contacts type against contact attributes only: tier is an integer there.
    assertEquals(
        200,
        post("/contacts", "{\"email\":\"t@example.com\",\"custom_attributes\":{\"tier\":3}}")
            .status());
    assertEquals(
        List.of("tier"),
        custom(get("/data_attributes?model=company")).stream()
            .map(a -> a.get("name").asText())
            .toList());
    assertEquals(2, custom(get("/data_attributes")).size());
  }

  /**
   * Intercom's rule for a new attribute's name: alphanumerics, currency symbols and hyphens (and
   * the spaces and underscores its examples use); not a built-in of the same model (issue 12).
   */
  @Test
  void newAttributeNamesFollowIntercomsRule() {
    for (String[] c :
        new String[][] {
          {"!nv@l!d n@me", "contact", "alphanumeric characters"},
          {"a/b", "contact", "alphanumeric characters"},
          {"a.b", "contact", "'.'"},
          {"email", "contact", "one of our standard attributes for your people data"},
          {"Email", "contact", "standard attributes"},
          {"location", "contact", "standard attributes"},
          {"website", "company", "one of our standard attributes for your company data"},
          {"plan", "company", "standard attributes"},
          {"   ", "contact", "not only spaces"},
        }) {
      TallyHttp.Res r =
          post(
              "/data_attributes",
              "{\"name\":\"" + c[0] + "\",\"model\":\"" + c[1] + "\",\"data_type\":\"string\"}");
      assertEquals(400, r.status(), c[0] + ": " + r);
      assertEquals("name", r.field(), c[0]);
      assertTrue(r.message().contains(c[2]), c[0] + ": " + r.message());
    }
    for (String[] c :
        new String[][] {
          {"Mithril Shirt", "company"},
          {"paid_subscriber", "contact"},
          {"price-\u20ac", "contact"},
          {"größe", "contact"},
          {"website", "contact"},
          {"email", "company"},
        }) {
      TallyHttp.Res r =
          post(
              "/data_attributes",
              "{\"name\":\"" + c[0] + "\",\"model\":\"" + c[1] + "\",\"data_type\":\"string\"}");
      assertEquals(200, r.status(), c[0] + ": " + r);
    }
    // The same rule when a first value defines the attribute; nothing is written.
    for (String name : List.of("bad!", "name", "Phone")) {
      TallyHttp.Res r =
          post(
              "/contacts",
              "{\"email\":\"n@example.com\",\"custom_attributes\":{\"" + name + "\":\"x\"}}");
      assertEquals(400, r.status(), name + ": " + r);
      assertEquals("custom_attributes." + name, r.field());
    }
    assertEquals(0, get("/contacts").json().get("data").size(), "nothing half-written");
    TallyHttp.Res model =
        post(
            "/data_attributes",
            "{\"name\":\"x\",\"model\":\"conversation\",\"data_type\":\"string\"}");
    assertEquals(400, model.status());
    assertEquals("model", model.field());
    assertTrue(
        model
            .message()
            .contains("The Data Attribute model field must be either contact or company"),
        model.message());
  }

  /** The custom attributes a list answered, in order. */
  private static List<JsonNode> custom(TallyHttp.Res r) {
    return custom(r, true);
  }

  /** The attributes a list answered whose {@code custom} is {@code custom}, in order. */
  private static List<JsonNode> custom(TallyHttp.Res r, boolean custom) {
    List<JsonNode> out = new ArrayList<>();
    r.json()
        .get("data")
        .forEach(
            a -> {
              if (a.get("custom").asBoolean() == custom) {
                out.add(a);
              }
            });
    return out;
  }

  /** Each listed attribute as model:full_name (unique, as names of built-ins are not). */
  private static List<String> keys(TallyHttp.Res r) {
    List<String> out = new ArrayList<>();
    r.json()
        .get("data")
        .forEach(a -> out.add(a.get("model").asText() + ":" + a.get("full_name").asText()));
    return out;
  }

  private static List<String> names(TallyHttp.Res r) {
    List<String> out = new ArrayList<>();
    r.json().get("data").forEach(a -> out.add(a.get("name").asText()));
    return out;
  }
}
