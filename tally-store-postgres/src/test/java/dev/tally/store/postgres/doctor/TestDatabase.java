package dev.tally.store.postgres.doctor;

import dev.tally.testkit.TestServers;
import dev.tally.testkit.ThrowawaySchema;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * The PostgreSQL the doctor's tests run against: {@link TestServers#postgresUrl()}. An unreachable
 * server fails the tests; it never skips them.
 */
final class TestDatabase {

  private TestDatabase() {}

  static Connection connect() {
    return ThrowawaySchema.connect();
  }

  /**
   * A fresh, empty schema with a unique name ({@link ThrowawaySchema}), dropped with everything in
   * it on close.
   */
  static final class FreshSchema implements AutoCloseable {
    private final ThrowawaySchema schema = ThrowawaySchema.create("doctor");
    final String name = schema.name();
    final Connection connection = connect();

    /** Runs SQL with every "{s}" replaced by this schema's name. */
    void execute(String... statements) throws SQLException {
      try (Statement st = connection.createStatement()) {
        for (String sql : statements) st.execute(sql.replace("{s}", name));
      }
    }

    @Override
    public void close() throws SQLException {
      try (connection) {
        schema.close();
      }
    }
  }
}
