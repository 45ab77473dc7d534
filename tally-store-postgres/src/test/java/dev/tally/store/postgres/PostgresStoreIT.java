package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.EventInput;
import dev.tally.core.store.Store;
import dev.tally.core.store.WorkspaceLimits;
import dev.tally.testkit.StoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL, each test in its own schema, plus what only PostgreSQL has: its
 * catalog.
 */
class PostgresStoreIT extends StoreContract {
  private String schema;

  @Override
  protected Store open(Path dir, WorkspaceLimits limits) {
    if (schema == null) {
      schema = PgTestDatabase.createSchema();
    }
    return PostgresStore.open(PgTestDatabase.options(schema).withLimits(limits));
  }

  @AfterEach
  void dropSchema() {
    if (store != null) {
      store.close(); // before the contract's own tearDown; closing twice is harmless
    }
    PgTestDatabase.dropSchema(schema);
  }

  @Override
  protected void forbidEventsNamed(String name) {
    try (Connection c = PgTestDatabase.connect();
        Statement s = c.createStatement()) {
      s.execute(
          "ALTER TABLE "
              + schema
              + ".events ADD CONSTRAINT forbid_events CHECK (name <> '"
              + name
              + "')");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void assertPersonalDataGone(String... values) {
    try (Connection c = PgTestDatabase.connect()) {
      List<String> tables = new ArrayList<>();
      try (PreparedStatement ps =
          c.prepareStatement(
              "SELECT table_name FROM information_schema.tables WHERE table_schema = ?")) {
        ps.setString(1, schema);
        try (ResultSet rs = ps.executeQuery()) {
          while (rs.next()) {
            tables.add(rs.getString(1));
          }
        }
      }
      assertTrue(tables.size() > 10, "tables: " + tables);
      for (String table : tables) {
        // Each row as PostgreSQL prints it, every column in it.
        try (Statement s = c.createStatement();
            ResultSet rows =
                s.executeQuery("SELECT r::text FROM " + schema + ".\"" + table + "\" r")) {
          while (rows.next()) {
            String row = rows.getString(1);
            for (String v : values) {
              assertFalse(row.contains(v), table + " still holds " + v + ": " + row);
            }
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void everyIdColumnAndSequenceIsSixtyFourBit() throws Exception {
    try (Connection c = PgTestDatabase.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT table_name, column_name, data_type FROM information_schema.columns "
                    + "WHERE table_schema = ? AND table_name NOT LIKE 'flyway%' "
                    + "AND (column_name = 'id' OR column_name LIKE '%\\_id' OR column_name = 'position')")) {
      ps.setString(1, schema);
      int n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          assertEquals("bigint", rs.getString(3), rs.getString(1) + "." + rs.getString(2));
        }
      }
      assertTrue(n > 10, "found " + n + " id columns");
    }
    try (Connection c = PgTestDatabase.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT sequencename, data_type::text, start_value FROM pg_sequences WHERE schemaname = ?")) {
      ps.setString(1, schema);
      int n = 0;
      try (ResultSet rs = ps.executeQuery()) {
        while (rs.next()) {
          n++;
          assertEquals("bigint", rs.getString(2), rs.getString(1));
        }
      }
      assertEquals(PostgresStore.SEQUENCED_COLUMNS.size(), n, "one sequence per key column");
    }
  }

  /**
   * Two processes' writers (two stores on one schema, each with its own writer and caches) racing
   * new names never pass a cap together: the count is taken under the oplog's lock, which every
   * process's write transaction holds.
   */
  @Test
  void writersOfTwoProcessesNeverPassTheCapsTogether() throws Exception {
    int cap = 5;
    int writers = 40;
    WorkspaceLimits limits = new WorkspaceLimits(cap, cap);
    reopenWith(limits);
    Contact c = create(ws, "{\"external_id\":\"racer\"}");
    ExecutorService pool = Executors.newFixedThreadPool(16);
    try (Store second = open(dir, limits)) {
      List<Future<Boolean>> events = new ArrayList<>();
      List<Future<Boolean>> attributes = new ArrayList<>();
      for (int i = 0; i < writers; i++) {
        int k = i;
        Store s = k % 2 == 0 ? store : second;
        events.add(
            pool.submit(
                () ->
                    refusedAtCap(
                        () ->
                            s.write(
                                tx ->
                                    tx.recordEvent(
                                        ws,
                                        new EventInput(
                                            ContactRef.byExternalId("racer"),
                                            "n" + k,
                                            1,
                                            "{}"))))));
        attributes.add(
            pool.submit(
                () ->
                    refusedAtCap(
                        () ->
                            s.write(
                                tx ->
                                    tx.createContact(
                                        ws,
                                        patch(
                                            "{\"external_id\":\"a"
                                                + k
                                                + "\",\"custom_attributes\":{\"attr"
                                                + k
                                                + "\":1}}"))))));
      }
      assertEquals(cap, wins(events), "events with a new name that were recorded");
      assertEquals(cap, wins(attributes), "contacts with a new attribute that were created");
      // Each process's cache learns the other's names from the database, and keeps refusing.
      for (Store s : List.of(store, second)) {
        for (String name : eventNames(ws, c.id())) {
          s.write(
              tx ->
                  tx.recordEvent(
                      ws, new EventInput(ContactRef.byExternalId("racer"), name, 2, "{}")));
        }
        assertFalse(
            refusedAtCap(
                () ->
                    s.write(
                        tx ->
                            tx.recordEvent(
                                ws,
                                new EventInput(
                                    ContactRef.byExternalId("racer"), "late", 2, "{}")))));
      }
    } finally {
      pool.shutdownNow();
    }
    assertEquals(cap, eventNames(ws, c.id()).size());
    assertEquals(cap, store.dataAttributes(ws).size());
  }

  /**
   * A store from before the cap on event names (schema V4) gets its names from its contacts' event
   * summaries when it is migrated, so the cap counts the names it had.
   */
  @Test
  void theMigrationCountsTheEventNamesAStoreHadBefore() throws Exception {
    reopenWith(new WorkspaceLimits(2, 10));
    create(ws, "{\"external_id\":\"b1\"}");
    recordEvent(ws, "b1", "a", 1);
    recordEvent(ws, "b1", "b", 1);
    store.close();
    try (Connection c = PgTestDatabase.connect();
        Statement s = c.createStatement()) {
      // Back to the schema as V4 left it: the migrations from V5 on run again at the next open.
      undoV18(s);
      undoV17(s);
      undoV16(s);
      undoV15(s);
      undoV14(s);
      undoV13(s);
      undoV12(s);
      undoV11(s);
      undoV10(s);
      s.execute("DROP TABLE " + schema + ".notes");
      s.execute("DROP TABLE " + schema + ".segments");
      s.execute("DROP TABLE " + schema + ".contact_tags");
      s.execute("DROP TABLE " + schema + ".tags");
      s.execute("DROP TABLE " + schema + ".event_names");
      undoV7(s);
      s.execute(
          "DELETE FROM "
              + schema
              + ".flyway_schema_history WHERE version IN ('5', '6', '7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18')");
    }
    store = open(dir, new WorkspaceLimits(2, 10));
    assertFalse(refusedAtCap(() -> recordEvent(ws, "b1", "c", 2)));
    assertTrue(recordEvent(ws, "b1", "a", 2));
  }

  /** V15__segment_entry undone. */
  private void undoV15(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".segment_entry_members");
  }

  /** V17__subscriptions undone. */
  private void undoV17(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".contact_subscriptions");
    s.execute("DROP TABLE " + schema + ".subscription_types");
    s.execute("ALTER TABLE " + schema + ".workspaces DROP COLUMN time_zone");
    s.execute("ALTER TABLE " + schema + ".workspaces DROP COLUMN version");
  }

  /** V18__admin_messages undone. */
  private void undoV18(Statement s) throws java.sql.SQLException {
    s.execute("DROP INDEX " + schema + ".campaigns_running");
    s.execute("DROP INDEX " + schema + ".campaigns_ws_kind");
    s.execute("ALTER TABLE " + schema + ".campaigns DROP COLUMN kind");
  }

  /** V16__server_keys undone. */
  private void undoV16(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".server_keys");
  }

  /** V14__messaging_fanout undone. */
  private void undoV14(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".messaging_cursors");
    s.execute("ALTER TABLE " + schema + ".campaigns DROP COLUMN fanned_out_at");
  }

