package dev.tally.store.postgres;

import dev.tally.testkit.TestServers;
import dev.tally.testkit.ThrowawaySchema;
import java.sql.Connection;

/**
 * The PostgreSQL the tests use: TALLY_TEST_PG_URL (system property or environment), by default the
 * local server. Each test gets its own schema, dropped afterwards ({@link ThrowawaySchema}). A
 * server that cannot be reached fails the test: a backend test never skips.
 */
final class PgTestDatabase {
  private PgTestDatabase() {}

  static String url() {
    return TestServers.postgresUrl();
  }

  static Connection connect() {
    return ThrowawaySchema.connect();
  }

  /** A new empty schema with a random name. */
  static String createSchema() {
    return ThrowawaySchema.create("tally_test").name();
  }

  static void dropSchema(String schema) {
    if (schema != null) {
      ThrowawaySchema.drop(schema);
    }
  }

  /** The options every test store opens with: its own schema and ids above 2^53 (T8). */
  static PostgresOptions options(String schema) {
    return PostgresOptions.defaults(url())
        .withSchema(schema)
        .withTestIdOffsets(true)
        .withPoolSize(4);
  }
}
