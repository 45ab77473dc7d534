package dev.tally.testkit;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A schema of a test's own on the test PostgreSQL ({@link TestServers#postgresUrl()}): a random
 * name, dropped with everything in it on close. The tests that need a whole server of their own (to
 * stop or crash it) use {@link ThrowawayPostgres}. A server that cannot be reached fails the test,
 * saying how to point the tests elsewhere: a backend test never skips.
 */
public final class ThrowawaySchema implements AutoCloseable {
  private final String name;

  private ThrowawaySchema(String name) {
    this.name = name;
  }

  /** A new empty schema named {@code prefix_<random>}. */
  public static ThrowawaySchema create(String prefix) {
    ThrowawaySchema s = reserve(prefix);
    execute("CREATE SCHEMA " + s.name);
    return s;
  }

  /**
   * A name for a schema that the test's code creates (Tally's migrations do), dropped on close all
   * the same.
   */
  public static ThrowawaySchema reserve(String prefix) {
    return new ThrowawaySchema(
        prefix + "_" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE));
  }

  public String name() {
    return name;
  }

  @Override
  public void close() {
    drop(name);
  }

  @Override
  public String toString() {
    return name;
  }

  /** Drops {@code schema} and everything in it, if it exists. */
  public static void drop(String schema) {
    execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
  }

  /** A connection to the test PostgreSQL. */
  public static Connection connect() {
    try {
      return DriverManager.getConnection(TestServers.postgresUrl());
    } catch (SQLException e) {
      throw new AssertionError(
          "PostgreSQL is not reachable at "
              + TestServers.postgresUrl()
              + " (set TALLY_TEST_PG_URL to point the tests elsewhere): "
              + e.getMessage(),
          e);
    }
  }

  /** Runs one statement on the test PostgreSQL. */
  public static void execute(String sql) {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(sql);
    } catch (SQLException e) {
      throw new AssertionError(
          "PostgreSQL at " + TestServers.postgresUrl() + ": " + sql + ": " + e.getMessage(), e);
    }
  }
}