  /** V13__messaging undone. */
  private void undoV13(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".messaging_pauses");
    s.execute("DROP TABLE " + schema + ".sends");
    s.execute("DROP TABLE " + schema + ".campaigns");
  }

  /** V10__companies undone. */
  private void undoV10(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".contact_companies");
    s.execute("DROP TABLE " + schema + ".companies");
  }

  /** Back to the schema before V12__data_attribute_models: one name per workspace, no model. */
  private void undoV12(Statement s) throws java.sql.SQLException {
    s.execute(
        "ALTER TABLE "
            + schema
            + ".data_attributes DROP CONSTRAINT data_attributes_workspace_model_name");
    s.execute("ALTER TABLE " + schema + ".data_attributes DROP COLUMN model");
    s.execute(
        "ALTER TABLE "
            + schema
            + ".data_attributes ADD CONSTRAINT data_attributes_workspace_id_name_key "
            + "UNIQUE (workspace_id, name)");
  }

  /**
   * V12__data_attribute_models: the attributes a store had become contact attributes with their
   * ids; a company attribute may then take a contact attribute's name, a second contact one may
   * not.
   */
  @Test
  void theAttributesAStoreHadBecomeContactAttributes() throws Exception {
    create(ws, "{\"email\":\"a@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    var before = store.dataAttributes(ws);
    store.close();
    try (Connection c = PgTestDatabase.connect();
        Statement s = c.createStatement()) {
      undoV18(s);
      undoV17(s);
      undoV16(s);
      undoV15(s);
      undoV14(s);
      undoV13(s);
      undoV12(s);
      s.execute(
          "DELETE FROM "
              + schema
              + ".flyway_schema_history WHERE version IN ('12', '13', '14', '15', '16', '17', '18')");
    }
    store = open(dir);
    var after = store.dataAttributes(ws);
    assertEquals(before, after);
    assertEquals("contact", after.get(0).model());
    store.write(
        tx ->
            tx.createDataAttribute(
                ws, attribute("company", "plan", dev.tally.core.model.FieldType.STRING)));
    assertEquals(1, store.dataAttributes(ws, "company").size());
    org.junit.jupiter.api.Assertions.assertThrows(
        dev.tally.core.TallyException.class,
        () ->
            store.write(
                tx ->
                    tx.createDataAttribute(
                        ws, attribute("contact", "plan", dev.tally.core.model.FieldType.STRING))));
  }

  /**
   * Back to the schema as V9 left it (V11__archived_contacts undone: its column goes, and with it
   * its partial indexes; V2's index of versions comes back).
   */
  private void undoV11(Statement s) throws java.sql.SQLException {
    s.execute("ALTER TABLE " + schema + ".contacts DROP COLUMN archived_at");
    s.execute("CREATE INDEX contacts_versions ON " + schema + ".contacts (id) INCLUDE (version)");
  }

  /** Back to the schema as V6 left it (V7__admins undone), so V7 runs again at the next open. */
  private void undoV7(Statement s) throws java.sql.SQLException {
    s.execute("DROP TABLE " + schema + ".contact_owners");
    s.execute("ALTER TABLE " + schema + ".workspace_tokens DROP COLUMN admin_id");
    s.execute("DROP TABLE " + schema + ".admins");
  }

  /**
   * V7__admins: an owner_id stored before teammates existed named none; the migration removes it as
   * an update through the oplog (version raised, entry appended), so the index follows.
   */
  @Test
  void ownerIdsWrittenBeforeTeammatesAreRemovedThroughTheOplog() throws Exception {
    Contact owned = create(ws, "{\"email\":\"a@example.com\",\"custom_attributes\":{\"n\":1.5}}");
    Contact plain = create(ws, "{\"email\":\"b@example.com\"}");
    long head = store.head();
    store.close();
    try (Connection c = PgTestDatabase.connect();
        Statement s = c.createStatement()) {
      // Back to the schema as V6 left it (V8 on undone too, so V7 and on run again in order).
      undoV18(s);
      undoV17(s);
      undoV16(s);
      undoV15(s);
      undoV14(s);
      undoV13(s);
      undoV12(s);
      undoV11(s);
      undoV10(s);
      s.execute("DROP TABLE " + schema + ".notes");
      s.execute("DROP TABLE " + schema + ".segments");
      undoV7(s);
      s.execute(
          "DELETE FROM "
              + schema
              + ".flyway_schema_history WHERE version IN ('7', '8', '9', '10', '11', '12', '13', '14', '15', '16', '17', '18')");
      s.execute(
          "UPDATE "
              + schema
              + ".contacts SET doc = jsonb_set(doc::jsonb, '{f,owner_id}', '42')::text WHERE id = "
              + owned.id());
    }
    store = open(dir);
    Contact migrated = store.contact(ws, owned.id()).orElseThrow();
    assertEquals(owned.version() + 1, migrated.version());
    assertEquals(null, migrated.number(dev.tally.core.model.ContactField.OWNER_ID));
    assertEquals("a@example.com", migrated.string(dev.tally.core.model.ContactField.EMAIL));
    assertEquals(1.5, migrated.custom().get("n"));
    assertEquals(plain.version(), store.contact(ws, plain.id()).orElseThrow().version());
    var log = store.oplog(head, 10);
    assertEquals(1, log.size(), log.toString());
    assertEquals(owned.id(), log.get(0).entityId());
    assertEquals(migrated.version(), log.get(0).version());
    assertEquals("update", log.get(0).op());
    assertTrue(log.get(0).position() > head);
  }
}
