package dev.tally.store.postgres.doctor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The doctor's own memory of sequence values, in table {@value #TABLE} of the audited schema, so
 * that the next run can measure growth. Samples older than 90 days are pruned when new ones are
 * recorded.
 */
final class SampleHistory {

  static final String TABLE = "tally_doctor_samples";

  private final Connection connection;
  private final String tableSql;
  private final String schema;

  SampleHistory(Connection connection, String schema) {
    this.connection = connection;
    this.schema = schema;
    this.tableSql = quoteIdentifier(schema) + "." + TABLE;
  }

  boolean exists() throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement("SELECT to_regclass(format('%I.%I', ?, ?)) IS NOT NULL")) {
      st.setString(1, schema);
      st.setString(2, TABLE);
      try (ResultSet rs = st.executeQuery()) {
        rs.next();
        return rs.getBoolean(1);
      }
    }
  }

  /**
   * For each sequence, the sample to measure growth against: the newest one at least an hour older
   * than {@code now}, or else the oldest one before {@code now} (the longest window there is).
   */
  Map<String, SequenceSample> previousSamples(Instant now) throws SQLException {
    Map<String, SequenceSample> samples = new HashMap<>();
    if (!exists()) return samples;
    String sql =
        "SELECT DISTINCT ON (sequence_name) sequence_name, last_value, observed_at FROM "
            + tableSql
            + " WHERE observed_at < ?"
            + " ORDER BY sequence_name, (observed_at <= ? - interval '1 hour') DESC,"
            + " CASE WHEN observed_at <= ? - interval '1 hour' THEN observed_at END DESC NULLS LAST, observed_at";
    try (PreparedStatement st = connection.prepareStatement(sql)) {
      OffsetDateTime at = now.atOffset(ZoneOffset.UTC);
      st.setObject(1, at);
      st.setObject(2, at);
      st.setObject(3, at);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          String name = rs.getString(1);
          samples.put(
              name,
              new SequenceSample(
                  name, rs.getLong(2), rs.getObject(3, OffsetDateTime.class).toInstant()));
        }
      }
    }
    return samples;
  }

  void record(List<SequenceSample> samples) throws SQLException {
    try (Statement st = connection.createStatement()) {
      st.execute(
          "CREATE TABLE IF NOT EXISTS "
              + tableSql
              + " ("
              + "sequence_name text NOT NULL, last_value bigint NOT NULL, observed_at timestamptz NOT NULL,"
              + " PRIMARY KEY (sequence_name, observed_at))");
    }
    try (PreparedStatement insert =
        connection.prepareStatement(
            "INSERT INTO "
                + tableSql
                + " (sequence_name, last_value, observed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")) {
      for (SequenceSample sample : samples) {
        insert.setString(1, sample.sequence());
        insert.setLong(2, sample.lastValue());
        insert.setObject(3, sample.observedAt().atOffset(ZoneOffset.UTC));
        insert.addBatch();
      }
      insert.executeBatch();
    }
    try (PreparedStatement prune =
        connection.prepareStatement(
            "DELETE FROM " + tableSql + " WHERE observed_at < now() - interval '90 days'")) {
      prune.executeUpdate();
    }
  }

  static String quoteIdentifier(String name) {
    return "\"" + name.replace("\"", "\"\"") + "\"";
  }
}
