package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.store.postgres.doctor.TestDatabase.FreshSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The text and --json renderings through the CLI's entry point, and its exit codes. */
class DoctorOutputIT {

  private FreshSchema schema;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void createAtRiskSchema() throws SQLException {
    schema = new FreshSchema();
    schema.execute(
        "CREATE TABLE {s}.accounts (id bigserial PRIMARY KEY)",
        "CREATE TABLE {s}.contacts (id bigserial PRIMARY KEY, account_id integer REFERENCES {s}.accounts (id))",
        "CREATE SEQUENCE {s}.visit_ids AS bigint",
        "CREATE TABLE {s}.visits (id integer PRIMARY KEY DEFAULT nextval('{s}.visit_ids'))",
        "SELECT setval('{s}.visit_ids', 4294967296 + 7)");
  }

  @AfterEach
  void dropSchema() throws SQLException {
    schema.close();
  }

  @Test
  void jsonParsesAndCarriesEveryField() throws Exception {
    int exit = SchemaDoctor.run(schema.connection, schema.name, true, out);

    JsonNode root = new ObjectMapper().readTree(bytes.toString(StandardCharsets.UTF_8));
    assertEquals(1, exit);
    assertEquals(schema.name, root.get("schema").asText());
    assertTrue(root.get("atRisk").asBoolean());
    assertEquals(1, root.get("exitCode").asInt());
    assertTrue(root.hasNonNull("examinedAt"));
    List<String> kinds = new ArrayList<>();
    for (JsonNode finding : root.get("findings")) {
      kinds.add(finding.get("kind").asText());
      for (String field :
          List.of(
              "severity",
              "atRisk",
              "table",
              "column",
              "columnType",
              "sequence",
              "capacity",
              "dependentForeignKeys",
              "summary",
              "migration")) {
        assertTrue(finding.has(field), field + " in " + finding);
      }
      assertTrue(
          finding.get("migration").isArray() && finding.get("migration").size() > 0,
          finding.toString());
    }
    assertEquals(
        List.of("FOREIGN_KEY_TYPE_MISMATCH", "SEQUENCE_WIDER_THAN_COLUMN"),
        kinds.stream().sorted().toList());

    JsonNode visits = null;
    for (JsonNode sequence : root.get("sequences"))
      if (sequence.get("sequence").asText().equals("visit_ids")) visits = sequence;
    assertTrue(visits != null, root.get("sequences").toString());
    assertTrue(visits.get("lastValue").isTextual(), "ids are strings in JSON");
    assertEquals("4294967303", visits.get("lastValue").asText());
    assertEquals("2147483647", visits.get("limit").asText());
    for (String field :
        List.of(
            "sequenceType",
            "table",
            "column",
            "columnType",
            "usedPercent",
            "growthPerDay",
            "growthSource",
            "daysToExhaustion",
            "atRisk")) {
      assertTrue(visits.has(field), field + " in " + visits);
    }
    assertTrue(root.get("keyColumns").size() >= 4);
    assertTrue(root.get("notes").isArray());
  }

  @Test
  void textNamesTableColumnForeignKeysAndMigration() {
    int exit = SchemaDoctor.run(schema.connection, schema.name, false, out);

    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(1, exit, text);
    assertTrue(text.contains("2 findings, 2 at risk."), text);
    assertTrue(text.contains("  Table:  contacts\n  Column: account_id (integer)"), text);
    assertTrue(
        text.contains(
            "ALTER TABLE " + schema.name + ".contacts ALTER COLUMN account_id TYPE bigint;"),
        text);
    assertTrue(text.contains("  Table:  visits\n  Column: id (integer)"), text);
    assertTrue(text.contains("Sequence: visit_ids"), text);
    assertTrue(
        text.contains("EXHAUSTED: its last value 4294967303 is already beyond the 2147483647"),
        text);
    assertTrue(text.contains("Result: AT RISK (exit code 1)."), text);
  }

  @Test
  void aMissingSchemaIsAFailureNotAClean() {
    int exit = SchemaDoctor.run(schema.connection, schema.name + "_missing", false, out);

    assertEquals(SchemaDoctor.EXIT_FAILED, exit);
    assertTrue(bytes.toString(StandardCharsets.UTF_8).contains("there is no schema named"));
  }
}
