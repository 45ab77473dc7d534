package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.store.WriteTx;
import dev.tally.server.search.MemberPurger;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deleting a tag re-projects its contacts in batches, each its own transaction. Here Tally stops
 * after the deletion and the first batch (as if it had crashed between batches): the next start
 * finishes the rest, every contact is re-projected exactly once, the index converges with the
 * store, and the deleted tag matched nothing at any point.
 */
class TagDeletionRecoveryTest {
  @TempDir Path data;

  private static final int CONTACTS = 2 * MemberPurger.BATCH + 150;

  @Test
  void aDeletionInterruptedBetweenBatchesIsFinishedAfterARestart() throws Exception {
    var first = ApiTestBase.startTally(data, Map.of());
    String token = first.token();
    String tag;
    try (TallyServer server = first.server()) {
      TallyHttp http = new TallyHttp(server.port());
      StringBuilder lines = new StringBuilder();
      for (int i = 0; i < CONTACTS; i++) {
        lines.append("{\"external_id\":\"r").append(i).append("\"}\n");
      }
      assertEquals(200, http.call("POST", "/contacts/bulk", token, lines.toString()).status());
      tag = http.call("POST", "/tags", token, "{\"name\":\"doomed\"}").json().get("id").asText();
      long ws = server.store().workspaces().get(0).id();
      long after = 0;
      while (true) { // POST /tags with users, 500 at a time
        var page = server.store().contacts(ws, after, 500);
        StringBuilder users = new StringBuilder();
        for (var c : page.items()) {
          users
              .append(users.isEmpty() ? "" : ",")
              .append("{\"id\":\"")
              .append(c.id())
              .append("\"}");
        }
        TallyHttp.Res r =
            http.call("POST", "/tags", token, "{\"name\":\"doomed\",\"users\":[" + users + "]}");
        assertEquals(200, r.status(), r.toString());
        if (!page.more()) {
          break;
        }
        after = page.items().get(page.items().size() - 1).id();
      }
    }
    // Tally is down: the deletion and its first batch commit, and then the "crash".
    long ws;
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(data.resolve("tally.db")))) {
      ws = store.workspaces().get(0).id();
      long t = Long.parseLong(tag);
      store.write(tx -> tx.deleteTag(ws, t));
      WriteTx.Purge p = store.write(tx -> tx.purgeDeletedTag(MemberPurger.BATCH)).value();
      assertEquals(MemberPurger.BATCH, p.contacts());
      assertFalse(p.finished());
      assertEquals(1, store.pendingTagDeletions());
    }

    var second = ApiTestBase.startTally(data, Map.of());
    try (TallyServer server = second.server()) {
      TallyHttp http = new TallyHttp(server.port());
      String byTag =
          "{\"query\":{\"field\":\"tag_id\",\"operator\":\"=\",\"value\":\"" + tag + "\"}}";
      // Mid-way or not, the deleted tag matches nothing (once the index is ready to answer).
      TallyHttp.Res early =
          Await.until(
              "search answers after the restart",
              Duration.ofSeconds(60),
              () -> http.call("POST", "/contacts/search", token, byTag),
              r -> r.status() != 503);
      assertEquals(0, early.json().get("total_count").asInt(), early.toString());
      Await.until(
          "the interrupted deletion finished",
          Duration.ofSeconds(60),
          () -> server.store().pendingTagDeletions(),
          n -> n == 0);
      long head = server.store().head();
      TallyHttp.Res found =
          http.call(
              "POST",
              "/contacts/search",
              token,
              byTag.replace("\"=\"", "\"!=\""),
              Map.of("Tally-Min-Position", Long.toString(head)));
      assertEquals(CONTACTS, found.json().get("total_count").asInt(), found.toString());
      long after = 0;
      int seen = 0;
      while (true) {
        var page = server.store().contacts(ws, after, 500);
        for (var c : page.items()) {
          assertEquals(3, c.version(), "created, tagged, re-projected once: " + c.id());
          assertTrue(server.store().contactTags(ws, c.id()).isEmpty());
          seen++;
        }
        if (!page.more()) {
          break;
        }
        after = page.items().get(page.items().size() - 1).id();
      }
      assertEquals(CONTACTS, seen);
      TallyHttp.Res verify = http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}");
      assertTrue(verify.json().get("agree").asBoolean(), verify.toString());
    }
  }
}
