package dev.tally.store.postgres.doctor;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads key columns, sequences and insert statistics of one schema from pg_catalog, pg_sequences
 * and pg_stat_user_tables. It never reads a table's rows.
 */
final class CatalogReader {

  /**
   * Every primary-key, unique and foreign-key column, paired with the column it references.
   * Constraints that partitions inherit are left out: an ALTER on the partitioned table covers
   * them.
   */
  private static final String KEY_COLUMNS =
      """
      SELECT con.conname, con.contype,
             c.oid AS table_oid, k.attnum, c.relname, format('%I.%I', n.nspname, c.relname) AS table_sql,
             a.attname, quote_ident(a.attname) AS column_sql,
             format_type(a.atttypid, a.atttypmod) AS column_type, coalesce(bt.typname, t.typname) AS base_type,
             fc.oid AS ref_oid, k.ref_attnum, fc.relname AS ref_table,
             quote_ident(fn.nspname) || '.' || quote_ident(fc.relname) AS ref_table_sql,
             fa.attname AS ref_column, quote_ident(fa.attname) AS ref_column_sql,
             format_type(fa.atttypid, fa.atttypmod) AS ref_type, coalesce(fbt.typname, ft.typname) AS ref_base_type
        FROM pg_constraint con
        JOIN pg_class c ON c.oid = con.conrelid
        JOIN pg_namespace n ON n.oid = c.relnamespace
        CROSS JOIN LATERAL unnest(con.conkey, coalesce(con.confkey, con.conkey))
                   WITH ORDINALITY AS k(attnum, ref_attnum, position)
        JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum = k.attnum
        JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
        LEFT JOIN pg_class fc ON con.contype = 'f' AND fc.oid = con.confrelid
        LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        LEFT JOIN pg_attribute fa ON fa.attrelid = fc.oid AND fa.attnum = k.ref_attnum
        LEFT JOIN pg_type ft ON ft.oid = fa.atttypid
        LEFT JOIN pg_type fbt ON ft.typtype = 'd' AND fbt.oid = ft.typbasetype
       WHERE n.nspname = ? AND con.contype IN ('p', 'u', 'f')
         AND con.conparentid = 0 AND NOT c.relispartition
       ORDER BY c.relname, con.conname, k.position
      """;

  /**
   * Every sequence with the column it feeds: owned through pg_depend (deptype 'a' for serial and
   * OWNED BY, 'i' for identity columns) or named by a column default (pg_attrdef depends on it).
   */
  private static final String SEQUENCES =
      """
      SELECT s.sequencename, format('%I.%I', s.schemaname, s.sequencename) AS sequence_sql,
             s.data_type::text AS sequence_type, s.start_value, s.min_value, s.max_value,
             s.increment_by, s.cycle, s.last_value,
             feed.table_oid, feed.attnum, coalesce(feed.is_identity, false) AS is_identity,
             fc.relname, quote_ident(fn.nspname) || '.' || quote_ident(fc.relname) AS table_sql,
             a.attname, quote_ident(a.attname) AS column_sql,
             format_type(a.atttypid, a.atttypmod) AS column_type, coalesce(bt.typname, t.typname) AS base_type
        FROM pg_sequences s
        JOIN pg_namespace sn ON sn.nspname = s.schemaname
        JOIN pg_class sc ON sc.relnamespace = sn.oid AND sc.relname = s.sequencename
        LEFT JOIN LATERAL (
              SELECT d.refobjid AS table_oid, d.refobjsubid AS attnum, d.deptype = 'i' AS is_identity
                FROM pg_depend d
               WHERE d.classid = 'pg_class'::regclass AND d.objid = sc.oid
                 AND d.refclassid = 'pg_class'::regclass AND d.refobjsubid > 0
                 AND d.deptype IN ('a', 'i')
              UNION
              SELECT ad.adrelid, ad.adnum, false
                FROM pg_depend d
                JOIN pg_attrdef ad ON ad.oid = d.objid
               WHERE d.classid = 'pg_attrdef'::regclass
                 AND d.refclassid = 'pg_class'::regclass AND d.refobjid = sc.oid
             ) feed ON true
        LEFT JOIN pg_class fc ON fc.oid = feed.table_oid
        LEFT JOIN pg_namespace fn ON fn.oid = fc.relnamespace
        LEFT JOIN pg_attribute a ON a.attrelid = feed.table_oid AND a.attnum = feed.attnum
        LEFT JOIN pg_type t ON t.oid = a.atttypid
        LEFT JOIN pg_type bt ON t.typtype = 'd' AND bt.oid = t.typbasetype
       WHERE s.schemaname = ?
       ORDER BY s.sequencename, fc.relname, a.attname
      """;

