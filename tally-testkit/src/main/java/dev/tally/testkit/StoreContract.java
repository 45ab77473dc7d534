package dev.tally.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.FieldType;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Page;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WorkspaceLimits;
import dev.tally.core.store.Written;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link Store} must keep, as Lucene's BaseDirectoryTestCase is for Directory. A
 * backend's test extends this and says how to open a store on a directory; the store must start
 * every id sequence above 2^32 (T8) so that a narrow column or int fails here.
 */
public abstract class StoreContract {
  protected static final ObjectMapper JSON = new ObjectMapper();

  @TempDir protected Path dir;

  protected Store store;
  protected long ws;
  protected long other;

  /**
   * Opens (or reopens) the store kept in {@code dir}, with id sequences above 2^32 and these caps
   * per workspace. A store opened while another is open on {@code dir} shares its data (as a second
   * process would) where the backend allows that.
   */
  protected abstract Store open(Path dir, WorkspaceLimits limits);

  /** Opens (or reopens) the store kept in {@code dir} with the default caps. */
  protected Store open(Path dir) {
    return open(dir, WorkspaceLimits.DEFAULTS);
  }

  /**
   * Behind the store's back, as a careless migration or an operator might: makes the database
   * refuse events with this name by a constraint Tally knows nothing of.
   */
  protected abstract void forbidEventsNamed(String name);

  @BeforeEach
  void setUp() {
    store = open(dir);
    ws = store.write(tx -> tx.createWorkspace("acme")).value().id();
    other = store.write(tx -> tx.createWorkspace("globex")).value().id();
  }

  @AfterEach
  void tearDown() {
    store.close();
  }

