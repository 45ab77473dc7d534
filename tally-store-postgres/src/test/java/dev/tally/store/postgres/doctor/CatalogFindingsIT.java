package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.store.postgres.doctor.TestDatabase.FreshSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * T9: the doctor finds narrow columns and mismatched foreign keys from the catalog, and its
 * migrations fix them.
 */
class CatalogFindingsIT {

  private FreshSchema schema;
  private final SchemaDoctor doctor =
      new SchemaDoctor(DoctorSettings.defaults().withRecordSamples(false));

  @BeforeEach
  void createSchema() throws SQLException {
    schema = new FreshSchema();
  }

  @AfterEach
  void dropSchema() throws SQLException {
    schema.close();
  }

  @Test
  void intColumnFedByBigintSequenceIsReportedWithItsForeignKeysAndMigration() throws SQLException {
    schema.execute(
        "CREATE SEQUENCE {s}.event_ids AS bigint",
        "CREATE TABLE {s}.events (id integer PRIMARY KEY DEFAULT nextval('{s}.event_ids'), name text NOT NULL)",
        "CREATE TABLE {s}.event_notes (id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,"
            + " event_id integer NOT NULL REFERENCES {s}.events (id))");

    DoctorReport report = doctor.examine(schema.connection, schema.name);

    Finding finding = only(report, FindingKind.SEQUENCE_WIDER_THAN_COLUMN);
    assertEquals("events", finding.table());
    assertEquals("id", finding.column());
    assertEquals("integer", finding.columnType());
    assertEquals("event_ids", finding.sequence());
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(finding.atRisk());
    assertEquals(
        List.of(
            new DependentForeignKey(
                "event_notes_event_id_fkey", "event_notes", "event_id", "integer", "events", "id")),
        finding.dependentForeignKeys());
    assertEquals(
        List.of(
            "ALTER TABLE " + schema.name + ".event_notes ALTER COLUMN event_id TYPE bigint;",
            "ALTER TABLE " + schema.name + ".events ALTER COLUMN id TYPE bigint;"),
        finding.migration());
    assertEquals(
        1,
        report.findings().size(),
        "the dependent foreign key is not reported twice: " + report.findings());
    assertEquals(1, report.exitCode());

    assertMigrationLeavesNothingAtRisk(finding);
  }