  private static final String INSERTS =
      "SELECT relid, n_tup_ins FROM pg_stat_user_tables WHERE schemaname = ?";

  private static final String STATS_RESET =
      "SELECT stats_reset FROM pg_stat_database WHERE datname = current_database()";

  private final Connection connection;
  private final String schema;

  CatalogReader(Connection connection, String schema) {
    this.connection = connection;
    this.schema = schema;
  }

  boolean schemaExists() throws SQLException {
    try (PreparedStatement st =
        connection.prepareStatement("SELECT 1 FROM pg_namespace WHERE nspname = ?")) {
      st.setString(1, schema);
      try (ResultSet rs = st.executeQuery()) {
        return rs.next();
      }
    }
  }

  Instant serverNow() throws SQLException {
    try (PreparedStatement st = connection.prepareStatement("SELECT now()");
        ResultSet rs = st.executeQuery()) {
      rs.next();
      return rs.getObject(1, OffsetDateTime.class).toInstant();
    }
  }

  List<KeyColumn> keyColumns() throws SQLException {
    List<KeyColumn> keys = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(KEY_COLUMNS)) {
      st.setString(1, schema);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          KeyColumn.Kind kind =
              switch (rs.getString("contype")) {
                case "p" -> KeyColumn.Kind.PRIMARY_KEY;
                case "u" -> KeyColumn.Kind.UNIQUE;
                default -> KeyColumn.Kind.FOREIGN_KEY;
              };
          ColumnRef column =
              new ColumnRef(
                  rs.getLong("table_oid"),
                  rs.getInt("attnum"),
                  rs.getString("relname"),
                  rs.getString("attname"),
                  rs.getString("table_sql"),
                  rs.getString("column_sql"),
                  rs.getString("column_type"),
                  rs.getString("base_type"));
          ColumnRef referenced =
              kind != KeyColumn.Kind.FOREIGN_KEY
                  ? null
                  : new ColumnRef(
                      rs.getLong("ref_oid"),
                      rs.getInt("ref_attnum"),
                      rs.getString("ref_table"),
                      rs.getString("ref_column"),
                      rs.getString("ref_table_sql"),
                      rs.getString("ref_column_sql"),
                      rs.getString("ref_type"),
                      rs.getString("ref_base_type"));
          keys.add(new KeyColumn(rs.getString("conname"), kind, column, referenced));
        }
      }
    }
    return keys;
  }

  List<SequenceFeed> sequences() throws SQLException {
    List<SequenceFeed> sequences = new ArrayList<>();
    try (PreparedStatement st = connection.prepareStatement(SEQUENCES)) {
      st.setString(1, schema);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) {
          long tableOid = rs.getLong("table_oid");
          ColumnRef column =
              rs.wasNull()
                  ? null
                  : new ColumnRef(
                      tableOid,
                      rs.getInt("attnum"),
                      rs.getString("relname"),
                      rs.getString("attname"),
                      rs.getString("table_sql"),
                      rs.getString("column_sql"),
                      rs.getString("column_type"),
                      rs.getString("base_type"));
          long lastValue = rs.getLong("last_value");
          Long last = rs.wasNull() ? null : lastValue;
          sequences.add(
              new SequenceFeed(
                  rs.getString("sequencename"),
                  rs.getString("sequence_sql"),
                  rs.getString("sequence_type"),
                  rs.getLong("start_value"),
                  rs.getLong("min_value"),
                  rs.getLong("max_value"),
                  rs.getLong("increment_by"),
                  rs.getBoolean("cycle"),
                  last,
                  column,
                  rs.getBoolean("is_identity")));
        }
      }
    }
    return sequences;
  }

  Map<Long, Long> insertsByTableOid() throws SQLException {
    Map<Long, Long> inserts = new HashMap<>();
    try (PreparedStatement st = connection.prepareStatement(INSERTS)) {
      st.setString(1, schema);
      try (ResultSet rs = st.executeQuery()) {
        while (rs.next()) inserts.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return inserts;
  }

  /** When the database's statistics were last reset; null if never. */
  Instant statsResetAt() throws SQLException {
    try (PreparedStatement st = connection.prepareStatement(STATS_RESET);
        ResultSet rs = st.executeQuery()) {
      if (!rs.next()) return null;
      OffsetDateTime reset = rs.getObject(1, OffsetDateTime.class);
      return reset == null ? null : reset.toInstant();
    }
  }
}
