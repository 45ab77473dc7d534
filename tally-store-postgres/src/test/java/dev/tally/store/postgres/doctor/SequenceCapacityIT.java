package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.store.postgres.doctor.TestDatabase.FreshSchema;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Used capacity is measured against what the column can hold; growth comes from samples. */
class SequenceCapacityIT {

  private FreshSchema schema;
  private final DoctorSettings noRecording = DoctorSettings.defaults().withRecordSamples(false);

  @BeforeEach
  void createSchema() throws SQLException {
    schema = new FreshSchema();
  }

  @AfterEach
  void dropSchema() throws SQLException {
    schema.close();
  }

  @Test
  void sequenceAtHighUsageOfAnIntColumnIsReportedWithItsPercentage() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.visits (id serial PRIMARY KEY)",
        "SELECT setval('{s}.visits_id_seq', 1932735283)"); // 90% of 2147483647

    DoctorReport report = new SchemaDoctor(noRecording).examine(schema.connection, schema.name);

    Finding finding = CatalogFindingsIT.only(report, FindingKind.NARROW_SEQUENCE_COLUMN);
    assertEquals(Severity.CRITICAL, finding.severity());
    assertEquals(90.0, finding.capacity().usedPercent(), 0.01);
    assertEquals(1932735283L, finding.capacity().lastValue());
    assertEquals(Integer.MAX_VALUE, finding.capacity().limit());
    assertTrue(finding.capacity().atRisk());
    assertTrue(finding.summary().contains("90.0% of what it can hold is used"), finding.summary());
    assertTrue(DoctorTextRenderer.render(report).contains("90.0%"));
  }

  @Test
  void capacityIsMeasuredAgainstTheColumnNotTheSequence() throws SQLException {
    schema.execute(
        "CREATE SEQUENCE {s}.big AS bigint",
        "CREATE TABLE {s}.pages (id integer PRIMARY KEY DEFAULT nextval('{s}.big'))",
        "SELECT setval('{s}.big', 1500000000)");

    DoctorReport report = new SchemaDoctor(noRecording).examine(schema.connection, schema.name);

    SequenceCapacity capacity = report.sequences().get(0);
    assertEquals("pages", capacity.column().table());
    assertEquals(
        Integer.MAX_VALUE, capacity.limit(), "the int column's limit, not the bigint sequence's");
    assertEquals(100.0 * 1_500_000_000 / Integer.MAX_VALUE, capacity.usedPercent(), 0.001);
    assertTrue(capacity.atRisk());
    assertEquals(
        Severity.CRITICAL,
        CatalogFindingsIT.only(report, FindingKind.SEQUENCE_WIDER_THAN_COLUMN).severity());
  }

  @Test
  void growthFromAGivenSampleGivesDaysToExhaustion() throws SQLException {
    long last = 214_748_364L; // 10% of an int column: not at risk by usage
    schema.execute(
        "CREATE TABLE {s}.clicks (id serial PRIMARY KEY)",
        "SELECT setval('{s}.clicks_id_seq', " + last + ")");
    SequenceSample dayAgo =
        new SequenceSample(
            "clicks_id_seq", last - 30_000_000L, Instant.now().minus(Duration.ofDays(1)));

    DoctorReport report =
        new SchemaDoctor(noRecording.withPreviousSamples(List.of(dayAgo)))
            .examine(schema.connection, schema.name);

    SequenceCapacity capacity = report.sequences().get(0);
    assertEquals(30_000_000.0, capacity.growth().perDay(), 30_000_000.0 * 0.01);
    assertTrue(capacity.growth().source().startsWith("samples since"), capacity.growth().source());
    double expectedDays = (Integer.MAX_VALUE - last) / 30_000_000.0; // about 64 days
    assertEquals(expectedDays, capacity.daysToExhaustion(), expectedDays * 0.01);
    assertTrue(capacity.usedPercent() < SequenceCapacity.AT_RISK_PERCENT);
    assertTrue(capacity.atRisk(), "fewer than 90 days left");
    assertTrue(capacity.critical() == false);
  }

  @Test
  void samplesRecordedByOneRunMeasureGrowthOnTheNext() throws SQLException {
    schema.execute(
        "CREATE TABLE {s}.orders (id bigserial PRIMARY KEY)",
        "SELECT setval('{s}.orders_id_seq', 1000)");
    SchemaDoctor recording = new SchemaDoctor(DoctorSettings.defaults());

    DoctorReport first = recording.examine(schema.connection, schema.name);
    assertFalse(
        first.sequences().get(0).growth().source().startsWith("samples"),
        "no sample before the first run");
    schema.execute("SELECT setval('{s}.orders_id_seq', 5000)");
    DoctorReport second = recording.examine(schema.connection, schema.name);

    SequenceCapacity capacity = second.sequences().get(0);
    assertTrue(
        capacity.growth().source().startsWith("samples since " + first.examinedAt()),
        capacity.growth().source());
    assertTrue(capacity.growth().perDay() > 0);
    assertNotNull(capacity.daysToExhaustion());
    assertFalse(second.atRisk(), "a bigint key has billions of years left");
    try (Statement st = schema.connection.createStatement();
        ResultSet rs =
            st.executeQuery(
                "SELECT count(*), min(last_value), max(last_value) FROM "
                    + schema.name
                    + ".tally_doctor_samples WHERE sequence_name = 'orders_id_seq'")) {
      rs.next();
      assertEquals(2, rs.getInt(1));
      assertEquals(1000, rs.getLong(2));
      assertEquals(5000, rs.getLong(3));
    }
  }

  @Test
  void unusedSequenceHasNoLastValueAndNoEstimate() throws SQLException {
    schema.execute("CREATE TABLE {s}.fresh (id bigserial PRIMARY KEY)");

    DoctorReport report = new SchemaDoctor(noRecording).examine(schema.connection, schema.name);

    SequenceCapacity capacity = report.sequences().get(0);
    assertNull(capacity.lastValue());
    assertEquals(0.0, capacity.usedPercent());
    assertNull(capacity.daysToExhaustion());
    assertTrue(report.findings().isEmpty());
  }
}
