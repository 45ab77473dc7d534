package dev.tally.store.postgres;

import dev.tally.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The PostgreSQL the tests use: TALLY_TEST_PG_URL (system property or environment), by default the
 * local server. Each test gets its own schema, dropped afterwards. A server that cannot be reached
 * fails the test: a backend test never skips.
 */
final class PgTestDatabase {
  private PgTestDatabase() {}

  static String url() {
    return TestServers.postgresUrl();
  }

  static Connection connect() {
    try {
      return DriverManager.getConnection(url());
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL is not reachable at " + url() + " (set TALLY_TEST_PG_URL to another server): "
          + e.getMessage(), e);
    }
  }

  /** A new empty schema with a random name. */
  static String createSchema() {
    String schema = "tally_test_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    execute("CREATE SCHEMA " + schema);
    return schema;
  }

  static void dropSchema(String schema) {
    if (schema != null) {
      execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
  }

  /** The options every test store opens with: its own schema and ids above 2^53 (T8). */
  static PostgresOptions options(String schema) {
    return PostgresOptions.defaults(url()).withSchema(schema).withTestIdOffsets(true).withPoolSize(4);
  }

  static void execute(String sql) {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(sql + ": " + e.getMessage(), e);
    }
  }
}
