package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.store.jdbc.JdbcWriteTx;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The writer's fused statements are prepared once per connection, and PostgreSQL may plan them
 * once, generically, while the tables are empty and never analyzed, then keep that plan as they
 * grow. A plan that finds identities or contacts by anything less than a whole key then scans a
 * whole workspace on every write (measured: 2 ms and growing per create at 10,000 identities, where
 * the fused statement should cost 0.2 ms). So each statement's generic plan on empty tables must
 * look every row up by index.
 */
class PgWritePlansIT {
  private String schema;

  @BeforeEach
  void open() {
    schema = PgTestDatabase.createSchema();
    PostgresStore.open(PgTestDatabase.options(schema)).close(); // the schema, migrated and empty
  }

  @AfterEach
  void drop() {
    PgTestDatabase.dropSchema(schema);
  }

  @Test
  void theGenericPlansOnEmptyTablesFindEveryRowByIndex() throws Exception {
    assertIndexLookupsOnly("insert", PgContactStatements.INSERT);
    assertIndexLookupsOnly("update", PgContactStatements.UPDATE);
    assertIndexLookupsOnly("event", PgContactStatements.EVENT);
    // The caps' checks: run for a name the workspace does not have yet, so rarely, but a scan of
    // every workspace's names there would grow with the whole store.
    // The counts read one workspace's rows (as many as its cap, about), found through the index;
    // by bitmap is fine there.
    assertIndexLookupsOnly("event_name_known", JdbcWriteTx.EVENT_NAME_KNOWN);
    assertIndexLookupsOnly("event_name_count", JdbcWriteTx.EVENT_NAME_COUNT, true);
    assertIndexLookupsOnly("attribute_count", JdbcWriteTx.ATTRIBUTE_COUNT, true);
  }

  private void assertIndexLookupsOnly(String name, String sql) throws Exception {
    assertIndexLookupsOnly(name, sql, false);
  }

  private void assertIndexLookupsOnly(String name, String sql, boolean oneWorkspace)
      throws Exception {
    StringBuilder numbered = new StringBuilder();
    int n = 0;
    for (char ch : sql.toCharArray()) {
      numbered.append(ch == '?' ? "$" + ++n : String.valueOf(ch));
    }
    List<String> plan = new ArrayList<>();
    try (Connection c = PgTestDatabase.connect();
        Statement s = c.createStatement()) {
      s.execute("SET search_path = " + schema);
      s.execute("SET plan_cache_mode = force_generic_plan");
      s.execute("PREPARE " + name + " AS " + numbered);
      try (ResultSet rs =
          s.executeQuery("EXPLAIN EXECUTE " + name + "(" + "NULL, ".repeat(n - 1) + "NULL)")) {
        while (rs.next()) {
          plan.add(rs.getString(1));
        }
      }
    }
    String text = String.join("\n", plan);
    for (String table :
        new String[] {
          "identities",
          "contacts",
          "workspaces",
          "events",
          "event_summaries",
          "event_names",
          "data_attributes"
        }) {
      assertFalse(text.contains("Seq Scan on " + table), name + " scans " + table + ":\n" + text);
      assertFalse(
          !oneWorkspace && text.contains("Bitmap Heap Scan on " + table),
          name + " scans part of " + table + " by bitmap:\n" + text);
    }
    assertTrue(text.contains("Index"), name + " looks nothing up by index?\n" + text);
  }
}
