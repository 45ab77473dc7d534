package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.store.postgres.doctor.TestDatabase.FreshSchema;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** T15: the doctor reads the catalog in a read-only transaction under a statement timeout. */
class StatementTimeoutIT {

  private FreshSchema schema;

  @BeforeEach
  void createSchema() throws SQLException {
    schema = new FreshSchema();
    schema.execute(
        "CREATE TABLE {s}.items (id bigserial PRIMARY KEY)", "SELECT nextval('{s}.items_id_seq')");
  }

  @AfterEach
  void dropSchema() throws SQLException {
    schema.close();
  }

  @Test
  void auditTransactionIsReadOnlyWithTheTimeoutAndLeavesTheSessionAsItWas() throws SQLException {
    String before = show(schema.connection, "statement_timeout");
    List<String> seenInside = new ArrayList<>();
    SchemaDoctor doctor =
        new SchemaDoctor(DoctorSettings.defaults().withStatementTimeout(Duration.ofMillis(1500)))
            .onAuditTransaction(
                connection -> {
                  try {
                    seenInside.add(show(connection, "statement_timeout"));
                    seenInside.add(show(connection, "transaction_read_only"));
                  } catch (SQLException e) {
                    throw new IllegalStateException(e);
                  }
                });

    doctor.examine(schema.connection, schema.name);

    assertEquals(List.of("1500ms", "on"), seenInside);
    assertEquals(
        before,
        show(schema.connection, "statement_timeout"),
        "SET LOCAL ends with the transaction");
    assertTrue(schema.connection.getAutoCommit(), "auto-commit restored");
  }

  @Test
  void aCatalogReadBlockedByALockTimesOutInsteadOfHanging() throws SQLException {
    try (Connection locker = TestDatabase.connect()) {
      locker.setAutoCommit(false);
      try (Statement st = locker.createStatement()) {
        // holds ACCESS EXCLUSIVE on the sequence, which pg_sequences must lock to read last_value
        st.execute(
            "ALTER SEQUENCE " + schema.name + ".items_id_seq RENAME TO items_id_seq_renamed");
      }
      SchemaDoctor doctor =
          new SchemaDoctor(
              DoctorSettings.defaults()
                  .withStatementTimeout(Duration.ofSeconds(1))
                  .withRecordSamples(false));

      long start = System.nanoTime();
      SQLException timedOut =
          assertThrows(SQLException.class, () -> doctor.examine(schema.connection, schema.name));
      Duration took = Duration.ofNanos(System.nanoTime() - start);

      assertEquals(
          "57014",
          timedOut.getSQLState(),
          "query_canceled by statement_timeout: " + timedOut.getMessage());
      assertTrue(took.compareTo(Duration.ofSeconds(20)) < 0, "gave up after " + took);
      assertTrue(schema.connection.getAutoCommit(), "auto-commit restored after the failure");
      locker.rollback();
    }
    assertTrue(
        new SchemaDoctor().examine(schema.connection, schema.name).findings().isEmpty(),
        "the same connection works once the lock is gone");
  }

  private static String show(Connection connection, String setting) throws SQLException {
    try (Statement st = connection.createStatement();
        ResultSet rs = st.executeQuery("SHOW " + setting)) {
      rs.next();
      return rs.getString(1);
    }
  }
}
