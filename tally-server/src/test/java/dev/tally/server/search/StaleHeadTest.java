package dev.tally.server.search;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.projection.Projector;
import dev.tally.core.store.Store;
import dev.tally.index.lucene.LuceneEngine;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import dev.tally.testkit.Await;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite store's head() is published just after the commit that the projector can already read,
 * so for a moment the index may be at a position head() does not count yet. That moment must not
 * look like "the index is ahead of the store" (which heals by a full rebuild): found by the
 * rebuild-under-writes benchmark, where the healer started a rebuild of a sound index.
 */
class StaleHeadTest {
  @TempDir Path dir;

  @Test
  void anIndexAheadOfALaggingHeadIsNotDamageButOneAheadOfTheOplogIs() throws Exception {
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      for (int i = 0; i < 5; i++) {
        var patch =
            ContactPatchParser.parse(
                new ObjectMapper().readTree("{\"email\":\"s" + i + "@example.com\"}"),
                ContactPatchParser.Mode.CREATE);
        store.write(tx -> tx.createContact(ws, patch));
      }
      LuceneEngine engine = new LuceneEngine(dir.resolve("index"));
      try (IndexManager m = new IndexManager(store, engine)) {
        Await.until(
            "the index reaching the store's head",
            Duration.ofSeconds(10),
            () -> Projector.written(m.serving()),
            written -> written >= store.head());
        m.serving().commit();
        assertEquals(store.head(), Projector.written(m.serving()));
      }
      long real = store.head();

      // head() one behind what the oplog holds (the moment between COMMIT and publishing the head).
      Store lagging = lagging(store, real - 1, false);
      try (IndexManager m = new IndexManager(lagging, engine)) {
        assertNull(
            HealingPolicy.cannotCatchUp(lagging, Projector.written(m.serving())),
            "an index at a committed position is not ahead of the store");
        assertNull(m.healing(), "nothing to heal at start-up");
      }
      // A store that really ends before the index (restored from an older backup): that is damage.
      Store behind = lagging(store, real - 1, true);
      try (IndexManager m = new IndexManager(behind, engine)) {
        HealingPolicy.Cause cause =
            HealingPolicy.cannotCatchUp(behind, Projector.written(m.serving()));
        assertNotNull(cause);
        assertEquals(HealingPolicy.Reason.AHEAD_OF_STORE, cause.reason());
        assertTrue(cause.detail().contains("ahead of the store's head"), cause.detail());
      }
    }
  }

  /** The store with head() at {@code head}; with {@code truncated}, its oplog ends there too. */
  private static Store lagging(Store store, long head, boolean truncated) {
    return (Store)
        Proxy.newProxyInstance(
            Store.class.getClassLoader(),
            new Class<?>[] {Store.class},
            (proxy, method, args) -> {
              if (method.getName().equals("head")) {
                return head;
              }
              if (method.getName().equals("close")) {
                return null; // the real store is closed by the test
              }
              try {
                Object result = method.invoke(store, args);
                if (truncated && method.getName().equals("oplog")) {
                  @SuppressWarnings("unchecked")
                  List<OplogEntry> entries = (List<OplogEntry>) result;
                  return entries.stream().filter(e -> e.position() <= head).toList();
                }
                return result;
              } catch (InvocationTargetException e) {
                throw e.getCause();
              }
            });
  }
}
