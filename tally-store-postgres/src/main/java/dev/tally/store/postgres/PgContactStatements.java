package dev.tally.store.postgres;

import dev.tally.core.model.EventInput;
import dev.tally.core.model.OplogEntry;
import dev.tally.store.jdbc.ContactStatements;
import dev.tally.store.jdbc.Identity;
import dev.tally.store.jdbc.Sql;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A contact's rows written by one statement each: the document, its identities and its oplog entry
 * (or an event, its summary, the contact's new version and both oplog entries) in data-modifying
 * CTEs, so a write costs one round trip instead of one per step. Each statement first looks for
 * claimed identities held by another contact and writes nothing when it finds one; since writes run
 * under the oplog lock (see {@link PgSession}), a statement started after it sees every committed
 * identity, so that look is exact. The unique keys stay the last line of defence.
 *
 * <p>Hazard: the writer's statements are prepared once and run for the life of its connection, so
 * PostgreSQL may plan them once, generically, when the tables are still empty. Every row is
 * therefore found by equality on all the columns of a key, bound as parameters: a plan that scans a
 * whole workspace's identities (which PostgreSQL chose for an identity lookup written as a join,
 * and kept as the table grew) cannot arise. A contact has at most one identity of each kind, so
 * each kind is a parameter of its own (null: none).
 */
final class PgContactStatements implements ContactStatements {

  /**
   * The claimed identities someone holds: (kind, value, holder) for the external_id, then the
   * email.
   */
  private static final String HELD =
      "held AS ("
          + "SELECT 'external_id'::text AS kind, i.value, i.contact_id FROM identities i "
          + "WHERE i.workspace_id = ?::bigint AND i.kind = 'external_id' AND i.value = ?::text "
          + "UNION ALL SELECT 'email'::text, i.value, i.contact_id FROM identities i "
          + "WHERE i.workspace_id = ?::bigint AND i.kind = 'email' AND i.value = ?::text), ";

  /**
   * The claimed identities as rows, for the insert into identities: (VALUES (external_id), (email))
   * without the nulls.
   */
  private static final String CLAIMS =
      "(VALUES ('external_id'::text, ?::text), ('email'::text, ?::text)) AS x(kind, value)";

  /**
   * Rows of the answer: ('written', id, position) or ('held', holder, kind, value) per identity in
   * the way.
   */
  private static final String ANSWER_HELD =
      " UNION ALL SELECT 'held', h.contact_id, 0, h.kind, h.value FROM held h";

