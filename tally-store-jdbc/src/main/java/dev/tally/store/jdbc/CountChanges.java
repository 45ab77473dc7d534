package dev.tally.store.jdbc;

import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;
import java.util.StringJoiner;

/**
 * The per-workspace contact-count changes of a batch, summed, written once per workspace just
 * before the commit and inside the same transaction, so the counts still move with the data.
 */
public final class CountChanges {
  private static final String UPDATE =
      "UPDATE workspaces SET contact_count = contact_count + ? WHERE id = ?";
  private final Map<Long, Long> contactCounts = new HashMap<>();

  void add(Map<Long, Long> changes) {
    changes.forEach((ws, d) -> contactCounts.merge(ws, d, Long::sum));
  }

  /** Writes the changes, one prepared statement per workspace. */
  public void apply(Sql db) throws SQLException {
    for (Map.Entry<Long, Long> e : contactCounts.entrySet()) {
      if (e.getValue() != 0) {
        db.update(UPDATE, e.getValue(), e.getKey());
      }
    }
  }

  /**
   * The changes as SQL with the numbers written in (they are longs, so nothing can be injected),
   * each statement followed by "; ", for sending in one round trip with the commit; "" when none.
   */
  public String inlined() {
    StringJoiner sql = new StringJoiner("; ", "", "; ").setEmptyValue("");
    contactCounts.forEach(
        (ws, d) -> {
          if (d != 0) {
            sql.add(
                "UPDATE workspaces SET contact_count = contact_count + " + d + " WHERE id = " + ws);
          }
        });
    return sql.toString();
  }
}
