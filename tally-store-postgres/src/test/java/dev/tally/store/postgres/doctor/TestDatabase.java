package dev.tally.store.postgres.doctor;

import dev.tally.testkit.TestServers;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.UUID;

/**
 * The PostgreSQL the doctor's tests run against: {@link TestServers#postgresUrl()}. An unreachable server
 * fails the tests; it never skips them.
 */
final class TestDatabase {

  private TestDatabase() {}

  static String url() {
    return TestServers.postgresUrl();
  }

  static Connection connect() {
    try {
      return DriverManager.getConnection(url());
    } catch (SQLException e) {
      throw new AssertionError("PostgreSQL is not reachable at " + url()
          + " (set TALLY_TEST_PG_URL to point the tests elsewhere): " + e.getMessage(), e);
    }
  }

  /** A fresh, empty schema with a unique name, dropped with everything in it on close. */
  static final class FreshSchema implements AutoCloseable {
    final String name = "doctor_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
    final Connection connection = connect();

    FreshSchema() throws SQLException {
      execute("CREATE SCHEMA " + name);
    }

    /** Runs SQL with every "{s}" replaced by this schema's name. */
    void execute(String... statements) throws SQLException {
      try (Statement st = connection.createStatement()) {
        for (String sql : statements) st.execute(sql.replace("{s}", name));
      }
    }

    @Override
    public void close() throws SQLException {
      try (connection; Statement st = connection.createStatement()) {
        st.execute("DROP SCHEMA IF EXISTS " + name + " CASCADE");
      }
    }
  }
}
