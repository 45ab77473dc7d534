package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import dev.tally.store.sqlite.SqliteVersionReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Verify and repair against a real store and index that disagree the ways a lost write, a stale
 * apply or a missed delete would leave them: the index claims the store's position, yet lacks a
 * contact, holds an old version of another and still shows a deleted one.
 */
class VerifyRepairTest {
  static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dir;

  @Test
  void findsExactlyTheDivergentContactsAndRepairsThem() throws Exception {
    try (Store store =
            SqliteStore.open(
                SqliteOptions.defaults(dir.resolve("tally.db")).withTestIdOffsets(true));
        LuceneIndex index = LuceneIndex.open(dir.resolve("index"), 0)) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      List<WriteWork<Contact>> creates = new ArrayList<>();
      for (int i = 0; i < 10_000; i++) { // three buckets of ids at least
        var create =
            ContactPatchParser.parse(
                JSON.readTree("{\"email\":\"c" + i + "@example.com\"}"),
                ContactPatchParser.Mode.CREATE);
        creates.add(tx -> tx.createContact(ws, create));
      }
      List<Long> ids =
          store.writeEach(creates).stream().map(o -> o.written().value().id()).toList();
      long lost = ids.get(10);
      long stale = ids.get(15);
      long deleted = ids.get(20);
      List<ContactDocument> docs =
          store.documents(ids).stream().filter(d -> d.contact().id() != lost).toList();
      var rename =
          ContactPatchParser.parse(
              JSON.readTree("{\"name\":\"renamed\"}"), ContactPatchParser.Mode.UPDATE);
      store.write(tx -> tx.updateContact(ws, stale, rename));
      store.write(tx -> tx.deleteContact(ws, deleted));
      // The index takes the old documents but claims everything up to the store's head.
      index.apply(new IndexBatch(docs, List.of(), List.of(), store.head()));

      assertEquals(
          digestsOf(store.versions(Long.MIN_VALUE, Long.MAX_VALUE)),
          store.versionDigests(),
          "the store's SQL digests equal the same hash computed in Java");

      Verifier verifier = new Verifier(store, index, Duration.ofSeconds(5));
      Verifier.Report report = verifier.verify(null);
      assertFalse(report.agree());
      assertEquals(9999, report.contacts());
      Map<Long, String> found =
          report.differences().stream()
              .collect(Collectors.toMap(Verifier.Difference::id, Verifier.Difference::kind));
      assertEquals(
          Map.of(lost, "missing_in_index", stale, "stale_in_index", deleted, "deleted_in_store"),
          found);
      assertTrue(
          report.bucketsDiffering() >= 1 && report.bucketsDiffering() < report.buckets(),
          "agreeing buckets were not compared id by id");

      Projector projector = new Projector(store, index, Duration.ofMillis(5), 100);
      Verifier.Report repaired = verifier.verify(projector);
      assertEquals(3, repaired.repaired());
      assertTrue(repaired.agree(), () -> "after repair: " + repaired.differences());
      assertTrue(verifier.verify(null).agree());
      assertEquals(store.contactCount(ws), index.count(ws));
      index.commit();

      // Read-only, beside the serving store and index (as `tally verify --data` does).
      try (SqliteVersionReader readOnlyStore = SqliteVersionReader.open(dir.resolve("tally.db"));
          LuceneVersionReader readOnlyIndex = LuceneVersionReader.open(dir.resolve("index"))) {
        Verifier.Report offline =
            new Verifier(
                    readOnlyStore,
                    readOnlyStore::head,
                    readOnlyIndex,
                    readOnlyIndex::position,
                    Duration.ofSeconds(5))
                .verify(null);
        assertTrue(offline.agree(), () -> "read-only verification: " + offline);
        assertEquals(9999, offline.contacts());
      }
    }
  }

  @Test
  void anIndexBehindTheStoreIsReportedNotCompared() throws Exception {
    try (Store store = SqliteStore.open(SqliteOptions.defaults(dir.resolve("tally.db")));
        LuceneIndex index = LuceneIndex.open(dir.resolve("index"), 0)) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      var create =
          ContactPatchParser.parse(
              JSON.readTree("{\"email\":\"a@example.com\"}"), ContactPatchParser.Mode.CREATE);
      store.write(tx -> tx.createContact(ws, create));
      Verifier.Report report = new Verifier(store, index, Duration.ofMillis(200)).verify(null);
      assertFalse(report.agree());
      assertTrue(report.note().contains("did not reach the store's position"), report.note());
    }
  }

  private static List<VersionDigest> digestsOf(List<IdVersion> versions) {
    VersionDigest.Builder b = new VersionDigest.Builder();
    versions.forEach(v -> b.add(v.id(), v.version()));
    return b.build();
  }
}