  static final String INSERT =
      "WITH "
          + HELD
          + "c AS (INSERT INTO contacts (workspace_id, version, doc) SELECT w.id, 1, ?::text FROM workspaces w "
          + "WHERE w.id = ?::bigint AND NOT EXISTS (SELECT 1 FROM held) RETURNING id), "
          + "i AS (INSERT INTO identities (workspace_id, kind, value, contact_id) SELECT ?::bigint, x.kind, x.value, c.id FROM c, "
          + CLAIMS
          + " WHERE x.value IS NOT NULL), "
          + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) SELECT ?::bigint, ?::text, c.id, 1, ?::text, ?::bigint "
          + "FROM c RETURNING position) "
          + "SELECT 'written', c.id, o.position, NULL::text, NULL::text FROM c, o"
          + ANSWER_HELD;

  static final String UPDATE =
      "WITH "
          + HELD
          + "u AS (UPDATE contacts SET version = ?::bigint, doc = ?::text WHERE id = ?::bigint AND NOT EXISTS (SELECT 1 FROM held) "
          + "RETURNING id), "
          + "d1 AS (DELETE FROM identities i USING u WHERE i.workspace_id = ?::bigint AND i.kind = 'external_id' AND i.value = ?::text), "
          + "d2 AS (DELETE FROM identities i USING u WHERE i.workspace_id = ?::bigint AND i.kind = 'email' AND i.value = ?::text), "
          + "i AS (INSERT INTO identities (workspace_id, kind, value, contact_id) SELECT ?::bigint, x.kind, x.value, u.id FROM u, "
          + CLAIMS
          + " WHERE x.value IS NOT NULL), "
          + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) SELECT ?::bigint, ?::text, u.id, ?::bigint, ?::text, "
          + "?::bigint FROM u RETURNING position) "
          + "SELECT 'written', u.id, o.position, NULL::text, NULL::text FROM u, o"
          + ANSWER_HELD;

  static final String EVENT =
      "WITH "
          + "e AS (INSERT INTO events (workspace_id, contact_id, name, created_at, metadata) VALUES (?::bigint, ?::bigint, ?::text, ?::bigint, "
          + "?::text) ON CONFLICT DO NOTHING RETURNING id, contact_id, name, created_at, workspace_id), "
          + "s AS (INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) "
          + "SELECT e.contact_id, e.name, e.workspace_id, 1, e.created_at, e.created_at FROM e ON CONFLICT (contact_id, name) DO UPDATE SET "
          + "count = event_summaries.count + 1, first_at = LEAST(event_summaries.first_at, excluded.first_at), "
          + "last_at = GREATEST(event_summaries.last_at, excluded.last_at)), "
          + "u AS (UPDATE contacts SET version = ?::bigint WHERE id = ?::bigint AND EXISTS (SELECT 1 FROM e)), "
          + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) "
          + "SELECT e.workspace_id, x.entity, x.entity_id, x.version, x.op, ?::bigint FROM e, LATERAL (VALUES "
          + "(1, ?::text, e.id, 1::bigint, ?::text), (2, ?::text, e.contact_id, ?::bigint, ?::text)) AS x(n, entity, entity_id, version, op) "
          + "ORDER BY x.n RETURNING position) "
          + "SELECT e.id, (SELECT max(position) FROM o) FROM e";

  @Override
  public Result insert(Sql db, long ws, String doc, List<Identity> claims, long now)
      throws SQLException {
    String ext = value(claims, Identity.EXTERNAL_ID);
    String email = value(claims, Identity.EMAIL);
    try (ResultSet rs =
        db.prepare(
                INSERT,
                ws,
                ext,
                ws,
                email,
                doc,
                ws,
                ws,
                ext,
                email,
                ws,
                OplogEntry.CONTACT,
                OplogEntry.CREATE,
                now)
            .executeQuery()) {
      return answer(rs, claims, Result.workspaceGone());
    }
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
    String ext = value(claims, Identity.EXTERNAL_ID);
    String email = value(claims, Identity.EMAIL);
    try (ResultSet rs =
        db.prepare(
                UPDATE,
                ws,
                ext,
                ws,
                email,
                version,
                doc,
                id,
                ws,
                value(releases, Identity.EXTERNAL_ID),
                ws,
                value(releases, Identity.EMAIL),
                ws,
                ext,
                email,
                ws,
                OplogEntry.CONTACT,
                version,
                OplogEntry.UPDATE,
                now)
            .executeQuery()) {
      return answer(rs, claims, null);
    }
  }

  @Override
  public Result insertEvent(Sql db, long ws, long contactId, long version, EventInput e, long now)
      throws SQLException {
    try (ResultSet rs =
        db.prepare(
                EVENT,
                ws,
                contactId,
                e.name(),
                e.createdAt(),
                e.metadataJson(),
                version,
                contactId,
                now,
                OplogEntry.EVENT,
                OplogEntry.CREATE,
                OplogEntry.CONTACT,
                version,
                OplogEntry.UPDATE)
            .executeQuery()) {
      return rs.next() ? Result.written(rs.getLong(1), rs.getLong(2)) : Result.none();
    }
  }

  /**
   * The written row, else the first claimed identity (in claim order) that someone holds, else
   * {@code otherwise}.
   */
  private static Result answer(ResultSet rs, List<Identity> claims, Result otherwise)
      throws SQLException {
    Result held = null;
    int heldAt = Integer.MAX_VALUE;
    while (rs.next()) {
      if (rs.getString(1).equals("written")) {
        return Result.written(rs.getLong(2), rs.getLong(3));
      }
      Identity identity = new Identity(rs.getString(4), rs.getString(5));
      int at = claims.indexOf(identity);
      if (at < heldAt) {
        heldAt = at;
        held = Result.heldBy(identity, rs.getLong(2));
      }
    }
    if (held != null) {
      return held;
    }
    if (otherwise == null) {
      throw new SQLException("the contact update wrote nothing, yet no identity is in its way");
    }
    return otherwise;
  }

  /** The value of the identity of this kind, or null (a contact has at most one of each kind). */
  private static String value(List<Identity> identities, String kind) {
    for (Identity i : identities) {
      if (i.kind().equals(kind)) {
        return i.value();
      }
    }
    return null;
  }
}
