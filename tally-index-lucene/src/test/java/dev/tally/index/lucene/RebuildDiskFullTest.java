package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SwappableIndex;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.lucene.store.ByteBuffersDirectory;
import org.apache.lucene.tests.store.MockDirectoryWrapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T6: the disk fills up while a rebuild writes the new generation (Lucene's MockDirectoryWrapper
 * refuses writes past a size). The rebuild fails, the serving index is untouched and keeps applying
 * the oplog, and a rebuild once there is room again succeeds and agrees with the store.
 */
class RebuildDiskFullTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void aRebuildThatRunsOutOfDiskLeavesTheServingIndexAsItWas() throws Exception {
    try (Store store =
        SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")).withTestIdOffsets(true))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      List<WriteWork<Contact>> creates = new ArrayList<>();
      for (int i = 0; i < 3000; i++) {
        var patch =
            ContactPatchParser.parse(
                JSON.readTree("{\"email\":\"d" + i + "@example.com\",\"name\":\"n" + i + "\"}"),
                ContactPatchParser.Mode.CREATE);
        creates.add(tx -> tx.createContact(ws, patch));
      }
      store.writeEach(creates);
      SwappableIndex serving = new SwappableIndex(LuceneIndex.open(dir.resolve("gen-1"), 1000));
      Projector projector = new Projector(store, serving, Duration.ofMillis(5), 500);
      while (projector.step()) {
        // the serving index is complete
      }

      SearchIndex before = serving.current();
      MockDirectoryWrapper small =
          new MockDirectoryWrapper(new Random(7), new ByteBuffersDirectory());
      small.setMaxSizeInBytes(64 * 1024); // far less than 3,000 contacts take
      small.setCheckIndexOnClose(false);
      LuceneIndex fresh = LuceneIndex.open(small, 1000);
      Rebuild rebuild = new Rebuild(store, 200);
      RuntimeException full =
          assertThrows(
              RuntimeException.class,
              () -> {
                rebuild.fill(fresh, new Rebuild.Progress(), 2);
                rebuild.swapIn(serving, fresh);
              });
      assertTrue(
          String.valueOf(full.getMessage()).toLowerCase().contains("disk full")
              || String.valueOf(full.getCause()).toLowerCase().contains("disk full"),
          "fails saying why: " + full);
      assertSame(before, serving.current(), "the serving index was not swapped out");
      assertEquals(3000, serving.count(ws), "the serving index is as it was");

      var more =
          ContactPatchParser.parse(
              JSON.readTree("{\"email\":\"later@example.com\"}"), ContactPatchParser.Mode.CREATE);
      store.write(tx -> tx.createContact(ws, more));
      assertTrue(projector.step(), "the projector goes on into the serving index");
      assertEquals(3001, serving.count(ws));

      // Room again: the next rebuild works and agrees with the store.
      SearchIndex roomy = LuceneIndex.open(dir.resolve("gen-2"), 1000);
      rebuild.fill(roomy, new Rebuild.Progress(), 2);
      SearchIndex old = rebuild.swapIn(serving, roomy);
      assertSame(roomy, serving.current());
      assertTrue(new Verifier(store, serving, Duration.ofSeconds(5)).verify(null).agree());
      old.close();
      roomy.close();
    }
  }
}
