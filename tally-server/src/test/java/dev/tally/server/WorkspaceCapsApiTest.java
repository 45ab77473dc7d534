package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * The caps on distinct event names and custom attributes per workspace (issue 11, findings 4 and
 * 15), over HTTP, with small caps set by their settings: a new name past a cap is a 400 naming the
 * field, the cap and the setting, the whole request is refused, and the names a workspace has keep
 * working.
 */
class WorkspaceCapsApiTest extends ApiTestBase {
  private static final int EVENT_NAMES = 3;
  private static final int ATTRIBUTES = 3;

  @Override
  protected Map<Setting, String> settings() {
    return Map.of(
        Settings.MAX_EVENT_NAMES,
        Integer.toString(EVENT_NAMES),
        Settings.MAX_CUSTOM_ATTRIBUTES,
        Integer.toString(ATTRIBUTES));
  }

  private TallyHttp.Res event(String token, String user, String name, long at) {
    return http.call(
        "POST",
        "/events",
        token,
        "{\"event_name\":\"" + name + "\",\"created_at\":" + at + ",\"user_id\":\"" + user + "\"}");
  }

  private Set<String> eventNames(String user) {
    TallyHttp.Res r = get("/events?type=user&user_id=" + user + "&summary=true");
    assertEquals(200, r.status(), r.toString());
    Set<String> names = new TreeSet<>();
    r.json().get("events").forEach(e -> names.add(e.get("name").asText()));
    return names;
  }

  /** The names of the custom attributes (not the built-ins) the list answers, in order. */
  private List<String> attributeNames(String query) {
    TallyHttp.Res r = get("/data_attributes" + query);
    assertEquals(200, r.status(), r.toString());
    List<String> names = new ArrayList<>();
    r.json()
        .get("data")
        .forEach(
            a -> {
              if (a.get("custom").asBoolean()) {
                names.add(a.get("name").asText());
              }
            });
    return names;
  }

  private static void assertRefusedAtCap(
      TallyHttp.Res r, String code, String field, String setting) {
    assertEquals(400, r.status(), r.toString());
    assertEquals("error.list", r.json().get("type").asText(), r.toString());
    assertEquals(code, r.code(), r.toString());
    assertEquals(field, r.field(), r.toString());
    assertTrue(r.message().contains("at most 3"), r.message());
    assertTrue(r.message().contains(setting), r.message());
    assertTrue(r.message().contains("Retrying will not help"), r.message());
    assertNull(r.header("Retry-After"), "a retry cannot help, so none is invited");
  }

  @Test
  void aNewEventNamePastTheCapIsRefusedAndKnownNamesGoOn() {
    createContact("{\"external_id\":\"u1\"}");
    createContact("{\"external_id\":\"u2\"}");
    for (String name : List.of("signed-up", "placed-order", "invited")) {
      assertEquals(202, event(token, "u1", name, 1_700_000_000).status());
    }

    TallyHttp.Res refused = event(token, "u1", "churned", 1_700_000_000);
    assertRefusedAtCap(refused, "event_name_limit_reached", "event_name", "--max-event-names");
    assertTrue(refused.message().contains("\"churned\""), refused.message());
    assertEquals(Set.of("invited", "placed-order", "signed-up"), eventNames("u1"));

    assertEquals(202, event(token, "u1", "placed-order", 1_700_000_100).status());
    assertEquals(202, event(token, "u2", "invited", 1_700_000_100).status(), "new to u2 only");
    assertEquals(Set.of("invited"), eventNames("u2"));
    assertEquals(400, event(token, "u2", "churned", 1_700_000_100).status());

    String globex = newWorkspace("globex");
    http.call("POST", "/contacts", globex, "{\"external_id\":\"g1\"}");
    for (String name : List.of("a", "b", "c")) {
      assertEquals(202, event(globex, "g1", name, 1).status(), "another workspace's names");
    }
  }

  @Test
  void aNewCustomAttributePastTheCapIsRefusedByEveryKindOfWrite() {
    String id =
        createContact(
            "{\"external_id\":\"c1\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":3}}");
    assertEquals(
        200,
        post(
                "/data_attributes",
                "{\"name\":\"region\",\"model\":\"contact\",\"data_type\":\"string\"}")
            .status());

