package dev.tally.store.jdbc;

import java.sql.SQLException;

/** Appends oplog entries: ids, versions and operations only, never personal data. */
final class Oplog {
  private Oplog() {}

  static final String APPEND =
      "INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING position";

  /** Appends one entry and returns its position. */
  static long append(
      Sql db, long ws, String entity, long entityId, long version, String op, long now)
      throws SQLException {
    return db.insert(false, APPEND, ws, entity, entityId, version, op, now);
  }
}