  @Test
  void intForeignKeyToBigintKeyIsReportedWithMigration() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.accounts (id bigserial PRIMARY KEY, name text)",
        "CREATE TABLE {s}.contacts (id bigserial PRIMARY KEY, account_id integer REFERENCES {s}.accounts (id))");

    DoctorReport report = doctor.examine(schema.connection, schema.name);

    Finding finding = only(report, FindingKind.FOREIGN_KEY_TYPE_MISMATCH);
    assertEquals("contacts", finding.table());
    assertEquals("account_id", finding.column());
    assertEquals("integer", finding.columnType());
    assertTrue(finding.atRisk());
    assertEquals(Severity.CRITICAL, finding.severity());
    assertTrue(finding.summary().contains("accounts.id"), finding.summary());
    assertTrue(finding.summary().contains("contacts_account_id_fkey"), finding.summary());
    assertEquals(
        List.of("ALTER TABLE " + schema.name + ".contacts ALTER COLUMN account_id TYPE bigint;"),
        finding.migration());
    assertEquals(1, report.findings().size(), report.findings().toString());

    assertMigrationLeavesNothingAtRisk(finding);
  }

  @Test
  void serialKeyWithIntForeignKeyMigratesForeignKeyThenKeyThenSequence() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.tags (id serial PRIMARY KEY, name text)",
        "CREATE TABLE {s}.contact_tags (contact_id bigint NOT NULL, tag_id integer NOT NULL REFERENCES {s}.tags (id),"
            + " PRIMARY KEY (contact_id, tag_id))");

    DoctorReport report = doctor.examine(schema.connection, schema.name);

    Finding finding = only(report, FindingKind.NARROW_SEQUENCE_COLUMN);
    assertEquals("tags", finding.table());
    assertEquals("tags_id_seq", finding.sequence());
    assertTrue(finding.atRisk());
    assertEquals(
        List.of("contact_tags.tag_id"),
        finding.dependentForeignKeys().stream().map(fk -> fk.table() + "." + fk.column()).toList());
    assertEquals(
        List.of(
            "ALTER TABLE " + schema.name + ".contact_tags ALTER COLUMN tag_id TYPE bigint;",
            "ALTER TABLE " + schema.name + ".tags ALTER COLUMN id TYPE bigint;",
            "ALTER SEQUENCE " + schema.name + ".tags_id_seq AS bigint;"),
        finding.migration());
    assertEquals(1, report.findings().size(), report.findings().toString());

    assertMigrationLeavesNothingAtRisk(finding);
  }

  @Test
  void identityColumnNeedsNoSeparateSequenceChange() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.notes (id integer GENERATED BY DEFAULT AS IDENTITY PRIMARY KEY)");

    Finding finding =
        only(doctor.examine(schema.connection, schema.name), FindingKind.NARROW_SEQUENCE_COLUMN);

    assertEquals(
        List.of("ALTER TABLE " + schema.name + ".notes ALTER COLUMN id TYPE bigint;"),
        finding.migration());
    assertMigrationLeavesNothingAtRisk(finding);
    try (Statement st = schema.connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT data_type::text FROM pg_sequences WHERE schemaname = '"
                    + schema.name
                    + "' AND sequencename = 'notes_id_seq'")) {
      assertTrue(rs.next());
      assertEquals("bigint", rs.getString(1), "the identity sequence follows its column");
    }
  }

  @Test
  void narrowKeyWithoutSequenceIsAWarningWithQuotedMigration() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.\"Order\" (\"Id\" integer PRIMARY KEY)",
        "CREATE TABLE {s}.order_lines (order_id integer REFERENCES {s}.\"Order\" (\"Id\"), line bigint)");

    DoctorReport report = doctor.examine(schema.connection, schema.name);

    Finding finding = only(report, FindingKind.NARROW_KEY_COLUMN);
    assertEquals("Order", finding.table());
    assertEquals("Id", finding.column());
    assertFalse(finding.atRisk(), "a narrow key no sequence feeds is a warning");
    assertEquals(Severity.WARNING, finding.severity());
    assertEquals(
        List.of(
            "ALTER TABLE " + schema.name + ".order_lines ALTER COLUMN order_id TYPE bigint;",
            "ALTER TABLE " + schema.name + ".\"Order\" ALTER COLUMN \"Id\" TYPE bigint;"),
        finding.migration());
    assertEquals(1, report.findings().size(), report.findings().toString());
    assertEquals(0, report.exitCode());

    schema.execute(finding.migration().toArray(String[]::new));
    assertTrue(doctor.examine(schema.connection, schema.name).findings().isEmpty());
  }

  @Test
  void partitionedTableIsReportedOnceNotPerPartition() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.accounts (id bigserial PRIMARY KEY)",
        "CREATE TABLE {s}.hits (id bigint NOT NULL, day date NOT NULL, account_id integer REFERENCES {s}.accounts (id),"
            + " PRIMARY KEY (id, day)) PARTITION BY RANGE (day)",
        "CREATE TABLE {s}.hits_2025 PARTITION OF {s}.hits FOR VALUES FROM ('2025-01-01') TO ('2026-01-01')",
        "CREATE TABLE {s}.hits_2026 PARTITION OF {s}.hits FOR VALUES FROM ('2026-01-01') TO ('2027-01-01')");

    DoctorReport report = doctor.examine(schema.connection, schema.name);

    Finding finding = only(report, FindingKind.FOREIGN_KEY_TYPE_MISMATCH);
    assertEquals("hits", finding.table());
    assertEquals(1, report.findings().size(), report.findings().toString());
    assertMigrationLeavesNothingAtRisk(finding);
  }

  @Test
  void everyKeyColumnIsListedWithItsType() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.accounts (id bigserial PRIMARY KEY, slug text UNIQUE)",
        "CREATE TABLE {s}.contacts (id bigserial PRIMARY KEY, account_id integer REFERENCES {s}.accounts (id))");

    List<String> keys =
        doctor.examine(schema.connection, schema.name).keyColumns().stream()
            .map(
                k ->
                    k.kind()
                        + " "
                        + k.column().label()
                        + " "
                        + k.column().type()
                        + (k.referenced() == null
                            ? ""
                            : " -> " + k.referenced().label() + " " + k.referenced().type()))
            .toList();

    assertEquals(
        List.of(
            "PRIMARY_KEY accounts.id bigint",
            "UNIQUE accounts.slug text",
            "FOREIGN_KEY contacts.account_id integer -> accounts.id bigint",
            "PRIMARY_KEY contacts.id bigint"),
        keys);
  }

  private void assertMigrationLeavesNothingAtRisk(Finding finding) throws SQLException {
    schema.execute(finding.migration().toArray(String[]::new));
    DoctorReport after = doctor.examine(schema.connection, schema.name);
    assertTrue(after.findings().isEmpty(), "after the migration: " + after.findings());
    assertEquals(0, after.exitCode());
  }

  static Finding only(DoctorReport report, FindingKind kind) {
    List<Finding> matching = report.findings().stream().filter(f -> f.kind() == kind).toList();
    assertEquals(1, matching.size(), "one " + kind + " in " + report.findings());
    return matching.get(0);
  }
}
