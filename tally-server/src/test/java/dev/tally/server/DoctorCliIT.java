package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tally doctor} (T9) against real PostgreSQL schemas: one built to be at risk, and Tally's
 * own.
 */
class DoctorCliIT {

  @Test
  void findsAnIntColumnFedByABigintSequenceAndAnIntForeignKeyToABigintKey() {
    try (TestEngines engines = new TestEngines()) {
      String s = engines.schema;
      engines.settings(
          TestEngines.Combo.POSTGRES_LUCENE); // marks the schema for removal afterwards
      TestEngines.sql("CREATE SCHEMA " + s);
      TestEngines.sql("CREATE SEQUENCE " + s + ".event_ids AS bigint");
      TestEngines.sql(
          "CREATE TABLE "
              + s
              + ".events (id integer PRIMARY KEY DEFAULT nextval('"
              + s
              + ".event_ids'), name text)");
      TestEngines.sql("CREATE TABLE " + s + ".accounts (id bigserial PRIMARY KEY)");
      TestEngines.sql(
          "CREATE TABLE "
              + s
              + ".members (id bigserial PRIMARY KEY, account_id integer REFERENCES "
              + s
              + ".accounts (id))");

      CliTest.Run text =
          CliTest.tally("doctor", "--store-url", TestEngines.pgUrl(), "--store-schema", s);
      assertEquals(1, text.code(), text.out() + text.err());
      assertTrue(
          text.out().contains("SEQUENCE_WIDER_THAN_COLUMN")
              && text.out().contains("Table:  events")
              && text.out().contains("Sequence: event_ids"),
          text.out());
      assertTrue(
          text.out().contains("FOREIGN_KEY_TYPE_MISMATCH")
              && text.out().contains("Table:  members")
              && text.out().contains("Column: account_id (integer)"),
          text.out());
      assertTrue(
          text.out().contains("ALTER TABLE " + s + ".members ALTER COLUMN account_id TYPE bigint;"),
          text.out());
      assertTrue(text.out().contains("AT RISK (exit code 1)"), text.out());

      CliTest.Run json =
          CliTest.tally(
              "doctor", "--store-url", TestEngines.pgUrl(), "--store-schema", s, "--json");
      assertEquals(1, json.code(), json.err());
      List<String> found = new ArrayList<>();
      for (JsonNode f : json.json().get("findings")) {
        found.add(
            f.get("kind").asText()
                + " "
                + f.get("table").asText()
                + "."
                + f.get("column").asText());
      }
      assertTrue(found.contains("SEQUENCE_WIDER_THAN_COLUMN events.id"), found.toString());
      assertTrue(found.contains("FOREIGN_KEY_TYPE_MISMATCH members.account_id"), found.toString());
    }
  }

  @Test
  void tallysOwnFreshlyMigratedSchemaIsHealthy(@TempDir Path data) throws Exception {
    try (TestEngines engines = new TestEngines()) {
      ApiTestBase.startTally(data, engines.settings(TestEngines.Combo.POSTGRES_LUCENE))
          .server()
          .close();

      CliTest.Run run =
          CliTest.tally(
              "doctor", "--store-url", TestEngines.pgUrl(), "--store-schema", engines.schema);
      assertEquals(0, run.code(), run.out() + run.err());
      assertTrue(run.out().contains("nothing at risk (exit code 0)"), run.out());
      assertTrue(run.out().contains("Key columns checked:"), run.out());
    }
  }

  @Test
  void exitCodesSayWhatWentWrong() {
    CliTest.Run missing = CliTest.tally("doctor");
    assertEquals(2, missing.code(), "no store URL is bad usage");
    assertTrue(missing.err().contains("--store-url"), missing.err());

    CliTest.Run noSchema =
        CliTest.tally(
            "doctor", "--store-url", TestEngines.pgUrl(), "--store-schema", "tally_no_such_schema");
    assertEquals(2, noSchema.code(), noSchema.err());
    assertTrue(noSchema.err().contains("no schema named"), noSchema.err());

    CliTest.Run unreachable =
        CliTest.tally(
            "doctor", "--store-url", "jdbc:postgresql://127.0.0.1:1/test?password=hush", "--json");
    assertEquals(3, unreachable.code(), unreachable.err());
    assertTrue(
        unreachable.err().contains("could not connect") && !unreachable.err().contains("hush"),
        unreachable.err());
    assertEquals("", unreachable.out(), "--json output stays JSON: errors go to standard error");
  }
}
