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
  void theMigrationCountsTheEventNamesAStoreHadBefore() throws Exception {
    reopenWith(new WorkspaceLimits(2, 10));
    create(ws, "{\"external_id\":\"b1\"}");
    recordEvent(ws, "b1", "a", 1);
    recordEvent(ws, "b1", "b", 1);
    store.close();
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("tally.db"));
        Statement s = c.createStatement()) {
      // Back to the schema as V4 left it: the migrations from V5 on run again at the next open.
      s.execute("DROP TABLE segments");
      s.execute("DROP TABLE contact_tags");
      s.execute("DROP TABLE tags");
      s.execute("DROP TABLE event_names");
      s.execute("DELETE FROM flyway_schema_history WHERE version IN ('5', '6', '8')");
    }
    store = open(dir, new WorkspaceLimits(2, 10));
    TallyException refused =
        assertThrows(TallyException.class, () -> recordEvent(ws, "b1", "c", 2));
    assertEquals("event_name_limit_reached", refused.code());
    assertTrue(recordEvent(ws, "b1", "a", 2));
  }
}
