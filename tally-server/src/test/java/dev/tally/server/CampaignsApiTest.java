package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.model.Send;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The campaign API (Tally's own; docs/messaging.md): drafts, moves, counts and sends. */
class CampaignsApiTest extends ApiTestBase {
  private static final String WEBHOOK =
      "{\"send\":{\"channel\":\"webhook\",\"url\":\"https://example.com/hook\","
          + "\"secret\":\"s3cret\",\"body\":\"Hi {{name}}\"}}";
  private static final String MINIMAL =
      "{\"name\":\"Welcome\",\"trigger\":{\"type\":\"event\",\"event_name\":\"signed-up\"},"
          + "\"steps\":["
          + WEBHOOK
          + "]}";

  /** Sends queued here are due far in the future: only this test's claims take them. */
  private static final long FAR = 4_000_000_000_000L;

  private JsonNode campaign(String body) {
    TallyHttp.Res r = post("/campaigns", body);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private String segment() {
    TallyHttp.Res plan =
        post(
            "/data_attributes",
            "{\"name\":\"plan\",\"model\":\"contact\",\"data_type\":\"string\"}");
    assertEquals(200, plan.status(), plan.toString());
    TallyHttp.Res r =
        post(
            "/segments",
            "{\"name\":\"pro\",\"query\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\","
                + "\"value\":\"pro\"}}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static void assertCounts(JsonNode counts, Map<String, Long> nonZero) {
    assertEquals(6, counts.size(), "every state is a key: " + counts);
    for (String s : List.of("queued", "held", "sent", "skipped", "expired", "failed")) {
      assertEquals(nonZero.getOrDefault(s, 0L), counts.get(s).asLong(), s + " in " + counts);
    }
  }

  @Test
  void createsADraftWithEveryFieldEchoedInItsCanonicalForm() {
    String seg = segment();
    String news = newSubscriptionType(defaultWorkspace(), "opt_in");
    JsonNode c =
        campaign(
            "{\"name\":\"Pro onboarding\","
                + "\"trigger\":{\"type\":\"segment_entry\",\"segment_id\":"
                + seg
                + "},"
                + "\"audience\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},"
                + "\"steps\":[{\"wait\":\"120m\"},"
                + WEBHOOK
                + ",{\"exit_when\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\","
                + "\"value\":\"free\"}},"
                + "{\"send\":{\"channel\":\"email\",\"from\":\"team@example.com\","
                + "\"subject\":\"Hello {{name}}\",\"body\":\"Welcome, {{custom_attributes.plan}}\"}}],"
                + "\"expires_after\":\"2h\",\"frequency_cap\":{\"max\":2,\"per\":\"7d\"},"
                + "\"quiet_hours\":{\"start\":\"21:00\",\"end\":\"08:00\"},"
                + "\"subscription_type_id\":"
                + news
                + "}");
    assertEquals("campaign", c.get("type").asText());
    assertTrue(c.get("id").isTextual(), "ids are strings: " + c);
    assertTrue(Long.parseLong(c.get("id").asText()) > (1L << 32), "ids above 2^32: " + c);
    assertEquals("Pro onboarding", c.get("name").asText());
    assertEquals("draft", c.get("state").asText());
    assertEquals("segment_entry", c.get("trigger").get("type").asText());
    assertEquals(seg, c.get("trigger").get("segment_id").textValue(), "the id as a string");
    assertEquals("$", c.get("audience").get("operator").asText(), "the audience as given");
    JsonNode steps = c.get("steps");
    assertEquals(4, steps.size());
    assertEquals("2h", steps.get(0).get("wait").asText(), "durations in their largest unit");
    assertEquals("https://example.com/hook", steps.get(1).get("send").get("url").asText());
    assertEquals("Hi {{name}}", steps.get(1).get("send").get("body").asText());
    assertEquals("free", steps.get(2).get("exit_when").get("value").asText());
    assertEquals("email", steps.get(3).get("send").get("channel").asText());
    assertEquals("2h", c.get("expires_after").asText());
    assertEquals(2, c.get("frequency_cap").get("max").asInt());
    assertEquals("1w", c.get("frequency_cap").get("per").asText(), "7d, canonical");
    assertEquals("21:00", c.get("quiet_hours").get("start").asText());
    assertEquals("08:00", c.get("quiet_hours").get("end").asText());
    assertEquals(news, c.get("subscription_type_id").textValue(), "a JSON number, as a string");
    assertCounts(c.get("counts"), Map.of());
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(c.get("created_at").asLong() - now) < 60, "Unix seconds: " + c);
    assertEquals(c.get("created_at"), c.get("updated_at"));
    assertTrue(c.get("started_at").isNull());
    assertTrue(c.get("start_position").isNull());
    assertEquals(c, get("/campaigns/" + c.get("id").asText()).json(), "GET answers the same");
  }

  @Test
  void leftOutFieldsTakeTheirDefaults() {
    JsonNode c = campaign(MINIMAL);
    List<String> fields = new ArrayList<>();
    c.fieldNames().forEachRemaining(fields::add);
    assertEquals(
        List.of(
            ("type id name state trigger audience steps expires_after frequency_cap quiet_hours"
                    + " subscription_type_id counts created_at updated_at started_at start_position")
                .split(" ")),
        fields,
        "every field, in this order");
    assertEquals("signed-up", c.get("trigger").get("event_name").asText());
    assertTrue(c.get("audience").isNull());
    assertEquals("1d", c.get("expires_after").asText(), "24 hours by default");
    assertTrue(c.get("frequency_cap").isNull());
    assertTrue(c.get("quiet_hours").isNull());
    assertTrue(c.get("subscription_type_id").isNull());
    JsonNode broadcast =
        campaign(
            MINIMAL.replace(
                "{\"type\":\"event\",\"event_name\":\"signed-up\"}", "{\"type\":\"broadcast\"}"));
    assertEquals("broadcast", broadcast.get("trigger").get("type").asText());
    assertEquals(1, broadcast.get("trigger").size());
  }

  @Test
  void listsTheWorkspacesCampaignsInIdOrder() {
    assertEquals(0, get("/campaigns").json().get("data").size());
    String a = campaign(MINIMAL).get("id").asText();
    String b = campaign(MINIMAL.replace("Welcome", "Second")).get("id").asText();
    JsonNode list = get("/campaigns").json();
    assertEquals("list", list.get("type").asText());
    assertEquals(2, list.get("data").size());
    assertEquals(a, list.get("data").get(0).get("id").asText());
    assertEquals(b, list.get("data").get(1).get("id").asText());
    assertEquals("Second", list.get("data").get(1).get("name").asText());
    assertEquals("campaign", list.get("data").get(0).get("type").asText());
    assertTrue(list.get("data").get(0).get("counts").isNull(), "counts on GET /campaigns/{id}");
  }

  @Test
  void movesDraftToRunningToPausedAndBackRefusingOtherMoves() {
    String id = campaign(MINIMAL).get("id").asText();
    TallyHttp.Res early = post("/campaigns/" + id + "/pause", "");
    assertEquals(409, early.status(), early.toString());
    assertEquals("conflict", early.code());
    assertTrue(
        early.message().contains("draft") && early.message().contains("paused"), early.message());
    TallyHttp.Res resumeDraft = post("/campaigns/" + id + "/resume", "");
    assertEquals(409, resumeDraft.status(), resumeDraft.toString());
    assertTrue(
        resumeDraft.message().contains("draft") && resumeDraft.message().contains("running"),
        resumeDraft.message());
    assertEquals("draft", get("/campaigns/" + id).json().get("state").asText(), "nothing moved");

    TallyHttp.Res started = post("/campaigns/" + id + "/start", "");
    assertEquals(200, started.status(), started.toString());
    JsonNode s = started.json();
    assertEquals("running", s.get("state").asText());
    assertTrue(s.get("started_at").isNumber(), s.toString());
    assertTrue(s.get("start_position").isTextual(), "a position is a string: " + s);
    assertTrue(started.position() > 0, "a write answers its position");
    JsonNode again = post("/campaigns/" + id + "/start", "").json();
    assertEquals(s.get("updated_at"), again.get("updated_at"), "starting again changes nothing");
    assertEquals("running", again.get("state").asText());

    JsonNode paused = post("/campaigns/" + id + "/pause", "").json();
    assertEquals("paused", paused.get("state").asText());
    assertEquals(s.get("start_position"), paused.get("start_position"), "pausing keeps the start");
    assertEquals("paused", post("/campaigns/" + id + "/pause", "").json().get("state").asText());
    TallyHttp.Res restart = post("/campaigns/" + id + "/start", "");
    assertEquals(409, restart.status(), "a paused campaign is resumed, not started: " + restart);
    assertTrue(
        restart.message().contains("paused") && restart.message().contains("running"),
        restart.message());
    assertTrue(restart.message().contains("resume"), "says what to do: " + restart.message());

    JsonNode resumed = post("/campaigns/" + id + "/resume", "").json();
    assertEquals("running", resumed.get("state").asText());
    assertEquals(s.get("started_at"), resumed.get("started_at"), "resuming keeps the start");
    assertEquals("running", get("/campaigns/" + id).json().get("state").asText());

    TallyHttp.Res missing = post("/campaigns/123/start", "");
    assertEquals(404, missing.status(), missing.toString());
    assertEquals(404, post("/campaigns/x/start", "").status());
  }

  @Test
  void anIdempotencyKeyCreatesOneCampaign() {
    Map<String, String> key = Map.of("Idempotency-Key", "campaign-1");
    TallyHttp.Res first = http.call("POST", "/campaigns", token, MINIMAL, key);
    TallyHttp.Res second = http.call("POST", "/campaigns", token, MINIMAL, key);
    assertEquals(200, first.status(), first.toString());
    assertEquals(first.json(), second.json());
    assertEquals(1, get("/campaigns").json().get("data").size());
    String id = first.json().get("id").asText();
    Map<String, String> startKey = Map.of("Idempotency-Key", "start-1");
    assertEquals(
        200, http.call("POST", "/campaigns/" + id + "/start", token, "", startKey).status());
    assertEquals(200, http.call("POST", "/campaigns/" + id + "/pause", token, "").status());
    TallyHttp.Res replay = http.call("POST", "/campaigns/" + id + "/start", token, "", startKey);
    assertEquals("running", replay.json().get("state").asText(), "the first answer, replayed");
    assertEquals(
        "paused", get("/campaigns/" + id).json().get("state").asText(), "no second effect");
  }

  @Test
  void countsSendsByStateAndPagesThemByCursor() {
    JsonNode c = campaign(MINIMAL);
    String id = c.get("id").asText();
    long cid = Long.parseLong(id);
    long ws = Long.parseLong(defaultWorkspace());
    post("/campaigns/" + id + "/start", "");
    List<Send.New> queue = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      queue.add(new Send.New(ws, cid, 0, 1000 + i, 7 + i, FAR + i, FAR + 86_400_000L));
    }
    assertEquals(5, server.store().write(tx -> tx.queueSends(queue)).value());
    List<Send> claimed =
        server.store().write(tx -> tx.claimSends("test", FAR + 1, FAR + 60_000, 2)).value();
    assertEquals(2, claimed.size());
    server
        .store()
        .write(tx -> tx.recordSend(claimed.get(0).id(), "test", Send.Outcome.sent(202, null)));
    server
        .store()
        .write(
            tx ->
                tx.recordSend(
                    claimed.get(1).id(), "test", Send.Outcome.skipped("no_longer_matches", null)));

    assertCounts(
        get("/campaigns/" + id).json().get("counts"),
        Map.of("queued", 3L, "sent", 1L, "skipped", 1L));

    List<String> seen = new ArrayList<>();
    String after = null;
    int pages = 0;
    do {
      TallyHttp.Res r =
          get(
              "/campaigns/"
                  + id
                  + "/sends?per_page=2"
                  + (after == null ? "" : "&starting_after=" + after));
      assertEquals(200, r.status(), r.toString());
      assertEquals("list", r.json().get("type").asText());
      assertEquals(5, r.json().get("total_count").asLong());
      assertEquals(3, r.json().get("pages").get("total_pages").asLong());
      r.json().get("data").forEach(s -> seen.add(s.get("id").asText()));
      after = r.json().get("pages").path("next").path("starting_after").asText(null);
      pages++;
    } while (after != null);
    assertEquals(3, pages);
    assertEquals(5, seen.size());
    assertEquals(5, seen.stream().distinct().count(), "no send twice: " + seen);

    JsonNode sent = get("/campaigns/" + id + "/sends?state=sent").json();
    assertEquals(1, sent.get("data").size(), sent.toString());
    JsonNode s = sent.get("data").get(0);
    assertEquals("send", s.get("type").asText());
    assertEquals(Long.toString(claimed.get(0).id()), s.get("id").textValue());
    assertEquals(id, s.get("campaign_id").textValue());
    assertEquals(Long.toString(claimed.get(0).contactId()), s.get("contact_id").textValue());
    assertEquals(Long.toString(claimed.get(0).occurrence()), s.get("occurrence").textValue());
    assertEquals(0, s.get("step").asInt());
    assertEquals("sent", s.get("state").asText());
    assertTrue(s.get("reason").isNull());
    assertEquals(1, s.get("attempts").asInt());
    assertEquals(202, s.get("last_status").asInt());
    assertEquals(claimed.get(0).dueAt() / 1000, s.get("due_at").asLong(), "Unix seconds");
    assertEquals((FAR + 86_400_000L) / 1000, s.get("expires_at").asLong());
    long now = System.currentTimeMillis() / 1000;
    assertTrue(Math.abs(s.get("sent_at").asLong() - now) < 60, "Unix seconds: " + s);
    assertTrue(Math.abs(s.get("created_at").asLong() - now) < 60, s.toString());
    assertTrue(s.has("updated_at"));
    assertEquals(15, s.size(), s.toString());

    JsonNode skipped = get("/campaigns/" + id + "/sends?state=skipped").json().get("data").get(0);
    assertEquals("no_longer_matches", skipped.get("reason").asText());
    assertTrue(skipped.get("sent_at").isNull());
    JsonNode queued = get("/campaigns/" + id + "/sends?state=queued&per_page=150").json();
    assertEquals(3, queued.get("data").size());
    assertEquals(3, queued.get("total_count").asLong());
    assertFalse(queued.get("pages").has("next"), "one page: no next");
    assertEquals(0, get("/campaigns/" + id + "/sends?state=failed").json().get("data").size());

    TallyHttp.Res bad = get("/campaigns/" + id + "/sends?state=delivered");
    assertEquals(400, bad.status(), bad.toString());
    assertEquals("state", bad.field());
    for (String state : List.of("queued", "held", "sent", "skipped", "expired", "failed")) {
      assertTrue(bad.message().contains(state), "lists the states: " + bad.message());
    }
    assertEquals("per_page", get("/campaigns/" + id + "/sends?per_page=0").field());
    assertEquals("per_page", get("/campaigns/" + id + "/sends?per_page=151").field());
    assertEquals("starting_after", get("/campaigns/" + id + "/sends?starting_after=zz!").field());
    assertEquals(404, get("/campaigns/123/sends").status());
  }

  @Test
  void badBodiesAre400sNamingTheField() {
    String seg = segment();
    String otherSegment =
        http.call(
                "POST",
                "/segments",
                newWorkspace("other"),
                "{\"name\":\"theirs\",\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"x@y.z\"}}")
            .json()
            .get("id")
            .asText();
    String event = "{\"type\":\"event\",\"event_name\":\"signed-up\"}";
    Map<String, String> cases = new java.util.LinkedHashMap<>();
    cases.put("[]", null);
    cases.put("{\"trigger\":" + event + ",\"steps\":[" + WEBHOOK + "]}", "name");
    cases.put("{\"name\":\"\",\"trigger\":" + event + ",\"steps\":[" + WEBHOOK + "]}", "name");
    cases.put("{\"name\":\"n\",\"steps\":[" + WEBHOOK + "]}", "trigger");
    cases.put(MINIMAL.replace("\"event\",", "\"later\","), "trigger.type");
    cases.put(
        MINIMAL.replace("\"event_name\":\"signed-up\"", "\"event_name\":7"), "trigger.event_name");
    cases.put(
        MINIMAL.replace(event, "{\"type\":\"segment_entry\",\"segment_id\":\"99\"}"),
        "trigger.segment_id");
    cases.put(
        MINIMAL.replace(
            event, "{\"type\":\"segment_entry\",\"segment_id\":\"" + otherSegment + "\"}"),
        "trigger.segment_id");
    cases.put(MINIMAL.replace(event, "{\"type\":\"segment_entry\"}"), "trigger.segment_id");
    cases.put(MINIMAL.replace("[" + WEBHOOK + "]", "[]"), "steps");
    cases.put(MINIMAL.replace("[" + WEBHOOK + "]", "[{\"wait\":\"2h\"}]"), "steps");
    cases.put(
        MINIMAL.replace(
            "[" + WEBHOOK + "]",
            "[" + WEBHOOK + "," + WEBHOOK.replace("https://example.com/hook", "ftp://x") + "]"),
        "steps[1].send.url");
    cases.put(
        MINIMAL.replace("[" + WEBHOOK + "]", "[{\"wait\":\"soon\"}," + WEBHOOK + "]"),
        "steps[0].wait");
    cases.put(MINIMAL.replace("\"secret\":\"s3cret\",", ""), "steps[0].send.secret");
    cases.put(MINIMAL.replace("\"webhook\"", "\"sms\""), "steps[0].send.channel");
    cases.put(MINIMAL.replace("{{name}}", "{{phone}}"), "steps[0].send.body");
    cases.put(withField("\"expires_after\":\"1s\""), "expires_after");
    cases.put(withField("\"frequency_cap\":{\"max\":0,\"per\":\"7d\"}"), "frequency_cap.max");
    cases.put(withField("\"frequency_cap\":{\"max\":2}"), "frequency_cap.per");
    cases.put(
        withField("\"quiet_hours\":{\"start\":\"25:00\",\"end\":\"08:00\"}"), "quiet_hours.start");
    cases.put(
        withField("\"quiet_hours\":{\"start\":\"08:00\",\"end\":\"08:00\"}"), "quiet_hours.end");
    cases.put(withField("\"subscription_type_id\":\"abc\""), "subscription_type_id");
    cases.put(withField("\"colour\":\"red\""), "colour");
    cases.put(
        withField(
            "\"audience\":{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\""
                + otherSegment
                + "\"}"),
        "audience");
    cases.put(
        withField(
            "\"audience\":{\"field\":\"segment_id\",\"operator\":\"=\",\"value\":\"" + seg + "\"}"),
        "");
    int refused = 0;
    for (Map.Entry<String, String> e : cases.entrySet()) {
      TallyHttp.Res r = post("/campaigns", e.getKey());
      if ("".equals(e.getValue())) {
        assertEquals(200, r.status(), "a valid body: " + e.getKey() + " -> " + r);
        continue;
      }
      assertEquals(400, r.status(), e.getKey() + " -> " + r);
      refused++;
      if (e.getValue() != null) {
        assertTrue(
            r.field() != null && r.field().startsWith(e.getValue()),
            "expected the field " + e.getValue() + ": " + e.getKey() + " -> " + r);
      }
    }
    assertTrue(refused >= 10);
    assertEquals(1, get("/campaigns").json().get("data").size(), "nothing half-written");
  }

  private static String withField(String field) {
    return MINIMAL.substring(0, MINIMAL.length() - 1) + "," + field + "}";
  }

  @Test
  void anotherWorkspacesCampaignIsNotFoundAnywhere() {
    String id = campaign(MINIMAL).get("id").asText();
    String other = newWorkspace("other");
    for (String[] call :
        List.of(
            new String[] {"GET", "/campaigns/" + id},
            new String[] {"GET", "/campaigns/" + id + "/sends"},
            new String[] {"GET", "/campaigns/" + id + "/sends?state=queued"},
            new String[] {"POST", "/campaigns/" + id + "/start"},
            new String[] {"POST", "/campaigns/" + id + "/pause"},
            new String[] {"POST", "/campaigns/" + id + "/resume"})) {
      TallyHttp.Res r = http.call(call[0], call[1], other, call[0].equals("POST") ? "" : null);
      assertEquals(404, r.status(), call[0] + " " + call[1] + " -> " + r);
      assertEquals("not_found", r.code());
    }
    assertEquals(0, http.call("GET", "/campaigns", other, null).json().get("data").size());
    assertEquals("draft", get("/campaigns/" + id).json().get("state").asText(), "untouched");
  }
}
