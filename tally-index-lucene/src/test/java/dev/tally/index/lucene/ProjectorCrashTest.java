package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;
import dev.tally.core.store.Store;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Random;
import java.util.Set;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T6: the process dies between index commits, and files that were not fsynced are lost or corrupted
 * (Lucene's MockDirectoryWrapper.crash()). The index must reopen at its last commit, resume from
 * the position recorded there, and converge to the store: no contact lost, none twice.
 */
class ProjectorCrashTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @ParameterizedTest(name = "seed {0}")
  @ValueSource(longs = {1, 2, 3, 4})
  void aCrashBetweenCommitsLosesNothingAndDuplicatesNothing(long seed) throws Exception {
    Random random = new Random(seed);
    try (Store store =
        SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")).withTestIdOffsets(true))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      // No lock: the crashed writer is abandoned, as a killed process would leave it.
      ByteBuffersDirectory disk =
          new ByteBuffersDirectory(org.apache.lucene.store.NoLockFactory.INSTANCE);
      MockDirectoryWrapper crashing = new MockDirectoryWrapper(random, disk);
      crashing.setCheckIndexOnClose(false);
      LuceneIndex index =
          LuceneIndex.open(crashing, Long.MAX_VALUE / 2_000_000); // commits only when told below
      Projector projector =
          new Projector(store, index, Duration.ofMillis(5), 1 + random.nextInt(20));
      int contacts = 0;
      int rounds = 3 + random.nextInt(5);
      for (int r = 0; r < rounds; r++) {
        for (int i = 0, n = 1 + random.nextInt(30); i < n; i++, contacts++) {
          int k = contacts;
          var create =
              ContactPatchParser.parse(
                  JSON.readTree("{\"email\":\"c" + k + "@example.com\"}"),
                  ContactPatchParser.Mode.CREATE);
          store.write(tx -> tx.createContact(ws, create));
          if (random.nextInt(4) == 0) {
            var rename =
                ContactPatchParser.parse(
                    JSON.readTree("{\"name\":\"n" + k + "\"}"), ContactPatchParser.Mode.UPDATE);
            long first = store.contactIds(0, 1).get(0);
            store.write(tx -> tx.updateContact(ws, first, rename));
          }
        }
        // apply some of what is there, and sometimes commit it
        for (int s = random.nextInt(4); s > 0 && projector.step(); s--) {
          // stepping
        }
        if (random.nextBoolean()) {
          index.commit();
        }
      }
      while (projector.step()) {
        // everything applied and visible, but not all of it committed
      }
      assertEquals(store.head(), index.visiblePosition());
      // More changes applied but never committed, then the crash.
      long committedBefore = index.appliedPosition();
      System.out.println(
          "seed "
              + seed
              + ": crash with position "
              + committedBefore
              + " committed and "
              + index.visiblePosition()
              + " applied");
      crashing.crash();

      LuceneIndex reopened = LuceneIndex.open(disk, 0);
      assertTrue(reopened.appliedPosition() <= store.head());
      assertEquals(
          committedBefore,
          reopened.appliedPosition(),
          "resumes from the position of its last commit");
      Projector again = new Projector(store, reopened, Duration.ofMillis(5), 7);
      while (again.step()) {
        // catching up
      }
      assertEquals(store.head(), reopened.visiblePosition());
      assertEquals(store.contactCount(ws), reopened.count(ws), "no contact lost and none twice");
      var q =
          new QueryParser(QueryLimits.DEFAULTS, n -> null)
              .parse(
                  JSON.readTree(
                      "{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}"));
      Set<Long> seen = new HashSet<>();
      SearchRequest.Cursor after = null;
      do {
        SearchPage page = reopened.search(new SearchRequest(ws, q, null, 50, after, 0));
        for (long id : page.ids()) {
          assertTrue(seen.add(id), "contact " + id + " found twice");
        }
        after = page.next();
      } while (after != null);
      assertEquals(contacts, seen.size());
      reopened.close();
    }
  }
}
