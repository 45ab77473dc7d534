package dev.tally.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.index.SearchTimedOut;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The contract every {@link SearchIndex} must keep ("projection is idempotent and monotonic" and
 * "the index knows how far it got", docs/invariants.md), as Lucene's BaseDirectoryTestCase is for
 * Directory: applying is idempotent and monotonic by version (an older version never overwrites a
 * newer one, a deleted contact stays deleted under an older replay), the applied position survives
 * a reopen, searches and counts see one workspace, keyset pages neither skip nor repeat, and a
 * rebuild's load keeps versions. A backend's test extends this and says how to open its index; ids
 * and workspaces sit above 2^53 so a double anywhere loses them.
 */
public abstract class IndexContract {
  protected static final long WS = (1L << 53) + 11;
  protected static final long OTHER_WS = (1L << 53) + 12;
  protected static final long BASE_ID = (1L << 53) + 1;
  protected static final long NOW = 1_700_000_000L;

  protected SearchIndex index;

  /**
   * Opens the index under test. Called again after {@link SearchIndex#close()} within one test, it
   * must open the same index, with what was applied to it.
   */
  protected abstract SearchIndex open();

  /**
   * Makes everything applied so far searchable (a refresh); nothing to do where apply already does.
   */
  protected void makeVisible(SearchIndex index) {}

  @BeforeEach
  void openIndex() {
    index = open();
  }

  @AfterEach
  void closeIndex() {
    if (index != null) {
      index.close();
    }
  }

  // ---- helpers ----

  protected static ContactDocument contact(
      long ws, long id, long version, String name, Long score) {
    Map<ContactField, Object> f = new LinkedHashMap<>();
    f.put(ContactField.ROLE, "user");
    if (name != null) {
      f.put(ContactField.NAME, name);
    }
    f.put(ContactField.CREATED_AT, NOW - id % 1000);
    Map<String, Object> custom = new LinkedHashMap<>();
    if (score != null) {
      custom.put("seats", score);
    }
    return new ContactDocument(
        new Contact(id, ws, version, f, custom),
        Map.of("bought", new EventSummary("bought", version, NOW, NOW)));
  }

  protected static IndexBatch upserts(long position, ContactDocument... docs) {
    return new IndexBatch(List.of(docs), List.of(), List.of(), position);
  }

  protected static IndexBatch deletion(long position, long ws, long id, long version) {
    return new IndexBatch(
        List.of(), List.of(new IndexBatch.Deletion(ws, id, version)), List.of(), position);
  }

  protected void apply(IndexBatch batch) {
    index.apply(batch);
    makeVisible(index);
  }

  protected static Query nameIs(String name) {
    return new Query.Filter(
        new Field.Standard(ContactField.NAME), Operator.EQ, List.of(name), false);
  }

  protected static Query everyone() {
    return new Query.Filter(new Field.Id(), Operator.GE, List.of(1L), false);
  }

  protected List<Long> ids(long ws, Query q) {
    return all(ws, q, null, 1000);
  }

  /** Every hit, page by page. */
  protected List<Long> all(long ws, Query q, SearchRequest.Sort sort, int pageSize) {
    List<Long> ids = new ArrayList<>();
    SearchRequest.Cursor after = null;
    do {
      SearchPage page = index.search(new SearchRequest(ws, q, sort, pageSize, after, NOW));
      ids.addAll(page.ids());
      after = page.next();
    } while (after != null);
    return ids;
  }

  // ---- the contract ----

