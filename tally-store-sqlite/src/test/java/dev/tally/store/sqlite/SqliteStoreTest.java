package dev.tally.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.TallyException;
import dev.tally.core.store.Store;
import dev.tally.core.store.WorkspaceLimits;
import dev.tally.testkit.StoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import org.junit.jupiter.api.Test;

/** The store contract on SQLite, plus what only SQLite has: pragmas and its file. */
class SqliteStoreTest extends StoreContract {

  @Override
  protected Store open(Path dir, WorkspaceLimits limits) {
    return SqliteStore.open(
        SqliteOptions.defaults(dir.resolve("tally.db")).withTestIdOffsets(true).withLimits(limits));
  }

  @Override
  protected void forbidEventsNamed(String name) {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
        Statement s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      s.execute(
          "CREATE TRIGGER forbid_events BEFORE INSERT ON events WHEN NEW.name = '"
              + name
              + "' "
              + "BEGIN SELECT RAISE(ABORT, 'events named "
              + name
              + " are forbidden'); END");
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Override
  protected void assertPersonalDataGone(String... values) {
    // Every text column of every table, read back through SQL.
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
        Statement s = c.createStatement();
        ResultSet tables = s.executeQuery("SELECT name FROM sqlite_master WHERE type = 'table'")) {
      java.util.List<String> names = new java.util.ArrayList<>();
      while (tables.next()) {
        names.add(tables.getString(1));
      }
      for (String table : names) {
        try (Statement q = c.createStatement();
            ResultSet rows = q.executeQuery("SELECT * FROM \"" + table + "\"")) {
          int cols = rows.getMetaData().getColumnCount();
          while (rows.next()) {
            for (int i = 1; i <= cols; i++) {
              String cell = rows.getString(i);
              for (String v : values) {
                assertFalse(
                    cell != null && cell.contains(v), table + " still holds " + v + ": " + cell);
              }
            }
          }
        }
      }
    } catch (java.sql.SQLException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void runsWithWalAndFullSync() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
        Statement s = c.createStatement();
        ResultSet rs = s.executeQuery("PRAGMA journal_mode")) {
      rs.next();
      assertEquals("wal", rs.getString(1));
    }
  }

