package dev.tally.store.sqlite;

import dev.tally.store.jdbc.Sql;
import java.sql.SQLException;

/**
 * Leases in the SQLite file. They run on the writer like any write (the one connection that
 * writes), and the clock is read there, so an expiry is judged at the moment of the write.
 */
final class SqliteLeases {
  private SqliteLeases() {}

  /**
   * Takes the lease when free or expired, renews it when holder has it; true when holder holds it
   * afterwards.
   */
  static boolean acquire(Sql db, String name, String holder, long nowMillis, long ttlMillis)
      throws SQLException {
    db.update(
        "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, ?) ON CONFLICT (name) DO UPDATE SET "
            + "holder = excluded.holder, expires_at = excluded.expires_at WHERE leases.holder = excluded.holder "
            + "OR leases.expires_at <= ?",
        name,
        holder,
        nowMillis + ttlMillis,
        nowMillis);
    return holder.equals(db.queryString("SELECT holder FROM leases WHERE name = ?", name));
  }

  static void release(Sql db, String name, String holder) throws SQLException {
    db.update("DELETE FROM leases WHERE name = ? AND holder = ?", name, holder);
  }
}
