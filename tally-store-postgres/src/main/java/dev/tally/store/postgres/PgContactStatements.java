package dev.tally.store.postgres;

import dev.tally.core.model.EventInput;
import dev.tally.core.model.OplogEntry;
import dev.tally.store.jdbc.ContactStatements;
import dev.tally.store.jdbc.Identity;
import dev.tally.store.jdbc.Sql;
import java.sql.Array;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;

/**
 * A contact's rows written by one statement each: the document, its identities and its oplog entry
 * (or an event, its summary, the contact's new version and both oplog entries) in data-modifying
 * CTEs, so a write costs one round trip instead of one per step. Each statement first looks for
 * claimed identities held by another contact and writes nothing when it finds one; since writes
 * run under the oplog lock (see {@link PgSession}), a statement started after it sees every
 * committed identity, so that look is exact. The unique keys stay the last line of defence.
 */
final class PgContactStatements implements ContactStatements {

  /** Claimed identities held by someone: shared by the insert and the update. */
  private static final String CLAIMS_AND_HELD = "claims AS (SELECT * FROM unnest(?::text[], ?::text[]) AS c(kind, value)), "
      + "held AS (SELECT i.kind, i.value, i.contact_id FROM identities i JOIN claims c ON i.kind = c.kind AND i.value = c.value, p "
      + "WHERE i.workspace_id = p.ws), ";

  /** Rows of the answer: ('written', id, position) or ('held', holder, kind, value) per identity in the way. */
  private static final String ANSWER_HELD = " UNION ALL SELECT 'held', h.contact_id, 0, h.kind, h.value FROM held h";

  private static final String INSERT = "WITH p AS (SELECT ?::bigint AS ws, ?::text AS doc, ?::bigint AS now, ?::text AS entity, "
      + "?::text AS op), " + CLAIMS_AND_HELD
      + "w AS (SELECT w.id FROM workspaces w, p WHERE w.id = p.ws AND NOT EXISTS (SELECT 1 FROM held)), "
      + "c AS (INSERT INTO contacts (workspace_id, version, doc) SELECT w.id, 1, p.doc FROM w, p RETURNING id), "
      + "i AS (INSERT INTO identities (workspace_id, kind, value, contact_id) SELECT p.ws, cl.kind, cl.value, c.id FROM p, claims cl, c), "
      + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) SELECT p.ws, p.entity, c.id, 1, p.op, p.now "
      + "FROM p, c RETURNING position) "
      + "SELECT 'written', c.id, o.position, NULL::text, NULL::text FROM c, o" + ANSWER_HELD;

  private static final String UPDATE = "WITH p AS (SELECT ?::bigint AS ws, ?::bigint AS id, ?::bigint AS version, ?::text AS doc, "
      + "?::bigint AS now, ?::text AS entity, ?::text AS op), " + CLAIMS_AND_HELD
      + "releases AS (SELECT * FROM unnest(?::text[], ?::text[]) AS r(kind, value)), "
      + "u AS (UPDATE contacts SET version = p.version, doc = p.doc FROM p WHERE contacts.id = p.id AND NOT EXISTS (SELECT 1 FROM held) "
      + "RETURNING contacts.id), "
      + "d AS (DELETE FROM identities i USING p, releases r, u WHERE i.workspace_id = p.ws AND i.kind = r.kind AND i.value = r.value), "
      + "ins AS (INSERT INTO identities (workspace_id, kind, value, contact_id) SELECT p.ws, cl.kind, cl.value, u.id FROM p, claims cl, u), "
      + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) SELECT p.ws, p.entity, u.id, p.version, p.op, p.now "
      + "FROM p, u RETURNING position) "
      + "SELECT 'written', u.id, o.position, NULL::text, NULL::text FROM u, o" + ANSWER_HELD;

  private static final String EVENT = "WITH p AS (SELECT ?::bigint AS ws, ?::bigint AS cid, ?::text AS name, ?::bigint AS at, "
      + "?::text AS meta, ?::bigint AS version, ?::bigint AS now), "
      + "e AS (INSERT INTO events (workspace_id, contact_id, name, created_at, metadata) SELECT ws, cid, name, at, meta FROM p "
      + "ON CONFLICT DO NOTHING RETURNING id), "
      + "s AS (INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) "
      + "SELECT p.cid, p.name, p.ws, 1, p.at, p.at FROM p, e ON CONFLICT (contact_id, name) DO UPDATE SET "
      + "count = event_summaries.count + 1, first_at = LEAST(event_summaries.first_at, excluded.first_at), "
      + "last_at = GREATEST(event_summaries.last_at, excluded.last_at)), "
      + "u AS (UPDATE contacts SET version = p.version FROM p, e WHERE contacts.id = p.cid), "
      + "o AS (INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) "
      + "SELECT p.ws, x.entity, x.entity_id, x.version, x.op, p.now FROM p, e, LATERAL (VALUES "
      + "(1, ?::text, e.id, 1::bigint, ?::text), (2, ?::text, p.cid, p.version, ?::text)) AS x(n, entity, entity_id, version, op) "
      + "ORDER BY x.n RETURNING position) "
      + "SELECT e.id, (SELECT max(position) FROM o) FROM e";

  @Override
  public Result insert(Sql db, long ws, String doc, List<Identity> claims, long now) throws SQLException {
    Array[] c = arrays(db, claims);
    try (ResultSet rs = db.prepare(INSERT, ws, doc, now, OplogEntry.CONTACT, OplogEntry.CREATE, c[0], c[1]).executeQuery()) {
      return answer(rs, claims, Result.workspaceGone());
    }
  }

  @Override
  public Result update(Sql db, long ws, long id, long version, String doc, List<Identity> releases, List<Identity> claims, long now)
      throws SQLException {
    Array[] c = arrays(db, claims);
    Array[] r = arrays(db, releases);
    try (ResultSet rs = db.prepare(UPDATE, ws, id, version, doc, now, OplogEntry.CONTACT, OplogEntry.UPDATE, c[0], c[1], r[0], r[1])
        .executeQuery()) {
      return answer(rs, claims, null);
    }
  }

  @Override
  public Result insertEvent(Sql db, long ws, long contactId, long version, EventInput e, long now) throws SQLException {
    try (ResultSet rs = db.prepare(EVENT, ws, contactId, e.name(), e.createdAt(), e.metadataJson(), version, now,
        OplogEntry.EVENT, OplogEntry.CREATE, OplogEntry.CONTACT, OplogEntry.UPDATE).executeQuery()) {
      return rs.next() ? Result.written(rs.getLong(1), rs.getLong(2)) : Result.none();
    }
  }

  /** The written row, else the first claimed identity (in claim order) that someone holds, else {@code otherwise}. */
  private static Result answer(ResultSet rs, List<Identity> claims, Result otherwise) throws SQLException {
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

  /** The kinds and the values of identities, as two text arrays for unnest. */
  private static Array[] arrays(Sql db, List<Identity> identities) throws SQLException {
    String[] kinds = new String[identities.size()];
    String[] values = new String[identities.size()];
    for (int i = 0; i < kinds.length; i++) {
      kinds[i] = identities.get(i).kind();
      values[i] = identities.get(i).value();
    }
    return new Array[] {db.connection().createArrayOf("text", kinds), db.connection().createArrayOf("text", values)};
  }
}