  protected static ContactPatch patch(String json) {
    try {
      return ContactPatchParser.parse(JSON.readTree(json), ContactPatchParser.Mode.CREATE);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  protected static JsonNode json(String json) {
    try {
      return JSON.readTree(json);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  protected static ContactPatch update(String json) {
    try {
      return ContactPatchParser.parse(JSON.readTree(json), ContactPatchParser.Mode.UPDATE);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  protected Contact create(long workspace, String json) {
    return store.write(tx -> tx.createContact(workspace, patch(json))).value();
  }

  @Test
  void idsArePastTwoToThe32() {
    Contact c = create(ws, "{\"email\":\"a@example.com\"}");
    assertTrue(ws > (1L << 32), "workspace id " + ws);
    assertTrue(c.id() > (1L << 32), "contact id " + c.id());
    assertTrue(store.head() > (1L << 32), "oplog position " + store.head());
    assertNotEquals(c.id(), ws, "each table has its own sequence offset");
  }

  @Test
  void createReadUpdateDelete() {
    Written<Contact> w =
        store.write(
            tx ->
                tx.createContact(
                    ws,
                    patch(
                        "{\"email\":\"Ann@Example.com\",\"name\":\"Ann\","
                            + "\"custom_attributes\":{\"plan\":\"pro\"}}")));
    Contact c = w.value();
    assertEquals(1, c.version());
    assertEquals("example.com", c.string(ContactField.EMAIL_DOMAIN));
    assertEquals("user", c.role());
    assertEquals(w.position(), store.head());
    assertEquals(c, store.contact(ws, c.id()).orElseThrow());
    assertEquals(1, store.contactCount(ws));

    Contact updated =
        store
            .write(
                tx ->
                    tx.updateContact(
                        ws,
                        c.id(),
                        update(
                            "{\"name\":null,\"custom_attributes\":{\"plan\":null,\"seats\":3}}")))
            .value();
    assertEquals(2, updated.version());
    assertEquals(null, updated.string(ContactField.NAME));
    assertEquals(3L, updated.custom().get("seats"));
    assertFalse(updated.custom().containsKey("plan"));

    store.write(tx -> tx.deleteContact(ws, c.id()));
    assertTrue(store.contact(ws, c.id()).isEmpty());
    assertEquals(0, store.contactCount(ws));
    TallyException e =
        assertThrows(TallyException.class, () -> store.write(tx -> tx.deleteContact(ws, c.id())));
    assertEquals(TallyException.Kind.NOT_FOUND, e.kind());
  }

  @Test
  void identitiesAreUniquePerWorkspaceAmongUsers() {
    Contact first = create(ws, "{\"email\":\"dup@example.com\",\"external_id\":\"u1\"}");
    TallyException byEmail =
        assertThrows(TallyException.class, () -> create(ws, "{\"email\":\"DUP@example.com\"}"));
    assertEquals("conflict", byEmail.code());
    assertTrue(byEmail.getMessage().contains(Long.toString(first.id())), byEmail.getMessage());
    TallyException byExternalId =
        assertThrows(TallyException.class, () -> create(ws, "{\"external_id\":\"u1\"}"));
    assertEquals("conflict", byExternalId.code());
    // Another workspace, or a lead, may hold the same values.
    create(other, "{\"email\":\"dup@example.com\",\"external_id\":\"u1\"}");
    Contact lead = create(ws, "{\"email\":\"dup@example.com\",\"role\":\"lead\"}");
    // ... but a lead becoming a user must claim them.
    assertThrows(
        TallyException.class,
        () -> store.write(tx -> tx.updateContact(ws, lead.id(), update("{\"role\":\"user\"}"))));
    // Releasing an identity frees it.
    store.write(tx -> tx.updateContact(ws, first.id(), update("{\"email\":\"new@example.com\"}")));
    create(ws, "{\"email\":\"dup@example.com\"}");
    assertEquals(3, store.contactCount(ws));
  }

  @Test
  void concurrentCreatesOfOneIdentityExactlyOneWins() throws Exception {
    int writers = 16;
    ExecutorService pool = Executors.newFixedThreadPool(writers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        String json =
            i % 2 == 0
                ? "{\"email\":\"race@example.com\"}"
                : "{\"email\":\"Race@Example.com\",\"external_id\":\"r" + i + "\"}";
        results.add(
            pool.submit(
                () -> {
                  try {
                    create(ws, json);
                    return true;
                  } catch (TallyException e) {
                    assertEquals("conflict", e.code());
                    return false;
                  }
                }));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertEquals(1, wins);
      assertEquals(1, store.contactCount(ws));
      assertTrue(store.findContact(ws, ContactRef.byEmail("RACE@example.com")).isPresent());
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void aFailingWriteLeavesNothingAndDoesNotHurtItsBatch() throws Exception {
    create(ws, "{\"email\":\"taken@example.com\"}");
    long before = store.head();
    int n = 40;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger ok = new AtomicInteger();
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int i = 0; i < n; i++) {
        int k = i;
        fs.add(
            pool.submit(
                () -> {
                  try {
                    store.write(
                        tx -> {
                          tx.createContact(ws, patch("{\"email\":\"batch" + k + "@example.com\"}"));
                          if (k % 2 == 1) {
                            // a second change in the same task that fails: the first must be undone
                            // too
                            tx.createContact(ws, patch("{\"email\":\"taken@example.com\"}"));
                          }
                          return null;
                        });
                    ok.incrementAndGet();
                  } catch (TallyException e) {
                    assertEquals("conflict", e.code());
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(n / 2, ok.get());
    assertEquals(n / 2 + 1, store.contactCount(ws));
    for (int i = 0; i < n; i++) {
      assertEquals(
          i % 2 == 0,
          store.findContact(ws, ContactRef.byEmail("batch" + i + "@example.com")).isPresent(),
          "contact " + i);
    }
    List<OplogEntry> entries = store.oplog(before, 1000);
    assertEquals(
        n / 2, entries.size(), "one oplog entry per committed create, none for undone ones");
  }

  @Test
  void oplogGrowsInCommitOrderAndHoldsNoPersonalData() throws Exception {
    long start = store.head();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    List<Future<Written<Contact>>> fs = new ArrayList<>();
    try {
      for (int i = 0; i < 64; i++) {
        int k = i;
        fs.add(
            pool.submit(
                () ->
                    store.write(
                        tx ->
                            tx.createContact(
                                ws, patch("{\"email\":\"o" + k + "@example.com\"}")))));
      }
      for (Future<Written<Contact>> f : fs) {
        Written<Contact> w = f.get();
        assertTrue(w.position() > start && w.position() <= store.head());
      }
    } finally {
      pool.shutdownNow();
    }
    List<OplogEntry> entries = store.oplog(start, 1000);
    assertEquals(64, entries.size());
    for (int i = 1; i < entries.size(); i++) {
      assertTrue(entries.get(i).position() > entries.get(i - 1).position());
    }
    for (OplogEntry e : entries) {
      assertEquals(ws, e.workspaceId());
      assertEquals(OplogEntry.CONTACT, e.entity());
      assertFalse(e.toString().contains("@example.com"));
    }
    assertEquals(entries.get(entries.size() - 1).position(), store.head());
    assertEquals(10, store.oplog(start, 10).size());
  }

  @Test
  void eventSummariesAreSetReplacingTheContactsAndReProjectIt() {
    Contact c = create(ws, "{\"external_id\":\"sum1\"}");
    store.write(
        tx ->
            tx.recordEvent(
                ws,
                EventInput.parse(
                    json("{\"event_name\":\"paid\",\"created_at\":50,\"user_id\":\"sum1\"}"))));
    long before = store.head();
    dev.tally.core.model.EventSummariesInput in =
        dev.tally.core.model.EventSummariesInput.parse(
            json(
                "{\"user_id\":\"sum1\",\"event_summaries\":[{\"event_name\":\"paid\",\"count\":9,"
                    + "\"first\":10,\"last\":20},{\"event_name\":\"new\",\"count\":1,\"last\":5}]}"));
    Written<Void> w =
        store.write(
            tx -> {
              tx.setEventSummaries(ws, in);
              return null;
            });
    assertTrue(w.position() > before, "an oplog entry re-projects the contact");
    assertEquals(
        List.of(new EventSummary("new", 1, 5, 5), new EventSummary("paid", 9, 10, 20)),
        store.eventSummaries(ws, c.id()).stream()
            .sorted(java.util.Comparator.comparing(EventSummary::name))
            .toList());
    assertEquals(3, store.contact(ws, c.id()).orElseThrow().version());
    // The same request again leaves the same summaries.
    store.write(
        tx -> {
          tx.setEventSummaries(ws, in);
          return null;
        });
    assertEquals(2, store.eventSummaries(ws, c.id()).size());
    assertEquals(
        9,
        store.eventSummaries(ws, c.id()).stream()
            .filter(s -> s.name().equals("paid"))
            .findFirst()
            .orElseThrow()
            .count());
  }

  @Test
  void eventsAreDeduplicatedAndSummarised() {
    Contact c = create(ws, "{\"external_id\":\"u7\",\"email\":\"e@example.com\"}");
    EventInput a =
        EventInput.parse(
            json(
                "{\"event_name\":\"bought\",\"created_at\":200,\"user_id\":\"u7\",\"metadata\":{\"sku\":\"x\"}}"));
    EventInput b =
        EventInput.parse(
            json("{\"event_name\":\"bought\",\"created_at\":100,\"email\":\"E@example.com\"}"));
    EventInput c2 =
        EventInput.parse(
            json("{\"event_name\":\"bought\",\"created_at\":300,\"id\":\"" + c.id() + "\"}"));
    assertTrue(store.write(tx -> tx.recordEvent(ws, a)).value());
    long head = store.head();
    Written<Boolean> dup = store.write(tx -> tx.recordEvent(ws, a));
    assertFalse(dup.value());
    assertEquals(head, dup.position(), "a write that changed nothing reports the head");
    assertTrue(store.write(tx -> tx.recordEvent(ws, b)).value());
    assertTrue(store.write(tx -> tx.recordEvent(ws, c2)).value());
    assertEquals(
        List.of(new EventSummary("bought", 3, 100, 300)), store.eventSummaries(ws, c.id()));
    assertEquals(3, store.events(ws, c.id(), Long.MAX_VALUE, 10).items().size());
    assertEquals(
        4,
        store.contact(ws, c.id()).orElseThrow().version(),
        "each new event bumps the contact's version");
    EventInput unknown =
        EventInput.parse(json("{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"nobody\"}"));
    assertEquals(
        TallyException.Kind.NOT_FOUND,
        assertThrows(TallyException.class, () -> store.write(tx -> tx.recordEvent(ws, unknown)))
            .kind());
    // Another workspace cannot record events on this contact.
    assertThrows(TallyException.class, () -> store.write(tx -> tx.recordEvent(other, c2)));
  }

  /**
   * A database error Tally does not expect is a bug: not retriable (a 500), never a 503 that asks
   * clients to retry.
   */
  @Test
  void anUnexpectedDatabaseErrorIsABugNotAnOutage() {
    Contact c = create(ws, "{\"external_id\":\"u1\"}");
    assertTrue(
        store
            .write(
                tx ->
                    tx.recordEvent(
                        ws,
                        EventInput.parse(
                            json("{\"event_name\":\"fine\",\"created_at\":1,\"user_id\":\"u1\"}"))))
            .value());
    forbidEventsNamed("forbidden");
    EventInput forbidden =
        EventInput.parse(
            json("{\"event_name\":\"forbidden\",\"created_at\":2,\"user_id\":\"u1\"}"));
    TallyException e =
        assertThrows(TallyException.class, () -> store.write(tx -> tx.recordEvent(ws, forbidden)));
    assertEquals(TallyException.Kind.INTERNAL, e.kind(), e.getMessage());
    assertFalse(e.retriable());
    assertTrue(
        e.getMessage().contains("record event") && e.getMessage().contains("bug"), e.getMessage());
    // Nothing half-written, and the writer goes on.
    assertEquals(2, store.contact(ws, c.id()).orElseThrow().version());
    assertEquals(List.of(new EventSummary("fine", 1, 1, 1)), store.eventSummaries(ws, c.id()));
    assertTrue(
        store
            .write(
                tx ->
                    tx.recordEvent(
                        ws,
                        EventInput.parse(
                            json("{\"event_name\":\"fine\",\"created_at\":3,\"user_id\":\"u1\"}"))))
            .value());
    assertEquals(
        null, store.unhealthyReason(), "one failed write does not make the store unhealthy");
  }

  /**
   * Counts are summed per batch: after creates and deletes sharing batches, some failing, they
   * equal what is there.
   */
  @Test
  void contactCountsMatchTheContactsAfterSharedBatches() {
    List<dev.tally.core.store.WriteWork<Long>> works = new ArrayList<>();
    for (int i = 0; i < 120; i++) {
      int k = i;
      // every fifth collides with the one before it: it fails alone
      String email = "c" + (k % 5 == 4 ? k - 1 : k) + "@example.com";
      works.add(
          tx ->
              tx.createContact(k / 10 % 2 == 0 ? ws : other, patch("{\"email\":\"" + email + "\"}"))
                  .id());
    }
    List<dev.tally.core.store.Outcome<Long>> created = store.writeEach(works);
    List<dev.tally.core.store.WriteWork<Long>> deletes = new ArrayList<>();
    for (int i = 0; i < created.size(); i += 3) {
      if (created.get(i).ok()) {
        long id = created.get(i).written().value();
        long w = i / 10 % 2 == 0 ? ws : other;
        deletes.add(tx -> tx.deleteContact(w, id).id());
      }
    }
    store.writeEach(deletes);
    for (long w : new long[] {ws, other}) {
      int listed = 0;
      for (long after = 0; ; ) {
        var page = store.contacts(w, after, 50);
        listed += page.items().size();
        if (!page.more()) {
          break;
        }
        after = page.items().get(page.items().size() - 1).id();
      }
      assertEquals(listed, store.contactCount(w), "workspace " + w);
    }
    assertTrue(created.stream().anyMatch(o -> !o.ok()), "some creates were meant to fail");
  }

  /**
   * A data attribute defined by a write that was then undone is not remembered: the next value of
   * another type defines it anew (a store that cached the undone definition would refuse it).
   */
  @Test
  void anUndoneAttributeDefinitionIsForgotten() {
    List<dev.tally.core.store.WriteWork<Long>> works = new ArrayList<>();
    works.add(
        tx -> {
          tx.createContact(
              ws, patch("{\"email\":\"a@example.com\",\"custom_attributes\":{\"tier\":\"gold\"}}"));
          throw TallyException.invalid("test", "undone on purpose");
        });
    works.add(tx -> tx.createContact(ws, patch("{\"email\":\"b@example.com\"}")).id());
    List<dev.tally.core.store.Outcome<Long>> out = store.writeEach(works);
    assertFalse(out.get(0).ok());
    assertTrue(out.get(1).ok());
    assertTrue(store.dataAttributes(ws).stream().noneMatch(a -> a.name().equals("tier")));
    create(ws, "{\"email\":\"c@example.com\",\"custom_attributes\":{\"tier\":3}}");
    assertEquals(
        FieldType.INTEGER,
        store.dataAttributes(ws).stream()
            .filter(a -> a.name().equals("tier"))
            .findFirst()
            .orElseThrow()
            .type());
    TallyException e =
        assertThrows(
            TallyException.class,
            () ->
                create(
                    ws, "{\"email\":\"d@example.com\",\"custom_attributes\":{\"tier\":\"gold\"}}"));
    assertEquals("custom_attributes.tier", e.field());
  }

  @Test
  void customAttributesAreTypedByTheirFirstValue() {
    create(
        ws,
        "{\"email\":\"t@example.com\",\"custom_attributes\":{\"seats\":3,\"score\":1.5,\"vip\":true,\"plan\":\"pro\",\"renew_at\":1700000000}}");
    var types = new java.util.HashMap<String, FieldType>();
    store.dataAttributes(ws).forEach(a -> types.put(a.name(), a.type()));
    assertEquals(FieldType.INTEGER, types.get("seats"));
    assertEquals(FieldType.FLOAT, types.get("score"));
    assertEquals(FieldType.BOOLEAN, types.get("vip"));
    assertEquals(FieldType.STRING, types.get("plan"));
    assertEquals(FieldType.DATE, types.get("renew_at"));
    TallyException e =
        assertThrows(
            TallyException.class,
            () ->
                create(
                    ws,
                    "{\"email\":\"u@example.com\",\"custom_attributes\":{\"seats\":\"many\"}}"));
    assertEquals("custom_attributes.seats", e.field());
    assertTrue(
        e.getMessage().contains("integer") && e.getMessage().contains("string"), e.getMessage());
    assertTrue(
        store.findContact(ws, ContactRef.byEmail("u@example.com")).isEmpty(),
        "nothing half-written");
    // An integer is a fine float; the other workspace has its own definitions.
    create(ws, "{\"email\":\"v@example.com\",\"custom_attributes\":{\"score\":2}}");
    create(other, "{\"email\":\"v@example.com\",\"custom_attributes\":{\"seats\":\"many\"}}");
    // Defined explicitly first, a value must follow the declaration.
    store.write(
        tx ->
            tx.createDataAttribute(
                ws,
                DataAttributeInput.parse(
                    json("{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"integer\"}"))));
    assertThrows(
        TallyException.class,
        () ->
            create(ws, "{\"email\":\"w@example.com\",\"custom_attributes\":{\"tier\":\"gold\"}}"));
    assertThrows(
        TallyException.class,
        () ->
            store.write(
                tx ->
                    tx.createDataAttribute(
                        ws,
                        DataAttributeInput.parse(
                            json(
                                "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\"}")))));
  }

  @Test
  void deletingAContactErasesItsPersonalData() {
    Contact c = create(ws, "{\"external_id\":\"gone\",\"email\":\"gone@example.com\"}");
    store.write(
        tx ->
            tx.recordEvent(
                ws,
                EventInput.parse(
                    json(
                        "{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"gone\","
                            + "\"metadata\":{\"secret\":\"s3cr3t\"}}"))));
    store.writeOnce(
        ws,
        "key-1",
        "fp",
        tx -> new StoredResponse(200, "{\"email\":\"gone@example.com\"}", c.id()));
    store.write(tx -> tx.deleteContact(ws, c.id()));
    assertTrue(store.findContact(ws, ContactRef.byEmail("gone@example.com")).isEmpty());
    assertTrue(store.findContact(ws, ContactRef.byExternalId("gone")).isEmpty());
    assertTrue(store.events(ws, c.id(), Long.MAX_VALUE, 10).items().isEmpty());
    assertTrue(store.eventSummaries(ws, c.id()).isEmpty());
    Written<StoredResponse> replay =
        store.writeOnce(
            ws,
            "key-1",
            "fp",
            tx -> {
              throw new AssertionError("a replay must not run the work again");
            });
    assertFalse(replay.value().body().contains("gone@example.com"), replay.value().body());
    assertPersonalDataGone("gone@example.com", "s3cr3t");
    // The identity is free again.
    create(ws, "{\"external_id\":\"gone\",\"email\":\"gone@example.com\"}");
  }

  /** Backends check their own storage for any trace of these values. */
  protected void assertPersonalDataGone(String... values) {}

  @Test
  void idempotentWritesHaveOneEffect() throws Exception {
    AtomicInteger runs = new AtomicInteger();
    Callable<Written<StoredResponse>> call =
        () ->
            store.writeOnce(
                ws,
                "k",
                "same",
                tx -> {
                  runs.incrementAndGet();
                  Contact c = tx.createContact(ws, patch("{\"email\":\"idem@example.com\"}"));
                  return new StoredResponse(200, "{\"id\":\"" + c.id() + "\"}", c.id());
                });
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Written<StoredResponse>>> fs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        fs.add(pool.submit(call));
      }
      Written<StoredResponse> first = fs.get(0).get();
      for (Future<Written<StoredResponse>> f : fs) {
        assertEquals(first, f.get());
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(1, runs.get());
    assertEquals(1, store.contactCount(ws));
    TallyException e =
        assertThrows(TallyException.class, () -> store.writeOnce(ws, "k", "different", tx -> null));
    assertEquals("idempotency_key_reused", e.code());
    // Keys are per workspace.
    store.writeOnce(other, "k", "different", tx -> new StoredResponse(200, "{}", 0));
  }

  @Test
  void workspacesAreIsolated() {
    Contact mine = create(ws, "{\"email\":\"iso@example.com\",\"external_id\":\"iso\"}");
    assertTrue(store.contact(other, mine.id()).isEmpty());
    assertTrue(store.findContact(other, ContactRef.byEmail("iso@example.com")).isEmpty());
    assertTrue(store.contacts(other, 0, 10).items().isEmpty());
    assertEquals(0, store.contactCount(other));
    assertEquals(
        TallyException.Kind.NOT_FOUND,
        assertThrows(
                TallyException.class,
                () ->
                    store.write(
                        tx -> tx.updateContact(other, mine.id(), update("{\"name\":\"x\"}"))))
            .kind());
    assertEquals(
        TallyException.Kind.NOT_FOUND,
        assertThrows(
                TallyException.class, () -> store.write(tx -> tx.deleteContact(other, mine.id())))
            .kind());
    assertTrue(store.contact(ws, mine.id()).isPresent());
  }

  @Test
  void listingPagesInIdOrder() {
    for (int i = 0; i < 7; i++) {
      create(ws, "{\"email\":\"p" + i + "@example.com\"}");
    }
    var page1 = store.contacts(ws, 0, 3);
    assertTrue(page1.more());
    var page3 =
        store.contacts(ws, store.contacts(ws, page1.items().get(2).id(), 3).items().get(2).id(), 3);
    assertEquals(1, page3.items().size());
    assertFalse(page3.more());
  }

  @Test
  void documentsAreReadInBulkWithTheirEventSummaries() {
    Contact a = create(ws, "{\"external_id\":\"a\"}");
    Contact b = create(other, "{\"external_id\":\"b\"}");
    Contact c = create(ws, "{\"external_id\":\"c\"}");
    store.write(
        tx ->
            tx.recordEvent(
                ws,
                EventInput.parse(
                    json("{\"event_name\":\"x\",\"created_at\":5,\"user_id\":\"c\"}"))));
    var all = store.documentsAfter(0, 10);
    assertEquals(List.of(a.id(), b.id(), c.id()), all.stream().map(d -> d.contact().id()).toList());
    assertEquals(1, all.get(2).events().get("x").count());
    assertEquals(2, all.get(2).contact().version());
    assertEquals(
        List.of(c.id()),
        store.documentsAfter(b.id(), 10).stream().map(d -> d.contact().id()).toList());
    assertEquals(store.documents(List.of(c.id())), store.documentsAfter(b.id(), 1));
  }

  @Test
  void versionDigestsAgreeWithTheVersionsTheySummarise() {
    Contact a = create(ws, "{\"external_id\":\"va\"}");
    Contact b = create(other, "{\"external_id\":\"vb\"}");
    Contact c = create(ws, "{\"external_id\":\"vc\"}");
    store.write(
        tx ->
            tx.updateContact(
                ws,
                a.id(),
                ContactPatchParser.parse(
                    json("{\"name\":\"A\"}"), ContactPatchParser.Mode.UPDATE)));
    store.write(tx -> tx.deleteContact(ws, c.id()));
    List<IdVersion> all = store.versions(Long.MIN_VALUE, Long.MAX_VALUE);
    assertEquals(
        List.of(new IdVersion(a.id(), 2), new IdVersion(b.id(), 1)),
        all,
        "every workspace, in id order, deleted ones gone");
    assertEquals(
        List.of(new IdVersion(b.id(), 1)),
        store.versions(a.id() + 1, b.id() + 1),
        "from inclusive, to exclusive");
    VersionDigest.Builder expected = new VersionDigest.Builder();
    all.forEach(v -> expected.add(v.id(), v.version()));
    List<VersionDigest> before = store.versionDigests();
    assertEquals(
        expected.build(),
        before,
        "the store's digests equal the same hash computed in Java (ids above 2^32 included)");
    store.write(
        tx ->
            tx.updateContact(
                other,
                b.id(),
                ContactPatchParser.parse(
                    json("{\"name\":\"B\"}"), ContactPatchParser.Mode.UPDATE)));
    assertNotEquals(before, store.versionDigests(), "a new version changes its bucket's digest");
  }

  @Test
  void theOplogIsPrunedByAgeButNeverItsNewestEntryAndTheFloorSaysHowFar() {
    assertEquals(0, store.oplogFloor());
    create(ws, "{\"external_id\":\"old1\"}");
    create(ws, "{\"external_id\":\"old2\"}");
    long head = store.head();
    long future = java.time.Instant.now().getEpochSecond() + 3600;
    int removed = store.write(tx -> tx.pruneOplog(future)).value();
    assertTrue(removed > 0);
    List<OplogEntry> left = store.oplog(0, 100);
    assertEquals(1, left.size(), "the newest entry stays, so the head is still known");
    assertEquals(head, left.get(0).position());
    assertEquals(head, store.head());
    assertTrue(
        store.oplogFloor() < head && store.oplogFloor() >= store.oplog(0, 1).get(0).position() - 1);
    assertEquals(
        left,
        store.oplog(store.oplogFloor(), 100),
        "a reader at the floor misses nothing that is kept");
    assertEquals(
        0, (int) store.write(tx -> tx.pruneOplog(0)).value(), "nothing older than the epoch");
    Contact later = create(ws, "{\"external_id\":\"new\"}");
    assertTrue(store.head() > head, "positions keep growing after a prune");
    assertEquals(later.id(), store.oplog(head, 10).get(0).entityId());
  }

  @Test
  void everythingSurvivesAReopen() {
    Contact c = create(ws, "{\"email\":\"durable@example.com\",\"custom_attributes\":{\"n\":1}}");
    long head = store.head();
    store.close();
    store = open(dir);
    assertEquals(c, store.contact(ws, c.id()).orElseThrow());
    assertEquals(head, store.head());
    Contact next = create(ws, "{\"email\":\"after@example.com\"}");
    assertTrue(next.id() > c.id());
  }

  @Test
  void deletingAWorkspaceRemovesEverythingInIt() {
    Contact c = create(ws, "{\"email\":\"w@example.com\"}");
    store.write(tx -> tx.addToken(ws, "hash-1", "tly_x"));
    store.write(
        tx -> {
          tx.deleteWorkspace(ws);
          return null;
        });
    assertTrue(store.workspace(ws).isEmpty());
    assertTrue(store.contact(ws, c.id()).isEmpty());
    assertTrue(store.workspaceForToken("hash-1").isEmpty());
    assertEquals(List.of("globex"), store.workspaces().stream().map(Workspace::name).toList());
  }

  @Test
  void aLeaseIsTakenRenewedRefusedToOthersAndReleased() {
    Duration ttl = Duration.ofSeconds(30);
    assertTrue(store.acquireLease("projector", "a", ttl), "a free lease is taken");
    assertTrue(store.acquireLease("projector", "a", ttl), "the holder renews it");
    assertFalse(store.acquireLease("projector", "b", ttl), "refused while another holds it");
    assertTrue(store.acquireLease("sender", "b", ttl), "leases are independent by name");
    store.releaseLease("projector", "b"); // not b's: nothing happens
    assertFalse(store.acquireLease("projector", "b", ttl));
    store.releaseLease("projector", "a");
    assertTrue(store.acquireLease("projector", "b", ttl), "free again once released");
    assertFalse(store.acquireLease("projector", "a", ttl));
  }

  @Test
  void anExpiredLeaseIsTakenOver() throws InterruptedException {
    assertTrue(store.acquireLease("projector", "a", Duration.ofMillis(300)));
    assertFalse(store.acquireLease("projector", "b", Duration.ofSeconds(30)));
    Thread.sleep(700);
    assertTrue(
        store.acquireLease("projector", "b", Duration.ofSeconds(30)),
        "taken over after the holder's ttl");
    assertFalse(
        store.acquireLease("projector", "a", Duration.ofMillis(300)),
        "the old holder cannot renew it any more");
  }

  @Test
  void concurrentTakersOfALeaseExactlyOneWins() throws Exception {
    int takers = 8;
    ExecutorService pool = Executors.newFixedThreadPool(takers);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < takers; i++) {
        String holder = "p" + i;
        results.add(
            pool.submit(() -> store.acquireLease("projector", holder, Duration.ofSeconds(30))));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertEquals(1, wins);
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void tokensResolveToTheirWorkspaceUntilRevoked() {
    var t = store.write(tx -> tx.addToken(ws, "h1", "tly_a")).value();
    assertEquals(ws, store.workspaceForToken("h1").getAsLong());
    store.write(
        tx -> {
          tx.revokeToken(ws, t.id());
          return null;
        });
    assertTrue(store.workspaceForToken("h1").isEmpty());
    assertThrows(
        TallyException.class,
        () ->
            store.write(
                tx -> {
                  tx.revokeToken(other, t.id());
                  return null;
                }));
  }

  // ---- caps on distinct event names and custom attributes per workspace ----

  /** Reopens the store with these caps. */
  protected void reopenWith(WorkspaceLimits limits) {
    store.close();
    store = open(dir, limits);
  }

  protected boolean recordEvent(long workspace, String externalId, String name, long at) {
    return store
        .write(
            tx ->
                tx.recordEvent(
                    workspace, new EventInput(ContactRef.byExternalId(externalId), name, at, "{}")))
        .value();
  }

  protected Set<String> eventNames(long workspace, long contactId) {
    Set<String> names = new TreeSet<>();
    store.eventSummaries(workspace, contactId).forEach(s -> names.add(s.name()));
    return names;
  }

  @Test
  void newEventNamesStopAtTheCapWhileKnownOnesGoOn() {
    reopenWith(new WorkspaceLimits(3, 10));
    Contact c = create(ws, "{\"external_id\":\"e1\"}");
    create(ws, "{\"external_id\":\"e2\"}");
    assertTrue(recordEvent(ws, "e1", "a", 1));
    assertTrue(recordEvent(ws, "e1", "b", 1));
    assertTrue(recordEvent(ws, "e2", "c", 1));
    long head = store.head();
    TallyException refused =
        assertThrows(TallyException.class, () -> recordEvent(ws, "e1", "d", 1));
    assertEquals("event_name_limit_reached", refused.code());
    assertEquals("event_name", refused.field());
    assertEquals(400, refused.kind().status);
    assertFalse(refused.retriable());
    assertTrue(refused.getMessage().contains("\"d\""), refused.getMessage());
    assertTrue(refused.getMessage().contains("has 3 distinct"), refused.getMessage());
    assertTrue(refused.getMessage().contains("at most 3"), refused.getMessage());
    assertTrue(refused.getMessage().contains("--max-event-names"), refused.getMessage());
    assertTrue(refused.getMessage().contains("Retrying will not help"), refused.getMessage());
    assertEquals(head, store.head(), "a refused event writes nothing");
    assertEquals(Set.of("a", "b"), eventNames(ws, c.id()));

    assertTrue(recordEvent(ws, "e1", "c", 2), "a name the workspace has, new to this contact");
    assertTrue(recordEvent(ws, "e1", "a", 2), "a name the contact has");
    assertFalse(recordEvent(ws, "e1", "a", 2), "a duplicate is still ignored");
    assertEquals(Set.of("a", "b", "c"), eventNames(ws, c.id()));

    create(other, "{\"external_id\":\"o1\"}");
    for (String name : List.of("d", "e", "f")) {
      assertTrue(recordEvent(other, "o1", name, 1), "each workspace has its own names");
    }

    reopenWith(new WorkspaceLimits(3, 10));
    assertTrue(recordEvent(ws, "e2", "b", 3), "known names survive a reopen (and a cold cache)");
    assertThrows(TallyException.class, () -> recordEvent(ws, "e2", "g", 3));
  }

  @Test
  void aDeletedContactsEventNamesStayCounted() {
    reopenWith(new WorkspaceLimits(2, 10));
    Contact gone = create(ws, "{\"external_id\":\"g1\"}");
    recordEvent(ws, "g1", "a", 1);
    recordEvent(ws, "g1", "b", 1);
    store.write(tx -> tx.deleteContact(ws, gone.id()));
    create(ws, "{\"external_id\":\"g2\"}");
    assertThrows(TallyException.class, () -> recordEvent(ws, "g2", "c", 1));
    assertTrue(recordEvent(ws, "g2", "a", 1));
  }

  @Test
  void newCustomAttributesStopAtTheCapWhileKnownOnesGoOn() {
    reopenWith(new WorkspaceLimits(10, 3));
    Contact c =
        create(ws, "{\"external_id\":\"c1\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":3}}");
    long head = store.head();

    // Two new attributes where one place is left: the whole write is refused, neither is defined.
    TallyException both =
        assertThrows(
            TallyException.class,
            () ->
                store.write(
                    tx ->
                        tx.updateContact(
                            ws, c.id(), update("{\"custom_attributes\":{\"x\":1,\"y\":2}}"))));
    assertEquals("custom_data_limit_reached", both.code());
    assertEquals("custom_attributes.y", both.field());
    assertEquals(400, both.kind().status);
    assertTrue(both.getMessage().contains("has 3 custom attributes"), both.getMessage());
    assertTrue(both.getMessage().contains("at most 3"), both.getMessage());
    assertTrue(both.getMessage().contains("--max-custom-attributes"), both.getMessage());
    assertTrue(both.getMessage().contains("Retrying will not help"), both.getMessage());
    assertEquals(head, store.head(), "a refused write writes nothing");
    assertEquals(
        List.of("plan", "seats"),
        store.dataAttributes(ws).stream().map(DataAttribute::name).toList());
    assertEquals(c, store.contact(ws, c.id()).orElseThrow());

    store.write(tx -> tx.updateContact(ws, c.id(), update("{\"custom_attributes\":{\"x\":1}}")));
    TallyException created =
        assertThrows(
            TallyException.class,
            () -> create(ws, "{\"external_id\":\"c2\",\"custom_attributes\":{\"z\":true}}"));
    assertEquals("custom_attributes.z", created.field());
    assertEquals(1, store.contactCount(ws), "the refused contact was not created");
    TallyException upserted =
        assertThrows(
            TallyException.class,
            () ->
                store.write(
                    tx ->
                        tx.upsertContact(
                            ws,
                            "c3",
                            update("{\"external_id\":\"c3\",\"custom_attributes\":{\"z\":1}}"))));
    assertEquals("custom_attributes.z", upserted.field());
    TallyException defined =
        assertThrows(
            TallyException.class,
            () ->
                store.write(
                    tx ->
                        tx.createDataAttribute(
                            ws,
                            new DataAttributeInput(
                                DataAttribute.MODEL_CONTACT,
                                "z",
                                FieldType.STRING,
                                null,
                                List.of(),
                                false))));
    assertEquals("custom_data_limit_reached", defined.code());
    assertEquals("name", defined.field());
    assertEquals(3, store.dataAttributes(ws).size());

    // At the cap, the attributes the workspace has are written as before, by every kind of write.
    store.write(
        tx ->
            tx.updateContact(
                ws, c.id(), update("{\"custom_attributes\":{\"plan\":\"free\",\"x\":2}}")));
    create(ws, "{\"external_id\":\"c4\",\"custom_attributes\":{\"seats\":1,\"plan\":null}}");
    assertEquals("free", store.contact(ws, c.id()).orElseThrow().custom().get("plan"));
    create(other, "{\"external_id\":\"o1\",\"custom_attributes\":{\"z\":1,\"w\":2}}");
    assertEquals(2, store.dataAttributes(other).size(), "each workspace has its own attributes");
  }

  /**
   * Writers racing new names never pass a cap together: each checks and takes its place inside its
   * write transaction, under the write lock.
   */
  @Test
  void racingWritersNeverPassTheCaps() throws Exception {
    int cap = 5;
    int writers = 40;
    reopenWith(new WorkspaceLimits(cap, cap));
    Contact c = create(ws, "{\"external_id\":\"racer\"}");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try {
      List<Future<Boolean>> events = new ArrayList<>();
      List<Future<Boolean>> attributes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int k = i;
        events.add(pool.submit(() -> refusedAtCap(() -> recordEvent(ws, "racer", "n" + k, 1))));
        attributes.add(
            pool.submit(
                () ->
                    refusedAtCap(
                        () ->
                            create(
                                ws,
                                "{\"external_id\":\"a"
                                    + k
                                    + "\",\"custom_attributes\":{\"attr"
                                    + k
                                    + "\":1}}"))));
      }
      assertEquals(cap, wins(events), "events with a new name that were recorded");
      assertEquals(cap, wins(attributes), "contacts with a new attribute that were created");
    } finally {
      pool.shutdownNow();
    }
    assertEquals(cap, eventNames(ws, c.id()).size());
    assertEquals(cap, store.dataAttributes(ws).size());
    assertEquals(cap + 1, store.contactCount(ws));
  }

  /** True when {@code write} succeeded, false when it was refused at a cap; anything else fails. */
  protected static boolean refusedAtCap(Runnable write) {
    try {
      write.run();
      return true;
    } catch (TallyException e) {
      assertTrue(
          e.code().equals("event_name_limit_reached")
              || e.code().equals("custom_data_limit_reached"),
          e.code() + ": " + e.getMessage());
      return false;
    }
  }

  protected static int wins(List<Future<Boolean>> results) throws Exception {
    int wins = 0;
    for (Future<Boolean> f : results) {
      wins += f.get() ? 1 : 0;
    }
    return wins;
  }

  @Test
  void dataAttributesArePagedInIdOrder() {
    for (int i = 0; i < 5; i++) {
      int k = i;
      store.write(
          tx ->
              tx.createDataAttribute(
                  ws, attribute(DataAttribute.MODEL_CONTACT, "p" + k, FieldType.INTEGER)));
    }
    store.write(
        tx ->
            tx.createDataAttribute(
                other, attribute(DataAttribute.MODEL_CONTACT, "elsewhere", FieldType.STRING)));
    assertEquals(5, store.dataAttributeCount(ws, null, false));
    assertEquals(5, store.dataAttributeCount(ws, null, true));
    List<String> seen = new ArrayList<>();
    long after = 0;
    boolean more = true;
    while (more) {
      Page<DataAttribute> page = store.dataAttributes(ws, null, false, after, 2);
      assertTrue(page.items().size() == 2 || !page.more(), "only the last page is short");
      page.items().forEach(a -> seen.add(a.name()));
      after = page.items().get(page.items().size() - 1).id();
      more = page.more();
    }
    assertEquals(List.of("p0", "p1", "p2", "p3", "p4"), seen);
    assertEquals(store.dataAttributes(ws), store.dataAttributes(ws, null, true, 0, 100).items());
    assertTrue(store.dataAttributes(ws, null, false, after, 2).items().isEmpty());
  }

  /**
   * Types {@code custom} (name → JSON text) as a company's custom attributes, in a write of its
   * own, as the companies' writes do: against the company definitions of the workspace.
   */
  protected java.util.Map<String, Object> typeCompany(
      long workspace, java.util.Map<String, String> custom) {
    java.util.Map<String, JsonNode> values = new java.util.LinkedHashMap<>();
    custom.forEach((k, v) -> values.put(k, json(v)));
    return store
        .write(
            tx ->
                dev.tally.core.model.CustomAttributeTyping.resolve(
                    values, tx.definitions(workspace, DataAttribute.MODEL_COMPANY)))
        .value();
  }

  protected static DataAttributeInput attribute(String model, String name, FieldType type) {
    return new DataAttributeInput(model, name, type, null, List.of(), false);
  }

  /** Defines a custom attribute of {@code model} by POST /data_attributes' write. */
  protected DataAttribute define(long workspace, String model, String name, FieldType type) {
    return store
        .write(tx -> tx.createDataAttribute(workspace, attribute(model, name, type)))
        .value();
  }

  /**
   * A data attribute's name is unique per (workspace, model): a company attribute may share a
   * contact attribute's name, each typed against its own model's definitions; the lists and counts
   * filter by model; a second attribute of one model and name is refused, naming {@code name}.
   */
  @Test
  void dataAttributeNamesAreUniquePerModel() {
    DataAttribute contactTier = define(ws, DataAttribute.MODEL_CONTACT, "tier", FieldType.INTEGER);
    DataAttribute companyTier = define(ws, DataAttribute.MODEL_COMPANY, "tier", FieldType.STRING);
    assertEquals(DataAttribute.MODEL_CONTACT, contactTier.model());
    assertEquals(DataAttribute.MODEL_COMPANY, companyTier.model());
    TallyException again =
        assertThrows(
            TallyException.class,
            () -> define(ws, DataAttribute.MODEL_COMPANY, "tier", FieldType.BOOLEAN));
    assertEquals("name", again.field());
    assertTrue(again.getMessage().contains("in your company data"), again.getMessage());
    assertEquals(List.of(contactTier), store.dataAttributes(ws, DataAttribute.MODEL_CONTACT));
    assertEquals(List.of(companyTier), store.dataAttributes(ws, DataAttribute.MODEL_COMPANY));
    assertEquals(List.of(contactTier, companyTier), store.dataAttributes(ws));
    assertEquals(1, store.dataAttributeCount(ws, DataAttribute.MODEL_COMPANY, false));
    assertEquals(
        List.of(companyTier),
        store.dataAttributes(ws, DataAttribute.MODEL_COMPANY, false, 0, 10).items());

    // Contacts are typed against contact definitions only: tier is an integer there.
    assertThrows(
        TallyException.class,
        () ->
            create(ws, "{\"email\":\"t@example.com\",\"custom_attributes\":{\"tier\":\"gold\"}}"));
    create(ws, "{\"email\":\"t@example.com\",\"custom_attributes\":{\"tier\":3}}");
    // Company values are typed against company definitions: tier is a string there, and a new
    // name is defined as a company attribute, not a contact one.
    var typed = typeCompany(ws, java.util.Map.of("tier", "\"gold\"", "seats", "12"));
    assertEquals("gold", typed.get("tier"));
    assertEquals(12L, ((Number) typed.get("seats")).longValue());
    assertEquals(
        Set.of("tier", "seats"),
        store.dataAttributes(ws, DataAttribute.MODEL_COMPANY).stream()
            .map(DataAttribute::name)
            .collect(java.util.stream.Collectors.toSet()));
    assertTrue(
        store.dataAttributes(ws, DataAttribute.MODEL_CONTACT).stream()
            .noneMatch(a -> a.name().equals("seats")));
    TallyException mistyped =
        assertThrows(TallyException.class, () -> typeCompany(ws, java.util.Map.of("tier", "3")));
    assertEquals("custom_attributes.tier", mistyped.field());
  }

  /** The cap on custom attributes counts each model apart. */
  @Test
  void theCustomAttributeCapIsPerModel() {
    reopenWith(new WorkspaceLimits(10, 2));
    create(ws, "{\"email\":\"c@example.com\",\"custom_attributes\":{\"a\":1,\"b\":2}}");
    TallyException full =
        assertThrows(
            TallyException.class,
            () -> define(ws, DataAttribute.MODEL_CONTACT, "c", FieldType.STRING));
    assertEquals("custom_data_limit_reached", full.code());
    assertTrue(full.getMessage().contains("contact"), full.getMessage());
    for (String name : List.of("a", "b")) {
      define(ws, DataAttribute.MODEL_COMPANY, name, FieldType.STRING);
    }
    TallyException companies =
        assertThrows(TallyException.class, () -> typeCompany(ws, java.util.Map.of("c", "1")));
    assertEquals("custom_data_limit_reached", companies.code());
    assertEquals("custom_attributes.c", companies.field());
    assertEquals(4, store.dataAttributes(ws).size());
  }

  // ---- tags ----

  protected long tag(long workspace, String name) {
    return store.write(tx -> tx.createTag(workspace, name)).value().tag().id();
  }

  protected long version(long workspace, long contactId) {
    return store.contact(workspace, contactId).orElseThrow().version();
  }

  protected List<Long> tagIdsOf(long contactId) {
    return store.documents(List.of(contactId)).get(0).tagIds();
  }

  protected void tagContact(long workspace, long contactId, long tagId) {
    store.write(tx -> tx.tagContact(workspace, contactId, null, tagId, "id"));
  }

  @Test
  void tagNamesAreUniquePerWorkspaceIgnoringCase() {
    var first = store.write(tx -> tx.createTag(ws, "VIP")).value();
    assertTrue(first.created());
    assertTrue(first.tag().id() > (1L << 32), "tag id " + first.tag().id());
    var again = store.write(tx -> tx.createTag(ws, "vip")).value();
    assertFalse(again.created(), "a name the workspace has, in another case, is the same tag");
    assertEquals(first.tag(), again.tag());
    long elsewhere = tag(other, "VIP");
    assertNotEquals(first.tag().id(), elsewhere, "each workspace has its own tags");
    long gold = tag(ws, "Gold");
    TallyException taken =
        assertThrows(TallyException.class, () -> store.write(tx -> tx.renameTag(ws, gold, "vIp")));
    assertEquals(400, taken.kind().status);
    assertEquals("name", taken.field());
    var renamed = store.write(tx -> tx.renameTag(ws, first.tag().id(), "Very Important")).value();
    assertEquals("Very Important", renamed.name());
    assertEquals(2, renamed.version());
    assertEquals(
        List.of("Very Important", "Gold"), store.tags(ws).stream().map(t -> t.name()).toList());
    assertTrue(store.tag(other, gold).isEmpty(), "another workspace's tag is not found");
    assertEquals("VIP", store.tag(other, elsewhere).orElseThrow().name());
    assertThrows(TallyException.class, () -> store.write(tx -> tx.createTag(ws, " ")));
  }

  @Test
  void taggingRaisesTheContactsVersionWithAnOplogEntryOnce() {
    Contact c = create(ws, "{\"email\":\"t@example.com\"}");
    long vip = tag(ws, "VIP");
    long head = store.head();
    tagContact(ws, c.id(), vip);
    assertEquals(2, version(ws, c.id()));
    OplogEntry e = store.oplog(head, 10).get(0);
    assertEquals(OplogEntry.CONTACT, e.entity());
    assertEquals(c.id(), e.entityId());
    assertEquals(2, e.version());
    assertEquals(List.of(vip), tagIdsOf(c.id()));
    assertEquals(List.of(vip), store.contactTagIds(ws, List.of(c.id())).get(c.id()));
    long head2 = store.head();
    tagContact(ws, c.id(), vip);
    assertEquals(2, version(ws, c.id()), "tagging again changes nothing");
    assertEquals(head2, store.head(), "and appends nothing");
    long gold = tag(ws, "Gold");
    tagContact(ws, c.id(), gold);
    assertEquals(List.of(vip, gold), tagIdsOf(c.id()));
    assertEquals(
        List.of("VIP", "Gold"),
        store.contactTags(ws, c.id()).stream().map(a -> a.tag().name()).toList());
    store.write(tx -> tx.untagContact(ws, c.id(), vip));
    assertEquals(4, version(ws, c.id()));
    assertEquals(List.of(gold), tagIdsOf(c.id()));
    long head3 = store.head();
    store.write(tx -> tx.untagContact(ws, c.id(), vip));
    assertEquals(head3, store.head(), "untagging a contact without the tag changes nothing");
  }

  @Test
  void anotherWorkspacesTagOrContactIsNotFoundAndNothingIsWritten() {
    Contact c = create(ws, "{\"email\":\"n@example.com\"}");
    Contact theirs = create(other, "{\"email\":\"n@example.com\"}");
    long mine = tag(ws, "mine");
    long theirTag = tag(other, "theirs");
    long head = store.head();
    TallyException e = assertThrows(TallyException.class, () -> tagContact(ws, c.id(), theirTag));
    assertEquals(404, e.kind().status);
    assertEquals("id", e.field());
    assertTrue(e.getMessage().contains(Long.toString(theirTag)), e.getMessage());
    e = assertThrows(TallyException.class, () -> tagContact(ws, theirs.id(), mine));
    assertEquals(404, e.kind().status);
    assertTrue(e.getMessage().contains(Long.toString(theirs.id())), e.getMessage());
    e =
        assertThrows(
            TallyException.class, () -> store.write(tx -> tx.untagContact(ws, c.id(), theirTag)));
    assertEquals(404, e.kind().status);
    e =
        assertThrows(
            TallyException.class, () -> store.write(tx -> tx.renameTag(ws, theirTag, "x")));
    assertEquals(404, e.kind().status);
    e = assertThrows(TallyException.class, () -> store.write(tx -> tx.deleteTag(ws, theirTag)));
    assertEquals(404, e.kind().status);
    assertEquals(head, store.head(), "nothing was written");
    assertTrue(store.contactTags(ws, theirs.id()).isEmpty());
    assertEquals(Set.of(mine), store.liveTagIds(ws, List.of(mine, theirTag)));
  }

  @Test
  void renamingATagChangesNoContact() {
    Contact c = create(ws, "{\"email\":\"r@example.com\"}");
    long vip = tag(ws, "VIP");
    tagContact(ws, c.id(), vip);
    long head = store.head();
    store.write(tx -> tx.renameTag(ws, vip, "Gold"));
    assertEquals(2, version(ws, c.id()));
    List<OplogEntry> entries = store.oplog(head, 10);
    assertEquals(1, entries.size());
    assertEquals(OplogEntry.TAG, entries.get(0).entity());
    assertEquals(OplogEntry.UPDATE, entries.get(0).op());
  }

  @Test
  void aDeletedTagGoesAtOnceForReadersAndItsContactsInBoundedBatches() {
    long vip = tag(ws, "VIP");
    long keep = tag(ws, "keep");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 7; i++) {
      long id = create(ws, "{\"email\":\"d" + i + "@example.com\"}").id();
      tagContact(ws, id, vip);
      ids.add(id);
    }
    tagContact(ws, ids.get(0), keep);
    long head = store.head();
    store.write(tx -> tx.deleteTag(ws, vip));
    assertEquals(OplogEntry.TAG, store.oplog(head, 10).get(0).entity());
    assertEquals(OplogEntry.DELETE, store.oplog(head, 10).get(0).op());
    assertTrue(store.tag(ws, vip).isEmpty());
    assertEquals(List.of(keep), tagIdsOf(ids.get(0)), "readers never see a deleted tag");
    assertTrue(tagIdsOf(ids.get(1)).isEmpty());
    assertEquals(Set.of(keep), store.liveTagIds(ws, List.of(vip, keep)));
    assertEquals(1, store.pendingTagDeletions());
    assertNotEquals(vip, tag(ws, "vip"), "the name is free at once, for a new tag");
    List<Long> before = new ArrayList<>();
    ids.forEach(id -> before.add(version(ws, id)));
    var p1 = store.write(tx -> tx.purgeDeletedTag(3)).value();
    assertEquals(3, p1.contacts());
    assertFalse(p1.finished());
    assertEquals(vip, p1.id());
    int raised = 0;
    for (int i = 0; i < ids.size(); i++) {
      raised += version(ws, ids.get(i)) == before.get(i) + 1 ? 1 : 0;
    }
    assertEquals(3, raised, "one batch re-projects exactly its contacts");
    assertEquals(3, store.write(tx -> tx.purgeDeletedTag(3)).value().contacts());
    var last = store.write(tx -> tx.purgeDeletedTag(3)).value();
    assertEquals(1, last.contacts());
    assertTrue(last.finished());
    assertEquals(0, store.pendingTagDeletions());
    assertEquals(
        dev.tally.core.store.WriteTx.Purge.NONE, store.write(tx -> tx.purgeDeletedTag(3)).value());
    for (int i = 0; i < ids.size(); i++) {
      assertEquals(
          before.get(i) + 1, version(ws, ids.get(i)), "every contact was re-projected once");
    }
    TallyException gone = assertThrows(TallyException.class, () -> tagContact(ws, ids.get(1), vip));
    assertEquals(404, gone.kind().status);
  }

  @Test
  void deletingAContactOrAWorkspaceTakesItsTagsAlong() {
    Contact c = create(ws, "{\"email\":\"x@example.com\"}");
    Contact d = create(ws, "{\"email\":\"y@example.com\"}");
    long vip = tag(ws, "VIP");
    tagContact(ws, c.id(), vip);
    tagContact(ws, d.id(), vip);
    store.write(tx -> tx.deleteContact(ws, c.id()));
    assertTrue(store.contactTags(ws, c.id()).isEmpty());
    assertEquals(List.of(vip), tagIdsOf(d.id()));
    store.write(
        tx -> {
          tx.deleteWorkspace(ws);
          return null;
        });
    assertTrue(store.tags(ws).isEmpty());
    assertTrue(store.tag(ws, vip).isEmpty());
  }

  @Test
  void tagsSurviveAReopen() {
    Contact c = create(ws, "{\"email\":\"s@example.com\"}");
    long vip = tag(ws, "VIP");
    tagContact(ws, c.id(), vip);
    store.close();
    store = open(dir);
    assertEquals(List.of(vip), tagIdsOf(c.id()));
    assertEquals("VIP", store.tag(ws, vip).orElseThrow().name());
  }

  // ---- teammates (admins) ----

  private Admin admin(long workspace, String name, String email) {
    return store.write(tx -> tx.createAdmin(workspace, name, email)).value();
  }

  private static TallyException refusal(Store store, dev.tally.core.store.WriteWork<?> work) {
    return assertThrows(TallyException.class, () -> store.write(work));
  }

  @Test
  void teammatesArePerWorkspaceWithEmailsUniqueIgnoringCase() {
    Admin ann = admin(ws, "Ann", "Ann@Example.com");
    assertTrue(
        ann.id() > (1L << 32) && ann.id() <= Admin.MAX_ID,
        "teammate ids start above 2^32 under test offsets and stay below 2^53: " + ann.id());
    assertEquals(List.of(ann), store.admins(ws));
    assertEquals(ann, store.admin(ws, ann.id()).orElseThrow());
    assertTrue(store.admin(other, ann.id()).isEmpty(), "another workspace's teammate");
    TallyException dup = refusal(store, tx -> tx.createAdmin(ws, "Ann 2", "ann@example.COM"));
    assertEquals(TallyException.Kind.CONFLICT, dup.kind());
    assertTrue(dup.getMessage().contains(Long.toString(ann.id())), dup.getMessage());
    Admin elsewhere = admin(other, "Ann", "ann@example.com");
    assertNotEquals(ann.id(), elsewhere.id());
    assertEquals(List.of(elsewhere), store.admins(other));
    List<OplogEntry> log = store.oplog(0, 1000);
    assertTrue(
        log.stream()
            .anyMatch(
                e ->
                    e.entity().equals(OplogEntry.ADMIN)
                        && e.entityId() == ann.id()
                        && e.op().equals(OplogEntry.CREATE)
                        && e.version() == 1));
  }

  @Test
  void aTokenActsForATeammateOfItsOwnWorkspace() {
    Admin ann = admin(ws, "Ann", "ann@example.com");
    TokenInfo bound = store.write(tx -> tx.addToken(ws, "hb", "tly_b", ann.id())).value();
    assertEquals(ann.id(), bound.adminId());
    assertEquals(ann.id(), store.token("hb").orElseThrow().adminId());
    assertEquals(ws, store.token("hb").orElseThrow().workspaceId());
    store.write(tx -> tx.addToken(ws, "hu", "tly_u"));
    assertFalse(store.token("hu").orElseThrow().actsForAdmin());
    TallyException cross = refusal(store, tx -> tx.addToken(other, "hx", "tly_x", ann.id()));
    assertEquals("admin_id", cross.field());
    assertTrue(store.token("hx").isEmpty(), "nothing written");
  }

  @Test
  void ownerIdMustNameATeammateOfTheWorkspace() {
    Admin ann = admin(ws, "Ann", "ann@example.com");
    Admin globex = admin(other, "Gus", "gus@example.com");
    TallyException none =
        refusal(
            store,
            tx ->
                tx.createContact(
                    ws, patch("{\"email\":\"a@example.com\",\"owner_id\":" + globex.id() + "}")));
    assertEquals("owner_id", none.field());
    assertTrue(store.findContact(ws, ContactRef.byEmail("a@example.com")).isEmpty());
    Contact c = create(ws, "{\"email\":\"a@example.com\",\"owner_id\":" + ann.id() + "}");
    assertEquals(ann.id(), c.number(ContactField.OWNER_ID));
    TallyException bad =
        refusal(store, tx -> tx.updateContact(ws, c.id(), update("{\"owner_id\":12345}")));
    assertEquals("owner_id", bad.field());
    // Upserts check too.
    TallyException upsert =
        refusal(
            store,
            tx ->
                tx.upsertContact(
                    ws, "ext-1", patch("{\"external_id\":\"ext-1\",\"owner_id\":777}")));
    assertEquals("owner_id", upsert.field());
  }

  @Test
  void aTeammateIsDeletedOnlyWhenNothingRefersToIt() {
    Admin ann = admin(ws, "Ann", "ann@example.com");
    Contact owned = create(ws, "{\"email\":\"a@example.com\",\"owner_id\":" + ann.id() + "}");
    TokenInfo t = store.write(tx -> tx.addToken(ws, "hb", "tly_b", ann.id())).value();

    TallyException both = refusal(store, tx -> tx.deleteAdmin(ws, ann.id()));
    assertEquals(TallyException.Kind.CONFLICT, both.kind());
    assertTrue(both.getMessage().contains(Long.toString(owned.id())), both.getMessage());
    assertTrue(both.getMessage().contains("token " + t.id()), both.getMessage());
    assertEquals(
        TallyException.Kind.NOT_FOUND,
        refusal(store, tx -> tx.deleteAdmin(other, ann.id())).kind(),
        "another workspace cannot delete it");

    // Moving the contact to nobody, and deleting another owned one, release it.
    Contact second = create(ws, "{\"email\":\"b@example.com\",\"owner_id\":" + ann.id() + "}");
    store.write(tx -> tx.updateContact(ws, owned.id(), update("{\"owner_id\":null}")));
    store.write(tx -> tx.deleteContact(ws, second.id()));
    store.write(
        tx -> {
          tx.revokeToken(ws, t.id());
          return null;
        });
    Admin gone = store.write(tx -> tx.deleteAdmin(ws, ann.id())).value();
    assertEquals(ann.id(), gone.id());
    assertTrue(store.admin(ws, ann.id()).isEmpty());
    assertTrue(
        store.oplog(0, 1000).stream()
            .anyMatch(
                e ->
                    e.entity().equals(OplogEntry.ADMIN)
                        && e.entityId() == ann.id()
                        && e.op().equals(OplogEntry.DELETE)
                        && e.version() == 2));
    assertEquals(
        TallyException.Kind.NOT_FOUND, refusal(store, tx -> tx.deleteAdmin(ws, ann.id())).kind());
  }

  @Test
  void deletingAWorkspaceTakesItsTeammatesTokensAndOwners() {
    Admin ann = admin(ws, "Ann", "ann@example.com");
    create(ws, "{\"email\":\"a@example.com\",\"owner_id\":" + ann.id() + "}");
    store.write(tx -> tx.addToken(ws, "hb", "tly_b", ann.id()));
    store.write(
        tx -> {
          tx.deleteWorkspace(ws);
          return null;
        });
    assertTrue(store.admins(ws).isEmpty());
    assertTrue(store.token("hb").isEmpty());
  }

  // ---- companies ----

  protected dev.tally.core.model.Company company(long workspace, String json) {
    return store
        .write(
            tx -> tx.upsertCompany(workspace, dev.tally.core.model.CompanyInput.parse(json(json))))
        .value()
        .company();
  }

  private List<Long> companyIdsOf(long contactId) {
    return store.documents(List.of(contactId)).get(0).companyIds();
  }

  @Test
  void companiesAreCreatedOrUpdatedByCompanyIdPerWorkspace() {
    var acme = company(ws, "{\"company_id\":\"acme\",\"name\":\"Acme\",\"size\":10}");
    assertEquals(1, acme.version());
    var again =
        store
            .write(
                tx ->
                    tx.upsertCompany(
                        ws,
                        dev.tally.core.model.CompanyInput.parse(
                            json("{\"company_id\":\"acme\",\"plan\":\"pro\",\"size\":null}"))))
            .value();
    assertFalse(again.created(), "the same company_id is the same company");
    assertEquals(acme.id(), again.company().id());
    assertEquals("Acme", again.company().name(), "a field not sent is kept");
    assertEquals("pro", again.company().get("plan"));
    assertNull(again.company().get("size"), "null clears a field");
    assertEquals(2, again.company().version());
    var elsewhere = company(other, "{\"company_id\":\"acme\"}");
    assertNotEquals(acme.id(), elsewhere.id(), "each workspace has its own companies");
    assertTrue(
        store.company(other, acme.id()).isEmpty(), "another workspace's company is not found");
    assertEquals(acme.id(), store.companyByCompanyId(ws, "acme").orElseThrow().id());
    assertEquals(acme.id(), store.companyNamed(ws, "Acme").orElseThrow().id());
    assertTrue(store.companyByCompanyId(ws, "ACME").isEmpty(), "company_id is exact");
    TallyException noKey =
        refusal(
            store,
            tx ->
                tx.upsertCompany(
                    ws, dev.tally.core.model.CompanyInput.parse(json("{\"name\":\"x\"}"))));
    assertEquals("company_id", noKey.field());
    TallyException rekey =
        refusal(
            store,
            tx ->
                tx.updateCompany(
                    ws,
                    acme.id(),
                    dev.tally.core.model.CompanyInput.parse(json("{\"company_id\":\"other\"}"))));
    assertEquals("company_id", rekey.field());
    assertEquals(400, rekey.kind().status);
    List<OplogEntry> entries =
        store.oplog(0, 1000).stream().filter(e -> e.entity().equals(OplogEntry.COMPANY)).toList();
    assertEquals(3, entries.size());
    assertEquals(OplogEntry.CREATE, entries.get(0).op());
    assertEquals(OplogEntry.UPDATE, entries.get(1).op());
    assertEquals(2, store.companyCount(ws) + store.companyCount(other));
  }

  @Test
  void attachingRaisesTheContactsVersionAndKeepsTheUserCount() {
    Contact c = create(ws, "{\"email\":\"c@example.com\"}");
    Contact d = create(ws, "{\"email\":\"d@example.com\"}");
    var acme = company(ws, "{\"company_id\":\"acme\"}");
    var beta = company(ws, "{\"company_id\":\"beta\"}");
    long head = store.head();
    var a = store.write(tx -> tx.attachCompany(ws, c.id(), acme.id(), "id")).value();
    assertEquals(1, a.company().userCount());
    assertEquals(2, version(ws, c.id()));
    assertEquals(OplogEntry.CONTACT, store.oplog(head, 10).get(0).entity());
    long head2 = store.head();
    store.write(tx -> tx.attachCompany(ws, c.id(), acme.id(), "id"));
    assertEquals(head2, store.head(), "attaching again changes nothing");
    store.write(tx -> tx.attachCompany(ws, c.id(), beta.id(), "id"));
    store.write(tx -> tx.attachCompany(ws, d.id(), acme.id(), "id"));
    assertEquals(List.of(acme.id(), beta.id()), companyIdsOf(c.id()));
    assertEquals(2, store.company(ws, acme.id()).orElseThrow().userCount());
    assertEquals(
        List.of(acme.id(), beta.id()),
        store.contactCompanies(ws, c.id()).stream().map(x -> x.company().id()).toList());
    assertEquals(List.of(c.id(), d.id()), store.companyContactIds(ws, acme.id(), 0, 0, 10).items());
    assertEquals(List.of(d.id()), store.companyContactIds(ws, acme.id(), 0, 1, 10).items());
    assertEquals(
        List.of(acme.id()),
        store
            .memberIds(ws, dev.tally.core.query.Field.Members.Kind.COMPANY, List.of(d.id()))
            .get(d.id()));
    var detached = store.write(tx -> tx.detachCompany(ws, c.id(), acme.id())).value();
    assertEquals(1, detached.userCount());
    assertEquals(List.of(beta.id()), companyIdsOf(c.id()));
    long v = version(ws, c.id());
    store.write(tx -> tx.detachCompany(ws, c.id(), acme.id()));
    assertEquals(v, version(ws, c.id()), "detaching what is not attached changes nothing");
    store.write(tx -> tx.deleteContact(ws, d.id()));
    assertEquals(
        0, store.company(ws, acme.id()).orElseThrow().userCount(), "a deleted contact leaves");
    var otherCompany = company(other, "{\"company_id\":\"x\"}");
    TallyException foreign =
        refusal(store, tx -> tx.attachCompany(ws, c.id(), otherCompany.id(), "id"));
    assertEquals(404, foreign.kind().status);
    assertEquals("company_not_found", foreign.code());
    assertEquals("id", foreign.field());
  }

  @Test
  void aDeletedCompanyGoesAtOnceForReadersAndItsContactsInBoundedBatches() {
    var acme = company(ws, "{\"company_id\":\"acme\"}");
    List<Long> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      long id = create(ws, "{\"email\":\"k" + i + "@example.com\"}").id();
      store.write(tx -> tx.attachCompany(ws, id, acme.id(), "id"));
      ids.add(id);
    }
    store.write(tx -> tx.deleteCompany(ws, acme.id()));
    assertTrue(store.company(ws, acme.id()).isEmpty());
    assertTrue(companyIdsOf(ids.get(0)).isEmpty(), "readers never see a deleted company");
    assertTrue(store.contactCompanies(ws, ids.get(0)).isEmpty());
    var kind = dev.tally.core.query.Field.Members.Kind.COMPANY;
    assertEquals(1, store.pendingDeletions(kind));
    assertTrue(store.liveMemberIds(ws, kind, List.of(acme.id())).isEmpty());
    var reborn = company(ws, "{\"company_id\":\"acme\"}");
    assertNotEquals(acme.id(), reborn.id(), "the company_id is free at once");
    long v = version(ws, ids.get(0));
    var p = store.write(tx -> tx.purgeDeleted(kind, 3)).value();
    assertEquals(3, p.contacts());
    assertFalse(p.finished());
    assertEquals(acme.id(), p.id());
    assertTrue(store.write(tx -> tx.purgeDeleted(kind, 3)).value().finished());
    assertEquals(0, store.pendingDeletions(kind));
    assertEquals(v + 1, version(ws, ids.get(0)), "each contact was re-projected once");
    assertEquals(0, store.pendingTagDeletions(), "tags are another kind");
  }

  // ---- archive and merge (issue 12, V11) ----

  private List<Long> ids(List<dev.tally.core.index.ContactDocument> docs) {
    return docs.stream().map(d -> d.contact().id()).toList();
  }

  private List<OplogEntry> oplogAfter(long position) {
    return store.oplog(position, 100);
  }

  private boolean recordEventOf(long workspace, long contactId, String name, long at) {
    return store
        .write(
            tx ->
                tx.recordEvent(
                    workspace, new EventInput(ContactRef.byId(contactId), name, at, "{}")))
        .value();
  }

  private dev.tally.core.model.Note note(long workspace, long contactId, String body) {
    return store.write(tx -> tx.createNote(workspace, contactId, null, body)).value();
  }

  @Test
  void anArchivedContactLeavesListsCountsDocumentsAndVersionsAndKeepsItsDataAndIdentities() {
    Contact a = create(ws, "{\"external_id\":\"ar1\",\"email\":\"ar1@example.com\"}");
    Contact b = create(ws, "{\"external_id\":\"ar2\"}");
    recordEvent(ws, "ar1", "paid", 100);
    long vip = tag(ws, "VIP");
    tagContact(ws, a.id(), vip);
    note(ws, a.id(), "kept");
    long v = version(ws, a.id());
    long head = store.head();

    Written<Contact> archived = store.write(tx -> tx.archiveContact(ws, a.id()));
    assertEquals(v + 1, archived.value().version());
    assertEquals(v + 1, version(ws, a.id()));
    List<OplogEntry> log = oplogAfter(head);
    assertEquals(1, log.size(), log.toString());
    assertEquals(OplogEntry.CONTACT, log.get(0).entity());
    assertEquals(a.id(), log.get(0).entityId());
    assertEquals(v + 1, log.get(0).version());
    assertEquals(OplogEntry.ARCHIVE, log.get(0).op());
    assertEquals(archived.position(), log.get(0).position());

    // Gone from what lists, search and verify read...
    assertEquals(1, store.contactCount(ws));
    assertEquals(
        List.of(b.id()), store.contacts(ws, 0, 10).items().stream().map(Contact::id).toList());
    assertEquals(List.of(b.id()), ids(store.documents(List.of(a.id(), b.id()))));
    assertFalse(ids(store.documentsAfter(0, 100)).contains(a.id()));
    assertFalse(store.contactIds(0, 100).contains(a.id()));
    List<IdVersion> versions = store.versions(Long.MIN_VALUE, Long.MAX_VALUE);
    assertFalse(versions.stream().anyMatch(iv -> iv.id() == a.id()), versions.toString());
    VersionDigest.Builder expected = new VersionDigest.Builder();
    versions.forEach(iv -> expected.add(iv.id(), iv.version()));
    assertEquals(expected.build(), store.versionDigests(), "digests agree with the versions");
    // ...and everything kept.
    assertTrue(store.contact(ws, a.id()).isPresent());
    var doc = store.document(ws, a.id()).orElseThrow();
    assertEquals(List.of(vip), doc.tagIds());
    assertEquals(1, doc.events().get("paid").count());
    assertEquals(1, store.events(ws, a.id(), Long.MAX_VALUE, 10).items().size());
    assertEquals(1, store.notes(ws, a.id(), Long.MAX_VALUE, 10).items().size());
    assertTrue(store.document(other, a.id()).isEmpty(), "another workspace reads nothing");

    // Its identities stay reserved, and the refusal says the holder is archived.
    for (String taken : List.of("{\"email\":\"AR1@example.com\"}", "{\"external_id\":\"ar1\"}")) {
      TallyException e = refusal(store, tx -> tx.createContact(ws, patch(taken)));
      assertEquals("conflict", e.code(), e.getMessage());
      assertTrue(e.getMessage().contains("archived"), e.getMessage());
      assertTrue(e.getMessage().contains(dev.tally.core.Ids.format(a.id())), e.getMessage());
    }
    TallyException live =
        refusal(store, tx -> tx.createContact(ws, patch("{\"external_id\":\"ar2\"}")));
    assertFalse(live.getMessage().contains("archived"), live.getMessage());

    // Archiving again changes nothing; writes to an archived contact are kept, and it stays out.
    long at = store.head();
    assertEquals(v + 1, store.write(tx -> tx.archiveContact(ws, a.id())).value().version());
    assertEquals(at, store.head(), "no oplog entry");
    store.write(tx -> tx.updateContact(ws, a.id(), update("{\"name\":\"Ann\"}")));
    assertTrue(recordEvent(ws, "ar1", "paid", 200));
    assertEquals(1, store.contactCount(ws));
    assertTrue(store.documents(List.of(a.id())).isEmpty());
    assertEquals(2, store.document(ws, a.id()).orElseThrow().events().get("paid").count());

    // Unarchived: back everywhere, one version up; unarchiving again changes nothing.
    long before = version(ws, a.id());
    at = store.head();
    assertEquals(before + 1, store.write(tx -> tx.unarchiveContact(ws, a.id())).value().version());
    assertEquals(OplogEntry.UNARCHIVE, oplogAfter(at).get(0).op());
    at = store.head();
    store.write(tx -> tx.unarchiveContact(ws, a.id()));
    assertEquals(at, store.head());
    assertEquals(2, store.contactCount(ws));
    assertEquals(List.of(a.id(), b.id()), ids(store.documents(List.of(a.id(), b.id()))));
    assertEquals("Ann", store.contact(ws, a.id()).orElseThrow().string(ContactField.NAME));
    assertTrue(
        store.versions(Long.MIN_VALUE, Long.MAX_VALUE).contains(new IdVersion(a.id(), before + 1)));

    // Deleting an archived contact leaves the live count right; another workspace's is a 404.
    store.write(tx -> tx.archiveContact(ws, b.id()));
    assertEquals(1, store.contactCount(ws));
    store.write(tx -> tx.deleteContact(ws, b.id()));
    assertEquals(1, store.contactCount(ws));
    for (dev.tally.core.store.WriteWork<?> w :
        List.<dev.tally.core.store.WriteWork<?>>of(
            tx -> tx.archiveContact(other, a.id()), tx -> tx.unarchiveContact(other, a.id()))) {
      assertEquals(TallyException.Kind.NOT_FOUND, refusal(store, w).kind());
    }
    store.write(tx -> tx.archiveContact(ws, a.id()));
    store.close();
    store = open(dir);
    assertEquals(0, store.contactCount(ws), "survives a reopen");
    assertTrue(store.documents(List.of(a.id())).isEmpty());
  }

  @Test
  void aMergeMovesTheLeadsEventsTagsNotesAndIdentitiesIntoTheUserAndDeletesTheLead() {
    Contact user =
        create(
            ws,
            "{\"external_id\":\"mu\",\"name\":\"User\","
                + "\"custom_attributes\":{\"plan\":\"pro\"}}");
    Contact lead =
        create(
            ws,
            "{\"role\":\"lead\",\"email\":\"Lead@Example.com\",\"name\":\"Lead\","
                + "\"phone\":\"123\",\"custom_attributes\":{\"plan\":\"free\",\"seats\":3}}");
    recordEventOf(ws, user.id(), "login", 100);
    recordEventOf(ws, user.id(), "buy", 200);
    recordEventOf(ws, lead.id(), "login", 100); // the user has it: dropped, not counted twice
    recordEventOf(ws, lead.id(), "login", 150);
    recordEventOf(ws, lead.id(), "visit", 300);
    long both = tag(ws, "both");
    long leadOnly = tag(ws, "lead-only");
    tagContact(ws, user.id(), both);
    tagContact(ws, lead.id(), both);
    tagContact(ws, lead.id(), leadOnly);
    note(ws, lead.id(), "met at the fair");
    long count = store.contactCount(ws);
    long userVersion = version(ws, user.id());
    long leadVersion = version(ws, lead.id());
    long head = store.head();

    Written<Contact> w = store.write(tx -> tx.mergeContacts(ws, lead.id(), user.id()));
    Contact merged = w.value();
    assertEquals(user.id(), merged.id());
    assertEquals(userVersion + 1, merged.version());
    assertEquals("user", merged.role());
    assertEquals("User", merged.string(ContactField.NAME), "the user's own field is kept");
    assertEquals("Lead@Example.com", merged.string(ContactField.EMAIL), "an empty one is filled");
    assertEquals("example.com", merged.string(ContactField.EMAIL_DOMAIN));
    assertEquals("123", merged.string(ContactField.PHONE));
    assertEquals("pro", merged.custom().get("plan"));
    assertEquals(3L, merged.custom().get("seats"));
    assertEquals(merged, store.contact(ws, user.id()).orElseThrow());

    assertTrue(store.contact(ws, lead.id()).isEmpty(), "the lead is gone");
    assertEquals(
        user.id(),
        store.findContact(ws, ContactRef.byEmail("lead@example.com")).orElseThrow().id(),
        "the lead's email is the user's identity now");
    assertEquals(count - 1, store.contactCount(ws));
    assertFalse(
        store.versions(Long.MIN_VALUE, Long.MAX_VALUE).stream()
            .anyMatch(iv -> iv.id() == lead.id()));

    List<String> events =
        store.events(ws, user.id(), Long.MAX_VALUE, 10).items().stream()
            .map(e -> e.name() + "@" + e.createdAt())
            .sorted()
            .toList();
    assertEquals(List.of("buy@200", "login@100", "login@150", "visit@300"), events);
    assertEquals(
        List.of(
            new EventSummary("buy", 1, 200, 200),
            new EventSummary("login", 2, 100, 150),
            new EventSummary("visit", 1, 300, 300)),
        store.eventSummaries(ws, user.id()));
    assertEquals(List.of(both, leadOnly), tagIdsOf(user.id()));
    assertEquals(
        List.of("met at the fair"),
        store.notes(ws, user.id(), Long.MAX_VALUE, 10).items().stream()
            .map(dev.tally.core.model.Note::body)
            .toList());

    List<OplogEntry> log = oplogAfter(head);
    assertEquals(2, log.size(), log.toString());
    assertTrue(
        log.stream()
            .anyMatch(
                e ->
                    e.entityId() == user.id()
                        && e.op().equals(OplogEntry.UPDATE)
                        && e.version() == userVersion + 1),
        log.toString());
    assertTrue(
        log.stream()
            .anyMatch(
                e ->
                    e.entityId() == lead.id()
                        && e.op().equals(OplogEntry.MERGE)
                        && e.version() == leadVersion + 1),
        log.toString());
    assertEquals(log.get(1).position(), w.position());
  }

  @Test
  void aMergeIsRefusedNamingTheFieldAndWritesNothing() {
    Contact user = create(ws, "{\"external_id\":\"ru\"}");
    Contact user2 = create(ws, "{\"external_id\":\"ru2\",\"email\":\"held@example.com\"}");
    Contact lead = create(ws, "{\"role\":\"lead\",\"email\":\"held@example.com\"}");
    Contact otherLead = create(other, "{\"role\":\"lead\"}");
    Contact otherUser = create(other, "{\"external_id\":\"ou\"}");
    recordEventOf(ws, lead.id(), "visit", 1);
    long head = store.head();
    record Case(long from, long into, TallyException.Kind kind, String field) {}
    for (Case c :
        List.of(
            new Case(lead.id(), lead.id(), TallyException.Kind.BAD_REQUEST, "into"),
            new Case(user2.id(), user.id(), TallyException.Kind.BAD_REQUEST, "from"),
            new Case(lead.id(), lead.id() + 1_000_000, TallyException.Kind.NOT_FOUND, "into"),
            new Case(otherLead.id(), user.id(), TallyException.Kind.NOT_FOUND, "from"),
            new Case(lead.id(), otherUser.id(), TallyException.Kind.NOT_FOUND, "into"))) {
      TallyException e = refusal(store, tx -> tx.mergeContacts(ws, c.from(), c.into()));
      assertEquals(c.kind(), e.kind(), c + ": " + e.getMessage());
      assertEquals(c.field(), e.field(), c + ": " + e.getMessage());
    }
    Contact lead2 = create(ws, "{\"role\":\"lead\"}");
    TallyException notAUser = refusal(store, tx -> tx.mergeContacts(ws, lead.id(), lead2.id()));
    assertEquals("into", notAUser.field(), notAUser.getMessage());
    head = store.head();
    // The lead's email is a third user's identity: a 409, and nothing moved.
    TallyException held = refusal(store, tx -> tx.mergeContacts(ws, lead.id(), user.id()));
    assertEquals("conflict", held.code(), held.getMessage());
    assertEquals(head, store.head());
    assertTrue(store.contact(ws, lead.id()).isPresent());
    assertEquals(1, store.events(ws, lead.id(), Long.MAX_VALUE, 10).items().size());
    assertTrue(store.events(ws, user.id(), Long.MAX_VALUE, 10).items().isEmpty());
  }

  @Test
  void aLeadWithTenThousandEventsMergesInOneShortTransaction() {
    Contact user = create(ws, "{\"external_id\":\"bigu\"}");
    Contact lead = create(ws, "{\"role\":\"lead\"}");
    int n = 10_000;
    for (int chunk = 0; chunk < n; chunk += 1_000) { // writes of 1,000: each within the timeout
      int from = chunk;
      store.write(
          tx -> {
            for (int i = from; i < from + 1_000; i++) {
              tx.recordEvent(
                  ws, new EventInput(ContactRef.byId(lead.id()), "e" + (i % 7), 1_000 + i, "{}"));
            }
            return null;
          });
    }
    store.write(
        tx -> {
          // The user's at 950..1049, named as the lead's would be at that time: the 50 from 1000
          // on are the lead's too (same name and created_at).
          for (int i = 0; i < 100; i++) {
            tx.recordEvent(
                ws,
                new EventInput(
                    ContactRef.byId(user.id()),
                    "e" + ((950 + i - 1_000) % 7 + 7) % 7,
                    950 + i,
                    "{}"));
          }
          return null;
        });
    long started = System.nanoTime();
    store.write(tx -> tx.mergeContacts(ws, lead.id(), user.id()));
    long millis = (System.nanoTime() - started) / 1_000_000;
    System.out.println(
        getClass().getSimpleName() + ": merged a lead with " + n + " events in " + millis + " ms");
    // A generous bound that catches a row-at-a-time merge on a busy machine, not a benchmark.
    assertTrue(millis < 5_000, "the merge took " + millis + " ms");
    long total = store.eventSummaries(ws, user.id()).stream().mapToLong(EventSummary::count).sum();
    assertEquals(n + 50, total, "every event once, the 50 duplicates not counted twice");
    long rows = 0;
    long before = Long.MAX_VALUE;
    for (Page<dev.tally.core.model.Event> p;
        !(p = store.events(ws, user.id(), before, 1000)).items().isEmpty(); ) {
      rows += p.items().size();
      before = p.items().get(p.items().size() - 1).id();
    }
    assertEquals(n + 50, rows);
  }

  // ---- messaging: campaigns and the send queue (issue 13) ----

  private dev.tally.core.model.Campaign runningCampaign(long workspace) {
    var c = store.write(tx -> tx.createCampaign(workspace, "c", "{\"steps\":[]}")).value();
    return store
        .write(tx -> tx.setCampaignState(workspace, c.id(), dev.tally.core.model.Campaign.RUNNING))
        .value();
  }

  private static dev.tally.core.model.Send.New due(
      long workspace, long campaign, long contact, long occurrence, long dueAt) {
    return new dev.tally.core.model.Send.New(
        workspace, campaign, 0, contact, occurrence, dueAt, dueAt + 86_400_000L);
  }

  @Test
  void aCampaignStartsAtTheOplogHeadAndMovesOnlyAsAllowed() {
    var draft = store.write(tx -> tx.createCampaign(ws, "Welcome", "{\"steps\":[]}")).value();
    assertEquals(dev.tally.core.model.Campaign.DRAFT, draft.state());
    TallyException early =
        refusal(
            store, tx -> tx.setCampaignState(ws, draft.id(), dev.tally.core.model.Campaign.PAUSED));
    assertEquals(409, early.kind().status);
    long head = store.head();
    var running =
        store
            .write(tx -> tx.setCampaignState(ws, draft.id(), dev.tally.core.model.Campaign.RUNNING))
            .value();
    assertEquals(head, running.startPosition(), "fan-out reads an index at least this far");
    assertEquals(2, running.version());
    var paused =
        store
            .write(tx -> tx.setCampaignState(ws, draft.id(), dev.tally.core.model.Campaign.PAUSED))
            .value();
    assertEquals(head, paused.startPosition(), "pausing keeps the start");
    assertEquals(List.of(draft.id()), store.campaigns(ws).stream().map(c -> c.id()).toList());
    assertTrue(store.campaign(other, draft.id()).isEmpty(), "another workspace's is not found");
    assertEquals(
        404,
        refusal(
                store,
                tx -> tx.setCampaignState(other, draft.id(), dev.tally.core.model.Campaign.RUNNING))
            .kind()
            .status);
    assertEquals(
        3,
        store.oplog(0, 10_000).stream()
            .filter(e -> e.entity().equals(OplogEntry.CAMPAIGN) && e.entityId() == draft.id())
            .count());
  }

  @Test
  void startingMovesADraftOnlyAndResumingAPausedCampaignOnly() {
    String draftState = dev.tally.core.model.Campaign.DRAFT;
    String running = dev.tally.core.model.Campaign.RUNNING;
    String paused = dev.tally.core.model.Campaign.PAUSED;
    var c = store.write(tx -> tx.createCampaign(ws, "Moves", "{\"steps\":[]}")).value();
    TallyException resumeDraft = refusal(store, tx -> tx.moveCampaign(ws, c.id(), paused, running));
    assertEquals(409, resumeDraft.kind().status);
    assertTrue(resumeDraft.getMessage().contains("is draft"), resumeDraft.getMessage());
    assertTrue(resumeDraft.getMessage().contains("running"), resumeDraft.getMessage());
    assertEquals(
        running,
        store.write(tx -> tx.moveCampaign(ws, c.id(), draftState, running)).value().state());
    long version = store.campaign(ws, c.id()).orElseThrow().version();
    assertEquals(
        version,
        store.write(tx -> tx.moveCampaign(ws, c.id(), draftState, running)).value().version(),
        "starting a running campaign changes nothing");
    store.write(tx -> tx.moveCampaign(ws, c.id(), running, paused));
    TallyException restart = refusal(store, tx -> tx.moveCampaign(ws, c.id(), draftState, running));
    assertEquals(409, restart.kind().status);
    assertTrue(restart.getMessage().contains("is paused"), restart.getMessage());
    assertEquals(
        running, store.write(tx -> tx.moveCampaign(ws, c.id(), paused, running)).value().state());
    assertEquals(
        404, refusal(store, tx -> tx.moveCampaign(other, c.id(), paused, running)).kind().status);
  }

  @Test
  void aSendIsQueuedAtMostOncePerCampaignStepContactAndOccurrence() {
    var c = runningCampaign(ws);
    Contact a = create(ws, "{\"email\":\"q@example.com\"}");
    var first = due(ws, c.id(), a.id(), 7, 1_000);
    assertEquals(1, store.write(tx -> tx.queueSends(List.of(first))).value());
    assertEquals(0, store.write(tx -> tx.queueSends(List.of(first))).value(), "the same key again");
    assertEquals(
        1,
        store.write(tx -> tx.queueSends(List.of(first, due(ws, c.id(), a.id(), 8, 1_000)))).value(),
        "another occurrence is another send; the known one is left alone");
    assertEquals(java.util.Map.of("queued", 2L), store.sendCounts(c.id()));
  }

  @Test
  void claimsTakeDueSendsOfRunningCampaignsOnceUntilTheirLeaseRunsOut() {
    var c = runningCampaign(ws);
    Contact a = create(ws, "{\"email\":\"c1@example.com\"}");
    store.write(
        tx ->
            tx.queueSends(
                List.of(due(ws, c.id(), a.id(), 1, 1_000), due(ws, c.id(), a.id(), 2, 5_000))));
    var claimed = store.write(tx -> tx.claimSends("p1", 2_000, 12_000, 10)).value();
    assertEquals(1, claimed.size(), "only what is due");
    long id = claimed.get(0).id();
    assertTrue(
        store.write(tx -> tx.claimSends("p2", 3_000, 13_000, 10)).value().isEmpty(),
        "a live claim keeps it from another sender");
    var taken = store.write(tx -> tx.claimSends("p2", 12_001, 22_001, 10)).value();
    assertTrue(
        taken.stream().anyMatch(s -> s.id() == id),
        "once the lease ran out another sender may take it");
    assertFalse(
        store
            .write(tx -> tx.recordSend(id, "p1", dev.tally.core.model.Send.Outcome.sent(200, null)))
            .value(),
        "the first sender lost its claim: its outcome is not recorded");
    var next = new dev.tally.core.model.Send.New(ws, c.id(), 1, a.id(), 1, 50_000, 90_000);
    assertTrue(
        store
            .write(tx -> tx.recordSend(id, "p2", dev.tally.core.model.Send.Outcome.sent(204, next)))
            .value());
    var sent = store.send(id).orElseThrow();
    assertEquals("sent", sent.state());
    assertEquals(204, sent.lastStatus());
    assertEquals(1, sent.attempts());
    assertEquals(1, store.sentSince(ws, a.id(), 0));
    assertFalse(
        store
            .write(
                tx -> tx.recordSend(id, "p2", dev.tally.core.model.Send.Outcome.failed(400, "x")))
            .value(),
        "a final send changes no more");
    assertEquals(
        java.util.Map.of("queued", 2L, "sent", 1L),
        store.sendCounts(c.id()),
        "the next step was queued with the outcome");
  }

  @Test
  void anAdminMessageIsARunningCampaignOfItsOwnWithItsOneSendQueuedAndHiddenFromTheLists() {
    var campaign = runningCampaign(ws);
    Contact a = create(ws, "{\"email\":\"m@example.com\"}");
    long head = store.head();
    var m = store.write(tx -> tx.createMessage(ws, "m", "{\"steps\":[]}", a.id(), 60_000)).value();
    assertEquals(dev.tally.core.model.Campaign.RUNNING, m.state());
    assertEquals(head, m.startPosition());
    assertTrue(m.fannedOutAt() != null, "nothing to fan out");
    assertEquals(m, store.campaign(ws, m.id()).orElseThrow());
    assertTrue(store.campaign(other, m.id()).isEmpty());
    assertEquals(List.of(campaign.id()), store.campaigns(ws).stream().map(c -> c.id()).toList());
    assertEquals(
        List.of(campaign.id()), store.runningCampaigns().stream().map(c -> c.id()).toList());
    var sends = store.sends(ws, m.id(), null, 0, 10).items();
    assertEquals(1, sends.size());
    var s = sends.get(0);
    assertEquals(List.of(0, a.id(), 0L), List.of(s.step(), s.contactId(), s.occurrence()));
    assertEquals(s.dueAt() + 60_000, s.expiresAt());
    assertEquals(
        List.of(new dev.tally.core.model.Send.Waiting("queued", null, 1)), store.waitingSends());
    assertEquals(
        404,
        refusal(store, tx -> tx.createMessage(ws, "m", "{\"steps\":[]}", a.id() + 99, 60_000))
            .kind()
            .status);
    assertEquals(
        404,
        refusal(store, tx -> tx.createMessage(other, "m", "{\"steps\":[]}", a.id(), 60_000))
            .kind()
            .status,
        "another workspace's contact");
    assertEquals(1, store.waitingSends().get(0).count(), "a refused message queued nothing");
    var claimed = store.write(tx -> tx.claimSends("p", s.dueAt(), s.dueAt() + 1_000, 5)).value();
    assertEquals(List.of(s.id()), claimed.stream().map(c -> c.id()).toList());
    store.write(
        tx ->
            tx.recordSend(
                s.id(),
                "p",
                dev.tally.core.model.Send.Outcome.held(s.dueAt() + 5, "no SMTP server")));
    assertEquals(
        List.of(new dev.tally.core.model.Send.Waiting("held", "no SMTP server", 1)),
        store.waitingSends());
    store.write(
        tx -> {
          tx.setMessagingPaused(ws, true);
          return null;
        });
    var pauses = store.messagingPauses();
    assertEquals(java.util.Set.of(ws), pauses.keySet());
    assertTrue(pauses.get(ws) > 0, "when it was paused: " + pauses);
  }

  @Test
  void aRetryIsDueAgainLaterAndPausesStopClaimsButKeepTheQueue() {
    var c = runningCampaign(ws);
    Contact a = create(ws, "{\"email\":\"r@example.com\"}");
    store.write(tx -> tx.queueSends(List.of(due(ws, c.id(), a.id(), 1, 1_000))));
    long id = store.write(tx -> tx.claimSends("p", 1_000, 2_000, 1)).value().get(0).id();
    store.write(
        tx -> tx.recordSend(id, "p", dev.tally.core.model.Send.Outcome.retry(9_000, "503", 503)));
    var retried = store.send(id).orElseThrow();
    assertEquals("queued", retried.state());
    assertEquals(9_000, retried.dueAt());
    assertEquals(1, retried.attempts());
    assertTrue(store.write(tx -> tx.claimSends("p", 8_999, 20_000, 1)).value().isEmpty());
    store.write(
        tx -> {
          tx.setMessagingPaused(ws, true);
          return null;
        });
    assertEquals(java.util.Set.of(ws), store.messagingPaused());
    assertTrue(
        store.write(tx -> tx.claimSends("p", 10_000, 20_000, 1)).value().isEmpty(),
        "a paused workspace delivers nothing");
    store.write(
        tx -> {
          tx.setMessagingPaused(ws, false);
          tx.setMessagingPaused(0, true);
          return null;
        });
    assertTrue(
        store.write(tx -> tx.claimSends("p", 10_000, 20_000, 1)).value().isEmpty(),
        "the global switch stops every workspace");
    store.write(
        tx -> {
          tx.setMessagingPaused(0, false);
          tx.setCampaignState(ws, c.id(), dev.tally.core.model.Campaign.PAUSED);
          return null;
        });
    assertTrue(
        store.write(tx -> tx.claimSends("p", 10_000, 20_000, 1)).value().isEmpty(),
        "a paused campaign delivers nothing");
    store.write(tx -> tx.setCampaignState(ws, c.id(), dev.tally.core.model.Campaign.RUNNING));
    assertEquals(1, store.write(tx -> tx.claimSends("p", 10_000, 20_000, 1)).value().size());
  }

  @Test
  void concurrentSendersNeverClaimTheSameSend() throws Exception {
    var c = runningCampaign(ws);
    List<dev.tally.core.model.Send.New> queue = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      queue.add(due(ws, c.id(), 1_000_000 + i, i, 1_000));
    }
    store.write(tx -> tx.queueSends(queue));
    java.util.Map<Long, String> owner = new java.util.concurrent.ConcurrentHashMap<>();
    List<Thread> senders = new ArrayList<>();
    java.util.concurrent.atomic.AtomicReference<Throwable> failure =
        new java.util.concurrent.atomic.AtomicReference<>();
    for (int t = 0; t < 4; t++) {
      String holder = "s" + t;
      Thread th =
          new Thread(
              () -> {
                try {
                  while (true) {
                    var got = store.write(tx -> tx.claimSends(holder, 2_000, 60_000, 7)).value();
                    if (got.isEmpty()) {
                      return;
                    }
                    for (var s : got) {
                      String had = owner.putIfAbsent(s.id(), holder);
                      if (had != null) {
                        throw new AssertionError(s.id() + " claimed by " + had + " and " + holder);
                      }
                    }
                  }
                } catch (Throwable e) {
                  failure.set(e);
                }
              });
      senders.add(th);
      th.start();
    }
    for (Thread th : senders) {
      th.join();
    }
    if (failure.get() != null) {
      throw new AssertionError(failure.get());
    }
    assertEquals(200, owner.size(), "every send claimed, each once");
  }

  @Test
  void fanOutKeepsItsCursorAndMarksABroadcastDoneOnce() {
    var c = runningCampaign(ws);
    assertEquals(null, store.runningCampaigns().get(0).fannedOutAt());
    assertTrue(store.messagingCursor("events").isEmpty());
    store.write(
        tx -> {
          tx.markFannedOut(c.id());
          tx.setMessagingCursor("events", 41);
          tx.setMessagingCursor("events", 42);
          return null;
        });
    long at = store.runningCampaigns().get(0).fannedOutAt();
    store.write(
        tx -> {
          tx.markFannedOut(c.id());
          return null;
        });
    assertEquals(at, store.campaign(ws, c.id()).orElseThrow().fannedOutAt(), "the first time only");
    assertEquals(42, store.messagingCursor("events").getAsLong());
    Contact a = create(ws, "{\"external_id\":\"ev\"}");
    recordEvent(ws, "ev", "bought", 7);
    var e = store.events(ws, a.id(), Long.MAX_VALUE, 10).items().get(0);
    assertEquals(List.of(e), store.eventsById(List.of(e.id(), 999_999_999L)));
  }

  @Test
  void segmentEntryMembersAreRecordedOnceAndForgotten() {
    var c = runningCampaign(ws);
    var other = runningCampaign(ws);
    Contact a = create(ws, "{\"external_id\":\"sa\"}");
    Contact b = create(ws, "{\"external_id\":\"sb\"}");
    store.write(
        tx -> {
          tx.addSegmentEntryMember(c.id(), a.id(), 0);
          tx.addSegmentEntryMember(c.id(), b.id(), 17);
          tx.addSegmentEntryMember(c.id(), b.id(), 99); // already a member: kept as it was
          tx.addSegmentEntryMember(other.id(), a.id(), 5);
          return null;
        });
    assertEquals(
        java.util.Map.of(a.id(), 0L, b.id(), 17L),
        store.segmentEntryMembers(c.id(), List.of(a.id(), b.id(), 999_999_999L)));
    assertEquals(List.of(a.id(), b.id()), store.segmentEntryMembersAfter(c.id(), 0, 10));
    assertEquals(List.of(b.id()), store.segmentEntryMembersAfter(c.id(), a.id(), 10));
    assertEquals(List.of(a.id()), store.segmentEntryMembersAfter(c.id(), 0, 1));
    store.write(
        tx -> {
          tx.removeSegmentEntryMember(c.id(), a.id());
          tx.removeSegmentEntryMember(c.id(), a.id()); // not a member any more: nothing
          return null;
        });
    assertEquals(
        java.util.Map.of(b.id(), 17L), store.segmentEntryMembers(c.id(), List.of(a.id(), b.id())));
    store.write(
        tx -> {
          tx.clearSegmentEntryMembers(c.id());
          return null;
        });
    assertEquals(List.of(), store.segmentEntryMembersAfter(c.id(), 0, 10));
    assertEquals(
        java.util.Map.of(a.id(), 5L),
        store.segmentEntryMembers(other.id(), List.of(a.id())),
        "another campaign's members stay");
  }

  // ---- subscription types and the workspace's time zone ----

  private dev.tally.core.model.SubscriptionType subscriptionType(
      long workspace, String consentType) {
    return store
        .write(
            tx ->
                tx.createSubscriptionType(
                    workspace,
                    new dev.tally.core.model.SubscriptionType.New(
                        "News",
                        "Monthly",
                        "en",
                        consentType,
                        List.of("email", "sms_message"),
                        "live")))
        .value();
  }

  @Test
  void subscriptionTypesArePerWorkspaceWithSixtyFourBitIds() {
    var t = subscriptionType(ws, "opt_in");
    assertTrue(t.id() > (1L << 32), "ids start above 2^32 under test offsets: " + t.id());
    assertEquals(List.of("email", "sms_message"), t.contentTypes());
    assertEquals(List.of(t), store.subscriptionTypes(ws));
    assertEquals(t, store.subscriptionType(ws, t.id()).orElseThrow());
    assertTrue(store.subscriptionType(other, t.id()).isEmpty(), "another workspace's");
    assertEquals(List.of(), store.subscriptionTypes(other));
    assertTrue(
        store.oplog(0, 10_000).stream()
            .anyMatch(
                e ->
                    e.entity().equals(OplogEntry.SUBSCRIPTION_TYPE)
                        && e.entityId() == t.id()
                        && e.op().equals(OplogEntry.CREATE)));
  }

  @Test
  void aContactsSubscriptionChoiceIsRecordedOnceAndRaisesItsVersion() {
    var optIn = subscriptionType(ws, "opt_in");
    var optOut = subscriptionType(ws, "opt_out");
    Contact a = create(ws, "{\"email\":\"sub@example.com\"}");
    store.write(tx -> tx.addContactSubscription(ws, a.id(), optOut.id(), "opt_out"));
    store.write(tx -> tx.addContactSubscription(ws, a.id(), optIn.id(), "opt_in"));
    long version = store.contact(ws, a.id()).orElseThrow().version();
    assertEquals(a.version() + 2, version, "each choice raises the contact's version");
    long head = store.head();
    store.write(tx -> tx.addContactSubscription(ws, a.id(), optIn.id(), "opt_in"));
    assertEquals(head, store.head(), "recorded already: nothing written");
    assertEquals(List.of(optIn, optOut), store.contactSubscriptions(ws, a.id()));
    assertTrue(store.hasContactSubscription(ws, a.id(), optIn.id()));
    assertFalse(store.hasContactSubscription(other, a.id(), optIn.id()), "another workspace");
    store.write(tx -> tx.removeContactSubscription(ws, a.id(), optIn.id()));
    store.write(tx -> tx.removeContactSubscription(ws, a.id(), optIn.id())); // none left: nothing
    assertEquals(version + 1, store.contact(ws, a.id()).orElseThrow().version());
    assertEquals(List.of(optOut), store.contactSubscriptions(ws, a.id()));
    assertFalse(store.hasContactSubscription(ws, a.id(), optIn.id()));
  }

  @Test
  void aSubscriptionChoiceNeedsTheTypesOwnConsentTypeAndTheWorkspacesContactAndType() {
    var optIn = subscriptionType(ws, "opt_in");
    var theirs = subscriptionType(other, "opt_in");
    Contact a = create(ws, "{\"email\":\"c@example.com\"}");
    Contact b = create(other, "{\"email\":\"c@example.com\"}");
    long head = store.head();
    TallyException wrong =
        refusal(store, tx -> tx.addContactSubscription(ws, a.id(), optIn.id(), "opt_out"));
    assertEquals(400, wrong.kind().status);
    assertEquals("consent_type", wrong.field());
    assertTrue(wrong.getMessage().contains("opt_in"), wrong.getMessage());
    TallyException notOurs =
        refusal(store, tx -> tx.addContactSubscription(ws, a.id(), theirs.id(), "opt_in"));
    assertEquals(404, notOurs.kind().status);
    assertEquals("id", notOurs.field());
    assertEquals(
        404,
        refusal(store, tx -> tx.addContactSubscription(ws, b.id(), optIn.id(), "opt_in"))
            .kind()
            .status);
    assertEquals(
        404,
        refusal(store, tx -> tx.removeContactSubscription(ws, a.id(), theirs.id())).kind().status);
    assertEquals(head, store.head(), "nothing written");
    assertEquals(List.of(), store.contactSubscriptions(ws, a.id()));
  }

  @Test
  void subscriptionChoicesGoWithTheirContactAndMoveToTheUserInAMerge() {
    var optIn = subscriptionType(ws, "opt_in");
    var optOut = subscriptionType(ws, "opt_out");
    Contact lead = create(ws, "{\"role\":\"lead\",\"name\":\"L\"}");
    Contact user = create(ws, "{\"external_id\":\"u-sub\"}");
    Contact gone = create(ws, "{\"external_id\":\"g-sub\"}");
    store.write(tx -> tx.addContactSubscription(ws, lead.id(), optIn.id(), "opt_in"));
    store.write(tx -> tx.addContactSubscription(ws, user.id(), optOut.id(), "opt_out"));
    store.write(tx -> tx.addContactSubscription(ws, gone.id(), optIn.id(), "opt_in"));
    store.write(tx -> tx.mergeContacts(ws, lead.id(), user.id()));
    assertEquals(List.of(optIn, optOut), store.contactSubscriptions(ws, user.id()));
    store.write(tx -> tx.deleteContact(ws, gone.id()));
    assertFalse(store.hasContactSubscription(ws, gone.id(), optIn.id()));
    store.write(
        tx -> {
          tx.deleteWorkspace(ws);
          return null;
        });
    assertEquals(List.of(), store.subscriptionTypes(ws));
  }

  @Test
  void aWorkspaceKeepsItsTimeZoneWithAnOplogEntryPerChange() {
    assertEquals("UTC", store.workspace(ws).orElseThrow().timeZone());
    var set = store.write(tx -> tx.setWorkspaceTimeZone(ws, "Asia/Tokyo")).value();
    assertEquals("Asia/Tokyo", set.timeZone());
    assertEquals(java.time.ZoneId.of("Asia/Tokyo"), store.workspace(ws).orElseThrow().zone());
    assertEquals("UTC", store.workspace(other).orElseThrow().timeZone(), "another workspace");
    long head = store.head();
    store.write(tx -> tx.setWorkspaceTimeZone(ws, "Asia/Tokyo"));
    assertEquals(head, store.head(), "the zone it has: nothing written");
    var updates =
        store.oplog(0, 10_000).stream()
            .filter(e -> e.entity().equals(OplogEntry.WORKSPACE) && e.entityId() == ws)
            .toList();
    assertEquals(List.of(1L, 2L), updates.stream().map(OplogEntry::version).toList());
    assertEquals(
        404, refusal(store, tx -> tx.setWorkspaceTimeZone(999_999_999L, "UTC")).kind().status);
  }
}
