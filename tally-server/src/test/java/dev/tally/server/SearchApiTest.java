package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class SearchApiTest extends ApiTestBase {

  private TallyHttp.Res search(String body, long minPosition) {
    return http.call(
        "POST",
        "/contacts/search",
        token,
        body,
        Map.of("Tally-Min-Position", Long.toString(minPosition)));
  }

  @Test
  void aWriteIsSearchableAtOnceWithTallyMinPosition() {
    long last = 0;
    for (int i = 0; i < 5; i++) {
      last =
          post(
                  "/contacts",
                  "{\"email\":\"s"
                      + i
                      + "@example.com\",\"custom_attributes\":{\"seats\":"
                      + i
                      + "}}")
              .position();
    }
    TallyHttp.Res r =
        search(
            "{\"query\":{\"operator\":\"AND\",\"value\":[{\"field\":\"custom_attributes.seats\",\"operator\":\">=\",\"value\":3},"
                + "{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@EXAMPLE.com\"}]}}",
            last);
    assertEquals(200, r.status(), r.toString());
    assertEquals(2, r.json().get("total_count").asInt());
    assertEquals("contact", r.json().get("data").get(0).get("type").asText());
    assertTrue(Long.parseLong(r.header("Tally-Position")) >= last);
  }

  @Test
  void eventsAndDeletesReachTheIndex() {
    String id = createContact("{\"external_id\":\"buyer\"}");
    createContact("{\"external_id\":\"browser\"}");
    long p =
        post(
                "/events",
                "{\"event_name\":\"bought\",\"created_at\":1700000000,\"user_id\":\"buyer\"}")
            .position();
    TallyHttp.Res r =
        search("{\"query\":{\"field\":\"events.bought.count\",\"operator\":\">\",\"value\":0}}", p);
    assertEquals(1, r.json().get("total_count").asInt(), r.toString());
    assertEquals(id, r.json().get("data").get(0).get("id").asText());
    TallyHttp.Res never =
        search("{\"query\":{\"field\":\"events.bought.count\",\"operator\":\"=\",\"value\":0}}", p);
    assertEquals(
        1, never.json().get("total_count").asInt(), "a contact that never bought has count 0");
    long deleted = http.call("DELETE", "/contacts/" + id, token, null).position();
    r =
        search(
            "{\"query\":{\"field\":\"events.bought.count\",\"operator\":\">\",\"value\":0}}",
            deleted);
    assertEquals(0, r.json().get("total_count").asInt(), r.toString());
  }

  @Test
  void badQueriesNameThePath() {
    TallyHttp.Res r =
        post(
            "/contacts/search",
            "{\"query\":{\"operator\":\"AND\",\"value\":[{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},"
                + "{\"field\":\"email\",\"operator\":\">\",\"value\":\"a\"}]}}");
    assertEquals(400, r.status());
    assertEquals("query.value[1].operator", r.field());
    r =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"}}",
            Map.of("Tally-Min-Position", "abc"));
    assertEquals(400, r.status());
    assertEquals("Tally-Min-Position", r.field());
  }

  /**
   * A position no write has yet can never be reached: a client mistake, said at once (not a 503
   * after the wait).
   */
  @Test
  void aPositionAboveTheOplogHeadIsRefusedAtOnce() {
    long head = post("/contacts", "{\"email\":\"h@example.com\"}").position();
    for (long beyond : new long[] {head + 1_000, Long.MAX_VALUE}) {
      long t0 = System.nanoTime();
      TallyHttp.Res r =
          search("{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"}}", beyond);
      assertEquals(400, r.status(), r.toString());
      assertEquals("Tally-Min-Position", r.field());
      assertTrue(r.raw().body().contains("above the store's newest oplog position"), r.toString());
      assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "not after the 5 s wait for the index");
    }
    assertEquals(
        200,
        search(
                "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"h@example.com\"}}",
                head)
            .status());
  }

  /**
   * Pattern values are bounded before they reach the index: too long is the client's 400, never
   * index damage.
   */
  @Test
  void aTooLongPatternIsTheClientsMistake() {
    long p = post("/contacts", "{\"email\":\"" + "a".repeat(40) + "@example.com\"}").position();
    String longest = "a".repeat(255);
    for (String op : new String[] {"~", "!~", "^", "$"}) {
      TallyHttp.Res ok =
          search(
              "{\"query\":{\"field\":\"email\",\"operator\":\""
                  + op
                  + "\",\"value\":\""
                  + longest
                  + "\"}}",
              p);
      assertEquals(200, ok.status(), op + " with 255 characters: " + ok);
      TallyHttp.Res refused =
          search(
              "{\"query\":{\"field\":\"email\",\"operator\":\""
                  + op
                  + "\",\"value\":\""
                  + longest
                  + "b\"}}",
              p);
      assertEquals(400, refused.status(), op + " with 256 characters: " + refused);
      assertEquals("query.value", refused.field());
      assertTrue(refused.raw().body().contains("the limit is 255"), refused.toString());
    }
    TallyHttp.Res nested =
        search(
            "{\"query\":{\"operator\":\"OR\",\"value\":[{\"field\":\"name\",\"operator\":\"=\",\"value\":\"x\"},"
                + "{\"field\":\"name\",\"operator\":\"$\",\"value\":\""
                + "z".repeat(1001)
                + "\"}]}}",
            p);
    assertEquals(400, nested.status(), nested.toString());
    assertEquals("query.value[1].value", nested.field());
    assertEquals(
        "ready",
        http.call("GET", "/health/ready", null, null).json().get("status").asText(),
        "no healing began");
  }

  /**
   * A cursor whose next page would overflow (id + 1, page + 1) is refused, not wrapped around to
   * page one.
   */
  @Test
  void outOfRangeCursorsAreRefused() {
    long p = post("/contacts", "{\"email\":\"c@example.com\"}").position();
    java.util.Base64.Encoder b64 = java.util.Base64.getUrlEncoder().withoutPadding();
    for (String raw :
        new String[] {Long.MAX_VALUE + ":0:0:0", "5:" + Integer.MAX_VALUE + ":0:0", "5:1:0:7"}) {
      String cursor = b64.encodeToString(raw.getBytes(java.nio.charset.StandardCharsets.UTF_8));
      TallyHttp.Res searched =
          search(
              "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},"
                  + "\"pagination\":{\"starting_after\":\""
                  + cursor
                  + "\"}}",
              p);
      assertEquals(400, searched.status(), raw + ": " + searched);
      assertEquals("pagination.starting_after", searched.field());
      TallyHttp.Res listed = http.call("GET", "/contacts?starting_after=" + cursor, token, null);
      assertEquals(400, listed.status(), raw + ": " + listed);
      assertEquals("starting_after", listed.field());
    }
  }

  @Test
  void workspacesDoNotSeeEachOthersContacts() {
    String other = newWorkspace("other");
    long p = http.call("POST", "/contacts", other, "{\"email\":\"hidden@example.com\"}").position();
    p = Math.max(p, post("/contacts", "{\"email\":\"visible@example.com\"}").position());
    TallyHttp.Res r =
        search(
            "{\"query\":{\"field\":\"email\",\"operator\":\"~\",\"value\":\"@example.com\"}}", p);
    assertEquals(1, r.json().get("total_count").asInt());
    assertEquals("visible@example.com", r.json().get("data").get(0).get("email").asText());
  }

  /** Keyset pages neither skip nor repeat a contact while other contacts are written. */
  @Test
  void paginationNeitherSkipsNorRepeatsWhileWritesGoOn() throws Exception {
    Set<String> original = new HashSet<>();
    long p = 0;
    for (int i = 0; i < 60; i++) {
      TallyHttp.Res c =
          post(
              "/contacts",
              "{\"email\":\"page" + i + "@example.com\",\"custom_attributes\":{\"cohort\":\"a\"}}");
      original.add(c.json().get("id").asText());
      p = c.position();
    }
    AtomicBoolean stop = new AtomicBoolean();
    ExecutorService writer = Executors.newSingleThreadExecutor();
    Future<?> writes =
        writer.submit(
            () -> {
              int i = 0;
              while (!stop.get()) {
                post(
                    "/contacts",
                    "{\"email\":\"late"
                        + i++
                        + "@example.com\",\"custom_attributes\":{\"cohort\":\"a\"}}");
              }
            });
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      String pagination =
          after == null
              ? "{\"per_page\":7}"
              : "{\"per_page\":7,\"starting_after\":\"" + after + "\"}";
      TallyHttp.Res r =
          search(
              "{\"query\":{\"field\":\"custom_attributes.cohort\",\"operator\":\"=\",\"value\":\"a\"},\"pagination\":"
                  + pagination
                  + "}",
              p);
      assertEquals(200, r.status(), r.toString());
      r.json().get("data").forEach(c -> seen.add(c.get("id").asText()));
      JsonNode next = r.json().path("pages").path("next");
      after = next.isMissingNode() ? null : next.get("starting_after").asText();
    } while (after != null && seen.size() < 2000);
    stop.set(true);
    writes.get();
    writer.shutdown();
    assertEquals(new HashSet<>(seen).size(), seen.size(), "a contact was repeated");
    assertTrue(seen.containsAll(original), "a contact that existed throughout was skipped");
  }

  @Test
  void sortsByANumberWithContactsWithoutOneLast() {
    long p = 0;
    String none = createContact("{\"email\":\"none@example.com\"}");
    for (int seats : new int[] {5, 1, 3}) {
      p =
          post(
                  "/contacts",
                  "{\"email\":\"s"
                      + seats
                      + "@example.com\",\"custom_attributes\":{\"seats\":"
                      + seats
                      + "}}")
              .position();
    }
    List<String> emails = new ArrayList<>();
    String after = null;
    do {
      String pagination =
          after == null
              ? "{\"per_page\":1}"
              : "{\"per_page\":1,\"starting_after\":\"" + after + "\"}";
      TallyHttp.Res r =
          search(
              "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},"
                  + "\"sort\":{\"field\":\"custom_attributes.seats\",\"order\":\"descending\"},\"pagination\":"
                  + pagination
                  + "}",
              p);
      assertEquals(200, r.status(), r.toString());
      r.json().get("data").forEach(c -> emails.add(c.get("email").asText()));
      JsonNode next = r.json().path("pages").path("next");
      after = next.isMissingNode() ? null : next.get("starting_after").asText();
    } while (after != null);
    assertEquals(
        List.of("s5@example.com", "s3@example.com", "s1@example.com", "none@example.com"),
        emails,
        none);
  }

  @Test
  void readinessReportsTheIndex() {
    long p = post("/contacts", "{\"email\":\"r@example.com\"}").position();
    search("{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"r@example.com\"}}", p);
    JsonNode ready = http.call("GET", "/health/ready", null, null).json();
    assertTrue(ready.get("index").has("lag_positions"), ready.toString());
    assertTrue(ready.get("index").get("workspaces").isArray());
  }
}
