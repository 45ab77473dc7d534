package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.testkit.Await;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.store.FSDirectory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * `tally plan` / `tally apply`: an index built with an older layout keeps serving; the plan lists
 * every step with the destructive one marked; apply rebuilds beside it and switches, and the old
 * generation is still there afterwards (removed only at the next start).
 */
class PlanApplyTest {
  @TempDir Path data;

  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @Test
  void anOlderLayoutIsPlannedThenAppliedCreateBeforeDestroy() throws Exception {
    String byTag;
    var t = ApiTestBase.startTally(data, Map.of());
    String token = t.token();
    long at;
    try (TallyServer server = t.server()) {
      TallyHttp http = new TallyHttp(server.port());
      String url = "http://127.0.0.1:" + server.port();
      StringBuilder b = new StringBuilder();
      for (int i = 0; i < 60; i++) {
        b.append("{\"external_id\":\"p")
            .append(i)
            .append("\",\"email\":\"p")
            .append(i)
            .append("@example.com\"}\n");
      }
      at =
          Long.parseLong(
              http.call("POST", "/contacts/bulk", token, b.toString())
                  .json()
                  .get("position")
                  .asText());
      JsonNode plan = http.call("GET", "/admin/index/plan", ApiTestBase.ADMIN, null).json();
      assertFalse(plan.get("changes").asBoolean(), plan.toString());
      CliTest.Run nothing =
          CliTest.tally("apply", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(0, nothing.code(), nothing.err());
      assertTrue(nothing.out().contains("nothing to do"), nothing.out());
      ProductionEnginesTest.search(http, token, ALL, at);
    }
    // As if the index had been built by an older Tally: its commit says layout lucene-0.
    Path gen = data.resolve("index/gen-1");
    try (FSDirectory dir = FSDirectory.open(gen);
        IndexWriter w = new IndexWriter(dir, new IndexWriterConfig(new StandardAnalyzer()))) {
      Map<String, String> user = new HashMap<>();
      w.getLiveCommitData().forEach(e -> user.put(e.getKey(), e.getValue()));
      user.put("tally.layout", "lucene-0");
      w.setLiveCommitData(user.entrySet());
      w.commit();
    }

    var again = ApiTestBase.startTally(data, Map.of());
    try (TallyServer server = again.server()) {
      TallyHttp http = new TallyHttp(server.port());
      String url = "http://127.0.0.1:" + server.port();
      assertEquals(
          60,
          ProductionEnginesTest.search(http, token, ALL, at).json().get("total_count").asInt(),
          "the old index keeps serving");
      JsonNode ready = http.call("GET", "/health/ready", null, null).json();
      assertTrue(ready.get("warnings").toString().contains("tally plan"), ready.toString());

      CliTest.Run plan = CliTest.tally("plan", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(0, plan.code(), plan.err());
      assertTrue(
          plan.out()
              .contains(
                  "has layout lucene-0; this Tally writes "
                      + dev.tally.index.lucene.LuceneIndex.LAYOUT),
          plan.out());
      // A search by a field the old layout lacks is refused, not answered wrongly.
      String tag =
          http.call("POST", "/tags", token, "{\"name\":\"VIP\"}").json().get("id").asText();
      byTag = "{\"query\":{\"field\":\"tag_id\",\"operator\":\"!=\",\"value\":\"" + tag + "\"}}";
      TallyHttp.Res refused = http.call("POST", "/contacts/search", token, byTag);
      assertEquals(503, refused.status(), refused.toString());
      assertEquals("index_layout_old", refused.code());
      assertTrue(
          plan.out()
              .contains(
                  "6. [DESTRUCTIVE] delete the old generation gen-1 once the new one has served"),
          plan.out());
      assertEquals(
          1,
          plan.out().split("DESTRUCTIVE", -1).length - 1,
          "only the last step destroys anything: " + plan.out());

      CliTest.Run apply = CliTest.tally("apply", "--url", url, "--admin-token", ApiTestBase.ADMIN);
      assertEquals(0, apply.code(), apply.out() + apply.err());
      assertFalse(
          http.call("GET", "/admin/index/plan", ApiTestBase.ADMIN, null)
              .json()
              .get("changes")
              .asBoolean());
      assertTrue(Files.isDirectory(gen), "the old generation outlives the switch");
      Await.until(
          "tag_id searchable on the new layout",
          java.time.Duration.ofSeconds(30),
          () -> http.call("POST", "/contacts/search", token, byTag).status(),
          st -> st == 200);
      assertEquals(
          60, ProductionEnginesTest.search(http, token, ALL, at).json().get("total_count").asInt());
      assertTrue(
          http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}")
              .json()
              .get("agree")
              .asBoolean());
    }
    try (TallyServer server = ApiTestBase.startTally(data, Map.of()).server()) {
      assertFalse(
          Files.exists(gen), "removed at the next start, once the new generation has served");
    }
  }
}
