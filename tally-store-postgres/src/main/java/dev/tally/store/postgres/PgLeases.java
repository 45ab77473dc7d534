package dev.tally.store.postgres;

import dev.tally.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;

/**
 * Leases on the database clock: several Tally processes agree on who holds one even when their own
 * clocks disagree. One statement each, in autocommit; concurrent takers are serialized by the row
 * (INSERT ... ON CONFLICT waits for the other's insert or update), so at most one wins.
 */
final class PgLeases {
  private PgLeases() {}

  /**
   * Takes the lease when free or expired, renews it when {@code holder} has it; true when holder
   * holds it afterwards.
   */
  static boolean acquire(Sql db, String name, String holder, Duration ttl) throws SQLException {
    try (ResultSet rs =
        db.prepare(
                "INSERT INTO leases (name, holder, expires_at) VALUES (?, ?, now() + ? * INTERVAL '1 millisecond') "
                    + "ON CONFLICT (name) DO UPDATE SET holder = excluded.holder, expires_at = excluded.expires_at "
                    + "WHERE leases.holder = excluded.holder OR leases.expires_at <= now() RETURNING holder",
                name,
                holder,
                ttl.toMillis())
            .executeQuery()) {
      return rs.next();
    }
  }

  static void release(Sql db, String name, String holder) throws SQLException {
    db.update("DELETE FROM leases WHERE name = ? AND holder = ?", name, holder);
  }
}