  @Test
  void everyIdColumnIsSixtyFourBit() throws Exception {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT m.name, p.name, p.type, p.pk FROM sqlite_master m, pragma_table_info(m.name) p "
                    + "WHERE m.type = 'table' AND m.name NOT LIKE 'sqlite_%' AND m.name NOT LIKE 'flyway_%' "
                    + "AND (p.name = 'id' OR p.name LIKE '%\\_id' ESCAPE '\\' OR p.name = 'position')")) {
      int n = 0;
      while (rs.next()) {
        n++;
        String type = rs.getString(3);
        boolean rowid = rs.getInt(4) == 1 && type.equals("INTEGER");
        assertEquals(
            true,
            rowid || type.equals("BIGINT"),
            rs.getString(1) + "." + rs.getString(2) + " is " + type);
      }
      assertEquals(true, n > 10, "found " + n + " id columns");
    }
  }

  /**
   * A store from before the cap on event names (schema V4) gets its names from its contacts' event
   * summaries when it is migrated, so the cap counts the names it had.
   */
  @Test
  void theMigrationCountsTheEventNamesAStoreHadBefore(@org.junit.jupiter.api.io.TempDir Path old)
      throws Exception {
    // A store as V4 left it, with a contact that did events "a" and "b": the migration (V5) runs
    // at the first open.
    Path file = old.resolve("tally.db");
    org.sqlite.SQLiteDataSource src = migratedTo(file, "4");
    try (Connection c = src.getConnection();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)");
      st.execute(
          "INSERT INTO contacts (id, workspace_id, version, doc) VALUES (10, 1, 3, "
              + "'{\"v\":1,\"f\":{\"external_id\":\"b1\",\"role\":\"user\"},\"c\":{}}')");
      st.execute("INSERT INTO identities VALUES (1, 'external_id', 'b1', 10)");
      st.execute("INSERT INTO event_summaries VALUES (10, 'a', 1, 1, 1, 1), (10, 'b', 1, 1, 1, 1)");
    }
    store.close();
    store =
        SqliteStore.open(
            SqliteOptions.defaults(file)
                .withTestIdOffsets(true)
                .withLimits(new WorkspaceLimits(2, 10)));
    TallyException refused = assertThrows(TallyException.class, () -> recordEvent(1, "b1", "c", 2));
    assertEquals("event_name_limit_reached", refused.code());
    assertTrue(recordEvent(1, "b1", "a", 2));
  }

  /**
   * V7__admins: an owner_id stored before teammates existed named none; the migration removes it as
   * an update through the oplog (version raised, entry appended), so the index follows.
   */
  @Test
  void ownerIdsWrittenBeforeTeammatesAreRemovedThroughTheOplog(
      @org.junit.jupiter.api.io.TempDir Path old) throws Exception {
    Path file = old.resolve("tally.db");
    org.sqlite.SQLiteDataSource src = migratedTo(file, "5");
    try (Connection c = src.getConnection();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)");
      st.execute(
          "INSERT INTO contacts (id, workspace_id, version, doc) VALUES "
              + "(10, 1, 3, '{\"v\":1,\"f\":{\"email\":\"a@example.com\",\"owner_id\":42,\"role\":\"user\"},\"c\":{\"n\":1.5}}'), "
              + "(11, 1, 1, '{\"v\":1,\"f\":{\"email\":\"b@example.com\",\"role\":\"user\"},\"c\":{}}')");
    }
    try (Store s = SqliteStore.open(SqliteOptions.defaults(file).withTestIdOffsets(true))) {
      var owned = s.contact(1, 10).orElseThrow();
      assertEquals(4, owned.version(), "raised");
      assertEquals(null, owned.number(dev.tally.core.model.ContactField.OWNER_ID));
      assertEquals("a@example.com", owned.string(dev.tally.core.model.ContactField.EMAIL));
      assertEquals(1.5, owned.custom().get("n"));
      assertEquals(1, s.contact(1, 11).orElseThrow().version(), "untouched");
      var log = s.oplog(0, 10);
      assertEquals(1, log.size(), log.toString());
      assertEquals(10, log.get(0).entityId());
      assertEquals(4, log.get(0).version());
      assertEquals("update", log.get(0).op());
      // The sequences the migration touched still start at their test offsets.
      long ws = s.write(tx -> tx.createWorkspace("fresh")).value().id();
      assertTrue(s.write(tx -> tx.createAdmin(ws, "A", "a@e.co")).value().id() > (1L << 32));
    }
  }

  /**
   * V12__data_attribute_models: the attributes a store had become contact attributes with their
   * ids, and the table's sequence goes on where it was (ids never reused); a company attribute may
   * then take a contact attribute's name, a second contact one may not.
   */
  @Test
  void theAttributesAStoreHadBecomeContactAttributes(@org.junit.jupiter.api.io.TempDir Path old)
      throws Exception {
    // The schema before V12 (V10 and V11 are other tables; the merge renumbers as needed).
    Path file = old.resolve("tally.db");
    org.sqlite.SQLiteDataSource src = migratedTo(file, "9");
    long first = (1L << 32) + 7;
    try (Connection c = src.getConnection();
        Statement st = c.createStatement()) {
      st.execute("INSERT INTO workspaces (id, name, created_at) VALUES (1, 'w', 0)");
      st.execute(
          "INSERT INTO data_attributes (id, workspace_id, name, data_type, description, options, "
              + "messenger_writable, archived, created_at, updated_at) VALUES "
              + "("
              + first
              + ", 1, 'plan', 'string', 'the plan', '[\"a\",\"b\"]', 1, 0, 5, 6), "
              + "("
              + (first + 1)
              + ", 1, 'seats', 'integer', NULL, '[]', 0, 1, 7, 8)");
      // The sequence had gone further than the rows (an attribute undone, say).
      st.execute(
          "UPDATE sqlite_sequence SET seq = " + (first + 10) + " WHERE name = 'data_attributes'");
    }
    try (Store s = SqliteStore.open(SqliteOptions.defaults(file))) {
      var attributes = s.dataAttributes(1);
      assertEquals(2, attributes.size());
      var plan = attributes.get(0);
      assertEquals(first, plan.id());
      assertEquals("contact", plan.model());
      assertEquals("plan", plan.name());
      assertEquals("the plan", plan.description());
      assertEquals(java.util.List.of("a", "b"), plan.options());
      assertTrue(plan.messengerWritable());
      assertEquals(5, plan.createdAt());
      assertTrue(attributes.get(1).archived());
      assertEquals("contact", attributes.get(1).model());
      var company =
          s.write(
                  tx ->
                      tx.createDataAttribute(
                          1, attribute("company", "plan", dev.tally.core.model.FieldType.STRING)))
              .value();
      assertEquals(first + 11, company.id(), "the sequence went on where it was");
      TallyException twice =
          assertThrows(
              TallyException.class,
              () ->
                  s.write(
                      tx ->
                          tx.createDataAttribute(
                              1,
                              attribute(
                                  "contact", "plan", dev.tally.core.model.FieldType.STRING))));
      assertEquals("name", twice.field());
    }
  }

  /**
   * A store file migrated only up to {@code version} (as an older Tally left it), to write into.
   */
  private static org.sqlite.SQLiteDataSource migratedTo(Path file, String version) {
    org.sqlite.SQLiteDataSource src = new org.sqlite.SQLiteDataSource();
    src.setUrl("jdbc:sqlite:" + file);
    org.flywaydb.core.Flyway.configure()
        .dataSource(src)
        .locations("classpath:db/sqlite")
        .target(version)
        .load()
        .migrate();
    return src;
  }
}