  @Test
  void applyingABatchTwiceChangesNothing() {
    IndexBatch batch =
        upserts(5, contact(WS, BASE_ID, 1, "ann", 3L), contact(WS, BASE_ID + 1, 1, "bob", 4L));
    apply(batch);
    assertEquals(5, index.appliedPosition());
    assertEquals(5, index.visiblePosition(), "what is applied and made visible is visible");
    apply(batch);
    assertEquals(2, index.count(WS));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("ann")));
    assertEquals(List.of(BASE_ID, BASE_ID + 1), ids(WS, everyone()));
  }

  @Test
  void anOlderVersionNeverOverwritesANewerOne() {
    apply(upserts(2, contact(WS, BASE_ID, 2, "new", null)));
    apply(upserts(1, contact(WS, BASE_ID, 1, "old", null)));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("new")));
    assertEquals(List.of(), ids(WS, nameIs("old")));
    // Within one batch too, in either order.
    apply(
        upserts(
            3,
            contact(WS, BASE_ID + 1, 4, "newer", null),
            contact(WS, BASE_ID + 1, 3, "older", null)));
    apply(
        upserts(
            4,
            contact(WS, BASE_ID + 2, 3, "older", null),
            contact(WS, BASE_ID + 2, 4, "newer", null)));
    assertEquals(List.of(BASE_ID + 1, BASE_ID + 2), ids(WS, nameIs("newer")));
    assertEquals(List.of(), ids(WS, nameIs("older")));
  }

  @Test
  void aDeletedContactStaysDeletedWhenAnOlderVersionIsReplayed() {
    apply(
        upserts(1, contact(WS, BASE_ID, 1, "ann", null), contact(WS, BASE_ID + 1, 1, "bob", null)));
    apply(deletion(2, WS, BASE_ID, 2));
    apply(upserts(1, contact(WS, BASE_ID, 1, "ann", null)));
    assertEquals(List.of(), ids(WS, nameIs("ann")));
    assertEquals(1, index.count(WS));
    // A replayed deletion changes nothing either, and a newer version (a later write) wins over the
    // tombstone.
    apply(deletion(2, WS, BASE_ID, 2));
    apply(upserts(3, contact(WS, BASE_ID, 3, "ann again", null)));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("ann again")));
    assertEquals(2, index.count(WS));
  }

  @Test
  void theAppliedPositionIsRecordedAndRecoveredAfterReopen() {
    apply(upserts(7, contact(WS, BASE_ID, 1, "ann", null)));
    apply(
        upserts(
            5, contact(WS, BASE_ID + 1, 1, "bob", null))); // an older position never moves it back
    assertEquals(7, index.appliedPosition());
    index.maybeCommit();
    index.close();
    index = open();
    makeVisible(index);
    assertEquals(7, index.appliedPosition());
    assertTrue(
        index.visiblePosition() <= index.appliedPosition(),
        "visible " + index.visiblePosition() + " beyond applied 7");
    assertEquals(2, index.count(WS));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("ann")));
    // Replaying from the recovered position converges.
    apply(
        upserts(
            8, contact(WS, BASE_ID + 1, 1, "bob", null), contact(WS, BASE_ID + 2, 1, "cy", null)));
    assertEquals(8, index.appliedPosition());
    assertEquals(3, index.count(WS));
  }

  /**
   * As the reference evaluator: an AND of nothing is everyone (a broadcast without an audience), an
   * OR of nothing no one. Lucene's BooleanQuery without clauses matches nothing, which once made
   * such a broadcast reach no contact.
   */
  @Test
  void anEmptyAndMatchesEveryoneAndAnEmptyOrNoOne() {
    apply(upserts(1, contact(WS, BASE_ID, 1, "ann", 1L), contact(WS, BASE_ID + 1, 1, "bob", 2L)));
    assertEquals(
        List.of(BASE_ID, BASE_ID + 1), ids(WS, new Query.Group(Query.Logic.AND, List.of())));
    assertEquals(List.of(), ids(WS, new Query.Group(Query.Logic.OR, List.of())));
  }

  @Test
  void searchesAndCountsSeeOneWorkspace() {
    apply(
        upserts(
            1,
            contact(WS, BASE_ID, 1, "ann", 1L),
            contact(OTHER_WS, BASE_ID + 1, 1, "ann", 1L),
            contact(OTHER_WS, BASE_ID + 2, 1, "bob", 2L)));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("ann")));
    assertEquals(List.of(BASE_ID + 1), ids(OTHER_WS, nameIs("ann")));
    assertEquals(1, index.count(WS));
    assertEquals(2, index.count(OTHER_WS));
    assertEquals(0, index.count(WS + 100));
    SearchPage page = index.search(new SearchRequest(WS, everyone(), null, 10, null, NOW));
    assertEquals(1, page.total());
    // Deleting a workspace leaves the other one alone.
    apply(new IndexBatch(List.of(), List.of(), List.of(OTHER_WS), 2));
    assertEquals(0, index.count(OTHER_WS));
    assertEquals(List.of(), ids(OTHER_WS, everyone()));
    assertEquals(List.of(BASE_ID), ids(WS, everyone()));
  }

  @Test
  void aSearchPastItsDeadlineIsStoppedNotAnsweredInPart() {
    apply(upserts(1, contact(WS, BASE_ID, 1, "ann", 1L), contact(WS, BASE_ID + 1, 1, "bob", 2L)));
    makeVisible(index);
    SearchRequest late =
        new SearchRequest(WS, everyone(), null, 10, null, NOW, System.nanoTime() - 1);
    assertThrows(SearchTimedOut.class, () -> index.search(late));
    SearchRequest inTime =
        new SearchRequest(WS, everyone(), null, 10, null, NOW, System.nanoTime() + 60_000_000_000L);
    assertEquals(2, index.search(inTime).total());
  }

  @Test
  void countsLiveContactsOnly() {
    apply(
        upserts(
            1,
            contact(WS, BASE_ID, 1, "ann", null),
            contact(WS, BASE_ID + 1, 1, "bob", null),
            contact(WS, BASE_ID + 2, 1, "cy", null)));
    apply(deletion(2, WS, BASE_ID + 1, 2));
    assertEquals(2, index.count(WS));
    assertEquals(2, index.search(new SearchRequest(WS, everyone(), null, 1, null, NOW)).total());
  }

  @Test
  void pagesNeitherSkipNorRepeat() {
    Random r = new Random(42);
    List<ContactDocument> docs = new ArrayList<>();
    for (int i = 0; i < 45; i++) {
      Long seats =
          r.nextInt(4) == 0
              ? null
              : switch (r.nextInt(5)) {
                case 0 -> Long.MIN_VALUE;
                case 1 -> Long.MAX_VALUE;
                default -> (long) r.nextInt(5);
              };
      docs.add(contact(WS, BASE_ID + 3L * i, 1, "n" + (i % 3), seats));
    }
    apply(new IndexBatch(docs, List.of(), List.of(), 1));
    Field seats = new Field.Custom("seats", FieldType.INTEGER);
    for (SearchRequest.Sort sort :
        List.of(
            new SearchRequest.Sort(seats, false),
            new SearchRequest.Sort(seats, true),
            new SearchRequest.Sort(new Field.Id(), true))) {
      for (int pageSize : new int[] {1, 4, 7, 45, 100}) {
        List<Long> paged = all(WS, everyone(), sort, pageSize);
        assertEquals(expectedOrder(docs, sort), paged, "sort " + sort + ", pages of " + pageSize);
      }
    }
    assertEquals(docs.stream().map(d -> d.contact().id()).toList(), all(WS, everyone(), null, 6));
  }

  private static List<Long> expectedOrder(List<ContactDocument> docs, SearchRequest.Sort sort) {
    Comparator<ContactDocument> byId = Comparator.comparingLong(d -> d.contact().id());
    List<ContactDocument> sorted = new ArrayList<>(docs);
    if (sort.field() instanceof Field.Id) {
      sorted.sort(sort.descending() ? byId.reversed() : byId);
    } else {
      sorted.sort(
          (a, b) -> {
            Long va = (Long) a.contact().custom().get("seats");
            Long vb = (Long) b.contact().custom().get("seats");
            if (va == null || vb == null) {
              return va == null && vb == null ? byId.compare(a, b) : va == null ? 1 : -1;
            }
            int c = sort.descending() ? Long.compare(vb, va) : Long.compare(va, vb);
            return c != 0 ? c : byId.compare(a, b);
          });
    }
    return sorted.stream().map(d -> d.contact().id()).toList();
  }

  @Test
  void tagIdsAreASetOfExact64BitIdsAndAReprojectionReplacesThem() {
    ContactDocument a = contact(WS, BASE_ID, 1, "a", null);
    ContactDocument b = contact(WS, BASE_ID + 1, 1, "b", null);
    long t = (1L << 53) + 1;
    apply(
        upserts(
            1,
            new ContactDocument(a.contact(), a.events(), List.of(t, 7L)),
            new ContactDocument(b.contact(), b.events(), List.of(t - 1))));
    membersAreASetOfExact64BitIds(Field.Members.TAGS);
  }

  @Test
  void companyIdsAreASetOfExact64BitIdsAndAReprojectionReplacesThem() {
    ContactDocument a = contact(WS, BASE_ID, 1, "a", null);
    ContactDocument b = contact(WS, BASE_ID + 1, 1, "b", null);
    long t = (1L << 53) + 1;
    apply(
        upserts(
            1,
            new ContactDocument(a.contact(), a.events(), List.of(5L), List.of(t, 7L)),
            new ContactDocument(b.contact(), b.events(), List.of(t), List.of(t - 1))));
    membersAreASetOfExact64BitIds(Field.Members.COMPANIES);
  }

  /** Contact BASE_ID has members t and 7 of the kind, BASE_ID + 1 has t - 1 (t = 2^53 + 1). */
  private void membersAreASetOfExact64BitIds(Field tag) {
    long t = (1L << 53) + 1; // (double) t == (double) (t - 1)
    assertEquals(List.of(BASE_ID), ids(WS, new Query.Filter(tag, Operator.EQ, List.of(t), false)));
    assertEquals(
        List.of(BASE_ID + 1), ids(WS, new Query.Filter(tag, Operator.NE, List.of(t), false)));
    assertEquals(
        List.of(BASE_ID, BASE_ID + 1),
        ids(WS, new Query.Filter(tag, Operator.IN, List.of(7L, t - 1), false)));
    assertEquals(
        List.of(), ids(WS, new Query.Filter(tag, Operator.NIN, List.of(7L, t - 1), false)));
    assertEquals(List.of(), ids(OTHER_WS, new Query.Filter(tag, Operator.EQ, List.of(t), false)));
    // Untagged: the next version has no tags, and the old ones no longer match.
    ContactDocument a2 = contact(WS, BASE_ID, 2, "a", null);
    apply(upserts(2, a2));
    assertEquals(List.of(), ids(WS, new Query.Filter(tag, Operator.EQ, List.of(t), false)));
    assertEquals(
        List.of(BASE_ID, BASE_ID + 1),
        ids(WS, new Query.Filter(tag, Operator.NE, List.of(t), false)));
  }

  @Test
  void idsAboveTwoToTheFiftyThreeStayExact() {
    long id = (1L << 53) + 1; // (double) id == (double) (id - 1)
    apply(
        upserts(
            1,
            contact(WS, id - 1, 1, "a", null),
            contact(WS, id, 1, "b", null),
            contact(WS, Long.MAX_VALUE, 1, "c", null)));
    assertEquals(
        List.of(id), ids(WS, new Query.Filter(new Field.Id(), Operator.EQ, List.of(id), false)));
    assertEquals(
        List.of(Long.MAX_VALUE, id, id - 1),
        all(WS, everyone(), new SearchRequest.Sort(new Field.Id(), true), 1));
  }

  @Test
  void aRebuildLoadKeepsVersionsForTheCatchUp() {
    index.load(
        List.of(
            contact(WS, BASE_ID, 3, "loaded", null), contact(WS, BASE_ID + 1, 1, "loaded", null)));
    // The catch-up after a load goes through apply: an older version is refused, a newer one wins.
    apply(
        new IndexBatch(
            List.of(
                contact(WS, BASE_ID, 2, "older", null), contact(WS, BASE_ID + 1, 2, "newer", null)),
            List.of(),
            List.of(),
            9));
    assertEquals(List.of(BASE_ID), ids(WS, nameIs("loaded")));
    assertEquals(List.of(BASE_ID + 1), ids(WS, nameIs("newer")));
    assertEquals(2, index.count(WS));
    assertEquals(9, index.appliedPosition());
  }
}
