package dev.tally.store.jdbc;

import dev.tally.core.model.Campaign;
import dev.tally.core.model.Page;
import dev.tally.core.model.Send;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** The reads of campaigns, the send queue and the kill switch, for every dialect. */
final class MessagingReads {
  private static final String CAMPAIGN_COLUMNS =
      "SELECT id, workspace_id, name, state, definition, version, created_at, updated_at, "
          + "started_at, start_position, fanned_out_at FROM campaigns ";

  static final String SEND_COLUMNS =
      "SELECT s.id, s.workspace_id, s.campaign_id, s.step, s.contact_id, s.occurrence, s.state, "
          + "s.reason, s.due_at, s.expires_at, s.attempts, s.last_status, s.created_at, "
          + "s.updated_at, s.sent_at FROM sends s ";

  Optional<Campaign> campaign(Sql db, long ws, long id) throws SQLException {
    List<Campaign> c =
        campaigns(db.prepare(CAMPAIGN_COLUMNS + "WHERE id = ? AND workspace_id = ?", id, ws));
    return c.isEmpty() ? Optional.empty() : Optional.of(c.get(0));
  }

  /** Every workspace's running campaigns, in id order. */
  List<Campaign> running(Sql db) throws SQLException {
    return campaigns(
        db.prepare(CAMPAIGN_COLUMNS + "WHERE state = 'running' AND kind = 'campaign' ORDER BY id"));
  }

  /** How far the fan-out called {@code name} has read the oplog (null: never started). */
  Long cursor(Sql db, String name) throws SQLException {
    return db.queryLong("SELECT position FROM messaging_cursors WHERE name = ?", name);
  }

  List<Campaign> campaigns(Sql db, long ws) throws SQLException {
    return campaigns(
        db.prepare(
            CAMPAIGN_COLUMNS + "WHERE workspace_id = ? AND kind = 'campaign' ORDER BY id", ws));
  }

  /** How many sends of the campaign are in each state (states without any are left out). */
  Map<String, Long> sendCounts(Sql db, long campaignId) throws SQLException {
    Map<String, Long> out = new LinkedHashMap<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT state, COUNT(*) FROM sends WHERE campaign_id = ? GROUP BY state ORDER BY state",
                campaignId)
            .executeQuery()) {
      while (rs.next()) {
        out.put(rs.getString(1), rs.getLong(2));
      }
    }
    return out;
  }

  Page<Send> sends(Sql db, long ws, long campaignId, String state, long afterId, int limit)
      throws SQLException {
    List<Send> out =
        sends(
            state == null
                ? db.prepare(
                    SEND_COLUMNS
                        + "WHERE s.campaign_id = ? AND s.workspace_id = ? AND s.id > ? "
                        + "ORDER BY s.id LIMIT ?",
                    campaignId,
                    ws,
                    afterId,
                    limit + 1)
                : db.prepare(
                    SEND_COLUMNS
                        + "WHERE s.campaign_id = ? AND s.workspace_id = ? AND s.state = ? "
                        + "AND s.id > ? ORDER BY s.id LIMIT ?",
                    campaignId,
                    ws,
                    state,
                    afterId,
                    limit + 1));
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  Optional<Send> send(Sql db, long id) throws SQLException {
    List<Send> s = sends(db.prepare(SEND_COLUMNS + "WHERE s.id = ?", id));
    return s.isEmpty() ? Optional.empty() : Optional.of(s.get(0));
  }

  /** How many sends were delivered to the contact since {@code sinceMillis}, in any campaign. */
  long sentSince(Sql db, long ws, long contactId, long sinceMillis) throws SQLException {
    Long n =
        db.queryLong(
            "SELECT COUNT(*) FROM sends WHERE workspace_id = ? AND contact_id = ? "
                + "AND state = 'sent' AND sent_at >= ?",
            ws,
            contactId,
            sinceMillis);
    return n == null ? 0 : n;
  }

  /**
   * The sends due by {@code nowMillis} and not final, and the oldest due time; the partial index
   * sends_due (due_at, id) WHERE state IN ('queued', 'held') answers it without reading rows.
   */
  Send.Backlog backlog(Sql db, long nowMillis) throws SQLException {
    try (ResultSet rs =
        db.prepare(
                "SELECT COUNT(*), MIN(due_at) FROM sends "
                    + "WHERE state IN ('queued', 'held') AND due_at <= ?",
                nowMillis)
            .executeQuery()) {
      rs.next();
      long due = rs.getLong(1);
      long oldest = rs.getLong(2);
      return new Send.Backlog(due, rs.wasNull() ? 0 : oldest);
    }
  }

  /** The workspaces whose messaging is paused, with when; 0 among them: every workspace's. */
  Map<Long, Long> paused(Sql db) throws SQLException {
    Map<Long, Long> out = new LinkedHashMap<>();
    try (ResultSet rs =
        db.prepare("SELECT workspace_id, paused_at FROM messaging_pauses ORDER BY workspace_id")
            .executeQuery()) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** The sends not final, by state and reason: the rows of the partial index sends_due. */
  List<Send.Waiting> waiting(Sql db) throws SQLException {
    List<Send.Waiting> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT state, reason, COUNT(*) FROM sends WHERE state IN ('queued', 'held') "
                    + "GROUP BY state, reason ORDER BY state, reason")
            .executeQuery()) {
      while (rs.next()) {
        out.add(new Send.Waiting(rs.getString(1), rs.getString(2), rs.getLong(3)));
      }
    }
    return out;
  }

  static List<Send> sends(PreparedStatement query) throws SQLException {
    List<Send> out = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Send(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getInt(4),
                rs.getLong(5),
                rs.getLong(6),
                rs.getString(7),
                rs.getString(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getInt(11),
                (Integer) nullable(rs, 12, rs.getInt(12)),
                rs.getLong(13),
                rs.getLong(14),
                (Long) nullable(rs, 15, rs.getLong(15))));
      }
    }
    return out;
  }

  private static List<Campaign> campaigns(PreparedStatement query) throws SQLException {
    List<Campaign> out = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        out.add(
            new Campaign(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getLong(6),
                rs.getLong(7),
                rs.getLong(8),
                (Long) nullable(rs, 9, rs.getLong(9)),
                (Long) nullable(rs, 10, rs.getLong(10)),
                (Long) nullable(rs, 11, rs.getLong(11))));
      }
    }
    return out;
  }

  /** {@code value} (just read from column {@code column}), or null when that column was NULL. */
  private static Object nullable(ResultSet rs, int column, Object value) throws SQLException {
    return rs.wasNull() ? null : value;
  }
}
