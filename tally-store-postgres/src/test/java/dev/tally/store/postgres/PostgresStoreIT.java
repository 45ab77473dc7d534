package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.store.Store;
import dev.tally.testkit.StoreContract;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The store contract on PostgreSQL, each test in its own schema, plus what only PostgreSQL has: its
 * catalog.
 */
class PostgresStoreIT extends StoreContract {
  private String schema;

  @Override
  protected Store open(Path dir) {
    if (schema == null) {
      schema = PgTestDatabase.createSchema();
    }
    return PostgresStore.open(PgTestDatabase.options(schema));
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
}
