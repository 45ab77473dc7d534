package dev.tally.store.postgres.doctor;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.store.postgres.doctor.TestDatabase.FreshSchema;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.sql.SQLException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A schema shaped like Tally's own (every id BIGINT / BIGSERIAL) is clean, even with ids above 2^32
 * (T8).
 */
class TallyLikeSchemaIT {

  private FreshSchema schema;

  @BeforeEach
  void createSchema() throws SQLException {
    schema = new FreshSchema();
    schema.execute(
        "CREATE TABLE {s}.workspaces (id BIGSERIAL PRIMARY KEY, name TEXT NOT NULL UNIQUE, created_at BIGINT NOT NULL,"
            + " contact_count BIGINT NOT NULL DEFAULT 0)",
        "CREATE TABLE {s}.workspace_tokens (id BIGSERIAL PRIMARY KEY,"
            + " workspace_id BIGINT NOT NULL REFERENCES {s}.workspaces (id), token_hash TEXT NOT NULL UNIQUE,"
            + " prefix TEXT NOT NULL, created_at BIGINT NOT NULL)",
        "CREATE TABLE {s}.contacts (id BIGSERIAL PRIMARY KEY, workspace_id BIGINT NOT NULL REFERENCES {s}.workspaces (id),"
            + " version BIGINT NOT NULL, doc JSONB NOT NULL)",
        "CREATE TABLE {s}.identities (workspace_id BIGINT NOT NULL, kind TEXT NOT NULL, value TEXT NOT NULL,"
            + " contact_id BIGINT NOT NULL REFERENCES {s}.contacts (id), PRIMARY KEY (workspace_id, kind, value))",
        "CREATE TABLE {s}.events (id BIGSERIAL PRIMARY KEY, workspace_id BIGINT NOT NULL,"
            + " contact_id BIGINT NOT NULL REFERENCES {s}.contacts (id), name TEXT NOT NULL, created_at BIGINT NOT NULL,"
            + " metadata JSONB NOT NULL, UNIQUE (workspace_id, contact_id, name, created_at))",
        "CREATE TABLE {s}.oplog (position BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY, workspace_id BIGINT NOT NULL,"
            + " entity TEXT NOT NULL, entity_id BIGINT NOT NULL, version BIGINT NOT NULL, op TEXT NOT NULL, at BIGINT NOT NULL)",
        "CREATE TABLE {s}.idempotency_keys (workspace_id BIGINT NOT NULL, key TEXT NOT NULL, fingerprint TEXT NOT NULL,"
            + " status INTEGER NOT NULL, body TEXT NOT NULL, position BIGINT NOT NULL,"
            + " contact_id BIGINT REFERENCES {s}.contacts (id), created_at BIGINT NOT NULL, PRIMARY KEY (workspace_id, key))",
        // T8: every sequence starts at its own offset above 2^32
        "SELECT setval('{s}.workspaces_id_seq', 4294967296 + 1000000)",
        "SELECT setval('{s}.workspace_tokens_id_seq', 4294967296 + 2000000)",
        "SELECT setval('{s}.contacts_id_seq', 4294967296 + 3000000)",
        "SELECT setval('{s}.events_id_seq', 4294967296 + 4000000)",
        "ALTER TABLE {s}.oplog ALTER COLUMN position RESTART WITH 4294967296000",
        "INSERT INTO {s}.workspaces (name, created_at) VALUES ('acme', 0)",
        "INSERT INTO {s}.contacts (workspace_id, version, doc) SELECT id, 1, '{}' FROM {s}.workspaces",
        "INSERT INTO {s}.oplog (workspace_id, entity, entity_id, version, op, at)"
            + " SELECT workspace_id, 'contact', id, 1, 'upsert', 0 FROM {s}.contacts");
  }

  @AfterEach
  void dropSchema() throws SQLException {
    schema.close();
  }

  @Test
  void allBigintSchemaHasNoFindingsAndExitsZero() throws SQLException {
    DoctorReport report = new SchemaDoctor().examine(schema.connection, schema.name);

    assertTrue(report.findings().isEmpty(), report.findings().toString());
    assertFalse(report.atRisk());
    assertEquals(5, report.sequences().size(), report.sequences().toString());
    assertTrue(report.keyColumns().size() >= 14, report.keyColumns().toString());
    assertTrue(report.keyColumns().stream().noneMatch(k -> k.column().narrowInteger()));

    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    int exit =
        SchemaDoctor.run(
            schema.connection,
            schema.name,
            false,
            new PrintStream(bytes, true, StandardCharsets.UTF_8));
    String text = bytes.toString(StandardCharsets.UTF_8);
    assertEquals(0, exit, text);
    assertTrue(text.contains("0 findings, 0 at risk."), text);
    assertTrue(text.contains("Result: nothing at risk (exit code 0)."), text);
  }
}
