package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The same API journey on every mix of store and index: writes, searches that see them at once
 * (Tally-Min-Position), sorting and paging, verification, an online rebuild, a restart. Any
 * difference between engines shows here first.
 */
class ProductionEnginesTest {
  @TempDir Path data;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}";

  @ParameterizedTest
  @EnumSource(
      value = TestEngines.Combo.class,
      names = "SQLITE_LUCENE") // the other mixes need servers: ProductionEnginesIT
  void everyEngineMixServesTheSameApi(TestEngines.Combo combo) throws Exception {
    try (TestEngines engines = new TestEngines()) {
      var started = ApiTestBase.startTally(data, engines.settings(combo));
      TallyServer server = started.server();
      try {
        TallyHttp http = new TallyHttp(server.port());
        String token = started.token();
        StringBuilder bulk = new StringBuilder();
        for (int i = 0; i < 120; i++) {
          bulk.append("{\"external_id\":\"e")
              .append(i)
              .append("\",\"email\":\"p")
              .append(i)
              .append("@example.com\",\"custom_attributes\":")
              .append("{\"score\":")
              .append(i % 7)
              .append("}}\n");
        }
        TallyHttp.Res loaded = http.call("POST", "/contacts/bulk", token, bulk.toString());
        assertEquals(200, loaded.status(), loaded.raw().body());
        assertEquals(120, loaded.json().get("created").asInt());
        TallyHttp.Res one =
            http.call(
                "POST", "/contacts", token, "{\"email\":\"solo@example.com\",\"name\":\"Solo\"}");
        String soloId = one.json().get("id").asText();
        assertTrue(Long.parseLong(soloId) > (1L << 32), "ids above 2^32 on every store");
        http.call("PUT", "/contacts/" + soloId, token, "{\"name\":\"Solo Two\"}");
        TallyHttp.Res deleted =
            http.call("DELETE", "/contacts/" + firstId(http, token), token, null);
        assertEquals(200, deleted.status(), deleted.raw().body());
        long position =
            Long.parseLong(deleted.raw().headers().firstValue("Tally-Position").orElseThrow());

        TallyHttp.Res all =
            search(http, token, ALL + ",\"pagination\":{\"per_page\":50}}", position);
        assertEquals(200, all.status(), all.raw().body());
        assertEquals(120, all.json().get("total_count").asInt(), combo + ": 120 + 1 - 1");
        List<String> paged = pageThrough(http, token, position);
        assertEquals(120, paged.size());
        assertEquals(120, paged.stream().distinct().count(), "paging neither skips nor repeats");

        TallyHttp.Res sorted =
            search(
                http,
                token,
                "{\"query\":{\"field\":\"custom_attributes.score\",\"operator\":\">=\",\"value\":5},"
                    + "\"sort\":{\"field\":\"custom_attributes.score\",\"order\":\"descending\"},\"pagination\":{\"per_page\":5}}",
                position);
        assertEquals(200, sorted.status(), sorted.raw().body());
        assertEquals(
            6, sorted.json().get("data").get(0).get("custom_attributes").get("score").asInt());
        TallyHttp.Res solo =
            search(
                http,
                token,
                "{\"query\":{\"field\":\"name\",\"operator\":\"=\",\"value\":\"solo two\"}}",
                position);
        assertEquals(List.of(soloId), ids(solo.json()));

        TallyHttp.Res verified = http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}");
        assertTrue(verified.json().get("agree").asBoolean(), combo + ": " + verified.raw().body());

        assertEquals(
            202, http.call("POST", "/admin/index/rebuild", ApiTestBase.ADMIN, "{}").status());
        awaitRebuild(http);
        long after =
            Long.parseLong(
                http.call("POST", "/contacts", token, "{\"email\":\"late@example.com\"}")
                    .raw()
                    .headers()
                    .firstValue("Tally-Position")
                    .orElseThrow());
        assertEquals(
            121,
            search(http, token, ALL + "}", after).json().get("total_count").asInt(),
            combo + ": after the rebuild");
        assertTrue(
            http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
                .json()
                .get("agree")
                .asBoolean());

        server.close();
        server = ApiTestBase.startTally(data, engines.settings(combo)).server();
        http = new TallyHttp(server.port());
        assertEquals(
            121,
            search(http, token, ALL + "}", after).json().get("total_count").asInt(),
            combo + ": after a restart");
      } finally {
        server.close();
      }
    }
  }

  /**
   * A search that waits for Tally-Min-Position; a 503 (the index not ready yet, e.g. after a
   * restart) is retried, as a client would.
   */
  static TallyHttp.Res search(TallyHttp http, String token, String body, long position) {
    return Await.until(
        "a search that is not refused with 503",
        java.time.Duration.ofSeconds(30),
        () ->
            http.call(
                "POST",
                "/contacts/search",
                token,
                body,
                Map.of("Tally-Min-Position", Long.toString(position))),
        r -> r.status() != 503);
  }

  private static String firstId(TallyHttp http, String token) {
    return http.call("GET", "/contacts?per_page=1", token, null)
        .json()
        .get("data")
        .get(0)
        .get("id")
        .asText();
  }

  private static List<String> pageThrough(TallyHttp http, String token, long position) {
    List<String> seen = new ArrayList<>();
    String after = null;
    do {
      String pagination =
          "\"pagination\":{\"per_page\":17"
              + (after == null ? "" : ",\"starting_after\":\"" + after + "\"")
              + "}";
      TallyHttp.Res r = search(http, token, ALL + "," + pagination + "}", position);
      assertEquals(200, r.status(), r.raw().body());
      seen.addAll(ids(r.json()));
      JsonNode next = r.json().path("pages").path("next");
      after =
          next.isMissingNode() || next.isNull() ? null : next.path("starting_after").asText(null);
    } while (after != null);
    return seen;
  }

  private static List<String> ids(JsonNode page) {
    List<String> out = new ArrayList<>();
    page.get("data").forEach(c -> out.add(c.get("id").asText()));
    return out;
  }

  static void awaitRebuild(TallyHttp http) {
    JsonNode s =
        Await.until(
            "the rebuild",
            java.time.Duration.ofSeconds(60),
            () -> http.call("GET", "/admin/index/rebuild", ApiTestBase.ADMIN, null).json(),
            st -> !st.get("state").asText().equals("running"));
    assertEquals("done", s.get("state").asText(), s.toString());
  }
}
