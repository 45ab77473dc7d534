package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Snapshots of the index: consistent while the projector writes, restorable to an index that
 * resumes from the snapshot's position and converges; a damaged or half-written snapshot is never
 * used; a snapshot that cannot be written leaves the serving index untouched (T6).
 */
class SnapshotsTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  private static void create(Store store, long ws, String email) throws Exception {
    var patch =
        ContactPatchParser.parse(
            JSON.readTree("{\"email\":\"" + email + "\"}"), ContactPatchParser.Mode.CREATE);
    store.write(tx -> tx.createContact(ws, patch));
  }

  @Test
  void aRestoredSnapshotResumesFromItsPositionAndConverges() throws Exception {
    try (Store store =
        SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")).withTestIdOffsets(true))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      LuceneSnapshots snapshots = new LuceneSnapshots(dir.resolve("snapshots"));
      LuceneSnapshots.Snapshot snap;
      try (LuceneIndex index = LuceneIndex.open(dir.resolve("gen-1"), 1000)) {
        Projector projector = new Projector(store, index, Duration.ofMillis(5), 50);
        for (int i = 0; i < 300; i++) {
          create(store, ws, "a" + i + "@example.com");
        }
        while (projector.step()) {
          // applied
        }
        snap = index.snapshot(snapshots);
        assertEquals(
            store.head(),
            snap.position(),
            "the snapshot holds everything applied when it was taken");
        for (int i = 0; i < 50; i++) {
          create(
              store, ws, "b" + i + "@example.com"); // after the snapshot: only the oplog has them
        }
        while (projector.step()) {
          // applied
        }
      }
      assertEquals(1, snapshots.list().size());
      assertNull(snapshots.damage(snap));

      snapshots.restoreInto(snap, dir.resolve("gen-2"));
      try (LuceneIndex restored = LuceneIndex.open(dir.resolve("gen-2"), 1000)) {
        assertEquals(snap.position(), restored.appliedPosition());
        assertEquals(300, restored.count(ws));
        Projector redrive = new Projector(store, restored, Duration.ofMillis(5), 50);
        while (redrive.step()) {
          // replaying the oplog from the snapshot's position
        }
        assertEquals(350, restored.count(ws));
        assertTrue(new Verifier(store, restored, Duration.ofSeconds(5)).verify(null).agree());
      }
    }
  }

  @Test
  void aDamagedOrHalfWrittenSnapshotIsNeverUsed() throws Exception {
    try (Store store = SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      LuceneSnapshots snapshots = new LuceneSnapshots(dir.resolve("snapshots"));
      LuceneSnapshots.Snapshot snap;
      try (LuceneIndex index = LuceneIndex.open(dir.resolve("gen-1"), 1000)) {
        create(store, ws, "x@example.com");
        new Projector(store, index, Duration.ofMillis(5), 50).step();
        snap = index.snapshot(snapshots);
      }
      Path file;
      try (var files = Files.list(snap.dir())) {
        file =
            files
                .filter(f -> !f.getFileName().toString().equals("manifest.json"))
                .findFirst()
                .orElseThrow();
      }
      try (RandomAccessFile raf = new RandomAccessFile(file.toFile(), "rw")) {
        raf.seek(raf.length() / 2);
        int b = raf.read();
        raf.seek(raf.length() / 2);
        raf.write(b ^ 0xFF); // one flipped byte
      }
      String damage = snapshots.damage(snap);
      assertNotNull(damage);
      assertTrue(damage.contains("checksum"), damage);
      TallyException refused =
          assertThrows(
              TallyException.class, () -> snapshots.restoreInto(snap, dir.resolve("gen-2")));
      assertTrue(refused.getMessage().contains("rebuild"), refused.getMessage());

      // A crash during a snapshot leaves a .partial directory: never listed, removed by prune.
      Files.createDirectories(
          dir.resolve("snapshots").resolve("snap-00000000000000000099-1.partial"));
      assertEquals(1, snapshots.list().size());
      snapshots.prune(4);
      assertTrue(
          Files.notExists(dir.resolve("snapshots").resolve("snap-00000000000000000099-1.partial")));
    }
  }

  @Test
  void aSnapshotThatCannotBeWrittenLeavesTheIndexServing() throws Exception {
    try (Store store = SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      Path blocked = dir.resolve("not-a-directory");
      Files.writeString(
          blocked,
          "a file where the snapshot directory should be"); // as a full or broken disk would refuse
      try (LuceneIndex index = LuceneIndex.open(dir.resolve("gen-1"), 1000)) {
        Projector projector = new Projector(store, index, Duration.ofMillis(5), 50);
        create(store, ws, "y@example.com");
        projector.step();
        TallyException e =
            assertThrows(TallyException.class, () -> index.snapshot(new LuceneSnapshots(blocked)));
        assertTrue(e.retriable(), "a failed snapshot can be retried");
        create(store, ws, "z@example.com");
        assertTrue(projector.step(), "the projector goes on");
        assertEquals(2, index.count(ws));
        assertNull(IndexHealth.damage(dir.resolve("gen-1"), true), "the serving index is intact");
      }
    }
  }
}