    // A contact create that brings a new attribute: refused whole, the contact is not created.
    TallyHttp.Res create =
        post(
            "/contacts",
            "{\"external_id\":\"c2\",\"custom_attributes\":{\"plan\":\"free\",\"tier\":\"gold\"}}");
    assertRefusedAtCap(
        create, "custom_data_limit_reached", "custom_attributes.tier", "--max-custom-attributes");
    assertEquals(1, get("/contacts").json().get("total_count").asInt());

    // An update: refused whole, the contact keeps what it had.
    TallyHttp.Res update =
        http.call(
            "PUT",
            "/contacts/" + id,
            token,
            "{\"name\":\"Ann\",\"custom_attributes\":{\"seats\":4,\"tier\":\"gold\"}}");
    assertRefusedAtCap(
        update, "custom_data_limit_reached", "custom_attributes.tier", "--max-custom-attributes");
    JsonNode c = get("/contacts/" + id).json();
    assertTrue(c.get("name").isNull(), c.toString());
    assertEquals(3, c.get("custom_attributes").get("seats").asInt());

    // POST /data_attributes.
    TallyHttp.Res defined =
        post(
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\"}");
    assertRefusedAtCap(defined, "custom_data_limit_reached", "name", "--max-custom-attributes");

    // A bulk import: the line with the new attribute is rejected like other bad lines.
    TallyHttp.Res bulk =
        post(
            "/contacts/bulk",
            String.join(
                "\n",
                "{\"external_id\":\"b1\",\"custom_attributes\":{\"plan\":\"team\"}}",
                "{\"external_id\":\"b2\",\"custom_attributes\":{\"tier\":\"gold\"}}",
                "{\"external_id\":\"c1\",\"custom_attributes\":{\"region\":\"eu\",\"tier\":\"x\"}}",
                "{\"external_id\":\"b3\",\"custom_attributes\":{\"seats\":1}}"));
    assertEquals(200, bulk.status(), bulk.toString());
    assertEquals(2, bulk.json().get("created").asInt(), bulk.toString());
    assertEquals(2, bulk.json().get("failed").asInt(), bulk.toString());
    JsonNode errors = bulk.json().get("errors");
    assertEquals(2, errors.get(0).get("line").asInt());
    assertEquals(3, errors.get(1).get("line").asInt());
    for (JsonNode e : errors) {
      assertEquals("custom_data_limit_reached", e.get("code").asText(), e.toString());
      assertEquals("custom_attributes.tier", e.get("field").asText(), e.toString());
    }
    assertFalse(
        get("/contacts/" + id).json().get("custom_attributes").has("region"),
        "the refused line changed nothing of c1");

    // At the cap, the attributes the workspace has are written as before.
    assertEquals(
        200,
        http.call(
                "PUT",
                "/contacts/" + id,
                token,
                "{\"custom_attributes\":{\"plan\":\"team\",\"region\":\"eu\"}}")
            .status());
    assertEquals(List.of("plan", "seats", "region"), attributeNames(""));
  }

  @Test
  void racingRequestsNeverPassTheCaps() throws Exception {
    createContact("{\"external_id\":\"racer\"}");
    int writers = 24;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Integer>> events = new ArrayList<>();
      List<Future<Integer>> contacts = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int k = i;
        events.add(pool.submit(() -> event(token, "racer", "e" + k, 1).status()));
        contacts.add(
            pool.submit(
                () ->
                    post(
                            "/contacts",
                            "{\"external_id\":\"r"
                                + k
                                + "\",\"custom_attributes\":{\"a"
                                + k
                                + "\":1}}")
                        .status()));
      }
      assertEquals(EVENT_NAMES, count(events, 202), "events recorded");
      assertEquals(writers - EVENT_NAMES, count(events, 400), "events refused");
      assertEquals(ATTRIBUTES, count(contacts, 200), "contacts created");
      assertEquals(writers - ATTRIBUTES, count(contacts, 400), "contacts refused");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(EVENT_NAMES, eventNames("racer").size());
    assertEquals(ATTRIBUTES, attributeNames("").size());
    assertEquals(1 + ATTRIBUTES, get("/contacts").json().get("total_count").asInt());
  }

  private static int count(List<Future<Integer>> statuses, int status) throws Exception {
    int n = 0;
    for (Future<Integer> f : statuses) {
      n += f.get() == status ? 1 : 0;
    }
    return n;
  }
}
