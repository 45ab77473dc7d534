package dev.tally.server.search;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.index.lucene.LuceneIndex;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 4: one tenant's backlog made every tenant's search answer index_not_ready. A
 * workspace whose writes the index has all applied stays searchable while another one's backlog
 * drains; every other reason for not being ready still holds for all.
 */
class WorkspaceReadinessTest {
  @TempDir Path dir;

  private static void create(SqliteStore store, long ws, String email) throws Exception {
    var patch =
        ContactPatchParser.parse(
            new ObjectMapper().readTree("{\"email\":\"" + email + "\"}"),
            ContactPatchParser.Mode.CREATE);
    store.write(tx -> tx.createContact(ws, patch));
  }

  @Test
  void aWorkspaceWhoseWritesAreAppliedIsSearchableWhileAnothersBacklogDrains() throws Exception {
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")));
        SearchIndex index = LuceneIndex.open(dir.resolve("index"), 0)) {
      long quiet = store.write(tx -> tx.createWorkspace("quiet")).value().id();
      long busy = store.write(tx -> tx.createWorkspace("busy")).value().id();
      create(store, quiet, "q@example.com");
      create(store, busy, "b0@example.com");
      Projector projector = new Projector(store, index, Duration.ofMillis(10), 1000);
      while (projector.step()) {} // the index has everything so far
      AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
      InstantSource clock = now::get;
      IndexReadiness readiness =
          new IndexReadiness(store, index, projector, () -> null, Duration.ofSeconds(5), clock);
      assertTrue(readiness.refresh().ready(), readiness.current().reasons().toString());

      // The busy tenant writes; the projector does not keep up (it is not run) for 10 s.
      for (int i = 1; i <= 50; i++) {
        create(store, busy, "b" + i + "@example.com");
      }
      now.set(now.get().plusSeconds(10));
      IndexReadiness.State state = readiness.refresh();
      assertFalse(state.ready(), "the index is 10 s behind: not ready as a whole");
      assertTrue(state.readyFor(quiet), "the quiet tenant's writes are all in the index");
      assertFalse(state.readyFor(busy), "the busy tenant's are not");
      assertTrue(state.behind().equals(Set.of(busy)), state.behind().toString());

      // The quiet tenant writes too: now it waits like the other.
      create(store, quiet, "q2@example.com");
      state = readiness.refresh();
      assertFalse(state.readyFor(quiet));

      // Another reason than the lag (the projector failing, a heal) holds for every workspace.
      IndexReadiness healing =
          new IndexReadiness(
              store, index, projector, () -> "rebuilding", Duration.ofSeconds(5), clock);
      state = healing.refresh();
      assertNull(state.behind());
      assertFalse(state.readyFor(quiet));

      // Caught up: ready for all.
      while (projector.step()) {}
      assertTrue(readiness.refresh().ready(), readiness.current().reasons().toString());
    }
  }
}
