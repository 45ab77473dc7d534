package dev.tally.store.jdbc;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Collections;
import java.util.List;

/** Appends oplog entries: ids, versions and operations only, never personal data. */
final class Oplog {
  private Oplog() {}

  static final String APPEND =
      "INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING position";

  /**
   * Appends a create entry (version 1) of {@code entity} for each {id, workspace id} of {@code
   * created}, in that order, many per statement (chunks of 100, 10 and 1, so three statement texts
   * are cached); returns the last position, 0 when there was none.
   */
  static long appendCreates(Sql db, String entity, List<long[]> created, long now)
      throws SQLException {
    long last = 0;
    int at = 0;
    for (int chunk : new int[] {100, 10, 1}) {
      while (created.size() - at >= chunk) {
        String sql =
            "INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) VALUES "
                + String.join(", ", Collections.nCopies(chunk, "(?, ?, ?, 1, 'create', ?)"))
                + " RETURNING position";
        Object[] args = new Object[chunk * 4];
        for (int i = 0; i < chunk; i++) {
          long[] c = created.get(at + i);
          args[i * 4] = c[1];
          args[i * 4 + 1] = entity;
          args[i * 4 + 2] = c[0];
          args[i * 4 + 3] = now;
        }
        try (ResultSet rs = db.prepare(sql, args).executeQuery()) {
          while (rs.next()) {
            last = Math.max(last, rs.getLong(1));
          }
        }
        at += chunk;
      }
    }
    return last;
  }

  /** Appends one entry and returns its position. */
  static long append(
      Sql db, long ws, String entity, long entityId, long version, String op, long now)
      throws SQLException {
    return db.insert(false, APPEND, ws, entity, entityId, version, op, now);
  }
}
