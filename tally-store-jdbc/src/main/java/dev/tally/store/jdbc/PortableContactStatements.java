package dev.tally.store.jdbc;

import dev.tally.core.model.EventInput;
import dev.tally.core.model.OplogEntry;
import java.sql.SQLException;
import java.util.List;

/**
 * Writes a contact's rows one statement per step, in SQL that SQLite and PostgreSQL both accept.
 * Right where a statement costs no round trip (SQLite runs in the process); checks come first, so a
 * write that cannot happen writes nothing.
 */
public final class PortableContactStatements implements ContactStatements {

  @Override
  public Result insert(Sql db, long ws, String doc, List<Identity> claims, long now)
      throws SQLException {
    if (!db.exists("SELECT 1 FROM workspaces WHERE id = ?", ws)) {
      return Result.workspaceGone();
    }
    Result held = firstHeld(db, ws, claims);
    if (held != null) {
      return held;
    }
    long id =
        db.insert(
            false,
            "INSERT INTO contacts (workspace_id, version, doc) VALUES (?, 1, ?) RETURNING id",
            ws,
            doc);
    claim(db, ws, id, claims);
    return Result.written(
        id, Oplog.append(db, ws, OplogEntry.CONTACT, id, 1, OplogEntry.CREATE, now));
  }

  @Override
  public Result update(
      Sql db,
      long ws,
      long id,
      long version,
      String doc,
      List<Identity> releases,
      List<Identity> claims,
      long now)
      throws SQLException {
    Result held = firstHeld(db, ws, claims);
    if (held != null) {
      return held;
    }
    for (Identity i : releases) {
      db.update(
          "DELETE FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
          ws,
          i.kind(),
          i.value());
    }
    claim(db, ws, id, claims);
    db.update("UPDATE contacts SET version = ?, doc = ? WHERE id = ?", version, doc, id);
    return Result.written(
        id, Oplog.append(db, ws, OplogEntry.CONTACT, id, version, OplogEntry.UPDATE, now));
  }

  @Override
  public Result insertEvent(Sql db, long ws, long contactId, long version, EventInput e, long now)
      throws SQLException {
    long eventId =
        db.insert(
            true,
            "INSERT INTO events (workspace_id, contact_id, name, created_at, metadata) VALUES (?, ?, ?, ?, ?) "
                + "ON CONFLICT DO NOTHING RETURNING id",
            ws,
            contactId,
            e.name(),
            e.createdAt(),
            e.metadataJson());
    if (eventId == 0) {
      return Result.none();
    }
    db.update(
        "INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?) "
            + "ON CONFLICT (contact_id, name) DO UPDATE SET count = event_summaries.count + 1, "
            + "first_at = CASE WHEN excluded.first_at < event_summaries.first_at THEN excluded.first_at ELSE event_summaries.first_at END, "
            + "last_at = CASE WHEN excluded.last_at > event_summaries.last_at THEN excluded.last_at ELSE event_summaries.last_at END",
        contactId,
        e.name(),
        ws,
        e.createdAt(),
        e.createdAt());
    db.update("UPDATE contacts SET version = ? WHERE id = ?", version, contactId);
    Oplog.append(db, ws, OplogEntry.EVENT, eventId, 1, OplogEntry.CREATE, now);
    return Result.written(
        eventId,
        Oplog.append(db, ws, OplogEntry.CONTACT, contactId, version, OplogEntry.UPDATE, now));
  }

  private static Result firstHeld(Sql db, long ws, List<Identity> claims) throws SQLException {
    for (Identity i : claims) {
      Long holder =
          db.queryLong(
              "SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
              ws,
              i.kind(),
              i.value());
      if (holder != null) {
        return Result.heldBy(i, holder);
      }
    }
    return null;
  }

  private static void claim(Sql db, long ws, long contactId, List<Identity> claims)
      throws SQLException {
    for (Identity i : claims) {
      db.update(
          "INSERT INTO identities (workspace_id, kind, value, contact_id) VALUES (?, ?, ?, ?)",
          ws,
          i.kind(),
          i.value(),
          contactId);
    }
  }
}
