package dev.tally.store.postgres;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.CustomAttributeTyping;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.FieldType;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.model.ContactCodec;
import dev.tally.core.store.WriteTx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The write operations of one transaction on the writer connection. Each keeps the document, its
 * version, identities, summaries and counts consistent and appends one oplog entry per change.
 * Client mistakes are thrown as TallyException before or after SQL runs; the writer rolls the
 * task back to its savepoint either way, so nothing is half-written.
 */
final class PgWriteTx implements WriteTx {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final String EXTERNAL_ID = "external_id";
  static final String EMAIL = "email";

  private final Sql db;
  private final long now;
  private long lastPosition;

  PgWriteTx(Sql sql, long nowSeconds) {
    this.db = sql;
    this.now = nowSeconds;
  }

  /** The position of the last oplog entry this task appended, or 0. */
  long lastPosition() {
    return lastPosition;
  }

  long now() {
    return now;
  }

  // ---- workspaces and tokens ----

  @Override
  public Workspace createWorkspace(String name) {
    try {
      if (exists("SELECT 1 FROM workspaces WHERE name = ?", name)) {
        throw TallyException.conflict("a workspace named " + TallyException.quote(name) + " already exists");
      }
      long id = insert("INSERT INTO workspaces (name, created_at) VALUES (?, ?) RETURNING id", name, now);
      oplog(id, OplogEntry.WORKSPACE, id, 1, OplogEntry.CREATE);
      return new Workspace(id, name, now);
    } catch (SQLException e) {
      throw PgErrors.wrap("create workspace", e);
    }
  }

  @Override
  public void deleteWorkspace(long ws) {
    try {
      requireWorkspace(ws);
      for (String sql : List.of(
          "DELETE FROM identities WHERE workspace_id = ?",
          "DELETE FROM event_summaries WHERE workspace_id = ?",
          "DELETE FROM events WHERE workspace_id = ?",
          "DELETE FROM contacts WHERE workspace_id = ?",
          "DELETE FROM data_attributes WHERE workspace_id = ?",
          "DELETE FROM idempotency_keys WHERE workspace_id = ?",
          "DELETE FROM workspace_tokens WHERE workspace_id = ?",
          "DELETE FROM workspaces WHERE id = ?")) {
        update(sql, ws);
      }
      oplog(ws, OplogEntry.WORKSPACE, ws, 2, OplogEntry.DELETE);
    } catch (SQLException e) {
      throw PgErrors.wrap("delete workspace " + ws, e);
    }
  }

  @Override
  public TokenInfo addToken(long ws, String tokenHash, String prefix) {
    try {
      requireWorkspace(ws);
      long id = insert("INSERT INTO workspace_tokens (workspace_id, token_hash, prefix, created_at) VALUES (?, ?, ?, ?) RETURNING id",
          ws, tokenHash, prefix, now);
      return new TokenInfo(id, ws, prefix, now);
    } catch (SQLException e) {
      throw PgErrors.wrap("add token", e);
    }
  }

  @Override
  public void revokeToken(long ws, long tokenId) {
    try {
      requireWorkspace(ws);
      if (update("DELETE FROM workspace_tokens WHERE workspace_id = ? AND id = ?", ws, tokenId) == 0) {
        throw TallyException.notFound("token", Ids.format(tokenId));
      }
    } catch (SQLException e) {
      throw PgErrors.wrap("revoke token", e);
    }
  }

  @Override
  public void addAdminToken(String tokenHash) {
    try {
      update("INSERT INTO admin_tokens (token_hash, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING", tokenHash, now);
    } catch (SQLException e) {
      throw PgErrors.wrap("add admin token", e);
    }
  }

  // ---- contacts ----

  @Override
  public Contact createContact(long ws, ContactPatch patch) {
    try {
      // Counting first also checks that the workspace exists (a failure later undoes it).
      if (update("UPDATE workspaces SET contact_count = contact_count + 1 WHERE id = ?", ws) == 0) {
        throw TallyException.notFound("workspace", Ids.format(ws));
      }
      Map<String, Object> custom = CustomAttributeTyping.resolve(patch.custom(), definitions(ws));
      Contact draft = patch.applyTo(new Contact(0, ws, 0, Map.of(), Map.of()), 1, now, custom);
      long id = insert("INSERT INTO contacts (workspace_id, version, doc) VALUES (?, 1, ?) RETURNING id", ws, ContactCodec.encode(draft));
      Contact created = new Contact(id, ws, 1, draft.fields(), draft.custom());
      claimIdentities(created, null);
      oplog(ws, OplogEntry.CONTACT, id, 1, OplogEntry.CREATE);
      return created;
    } catch (SQLException e) {
      throw PgErrors.wrap("create contact", e);
    }
  }

  @Override
  public Contact updateContact(long ws, long id, ContactPatch patch) {
    try {
      Contact before = loadContact(ws, id);
      Map<String, Object> custom = CustomAttributeTyping.resolve(patch.custom(), definitions(ws));
      Contact after = patch.applyTo(before, before.version() + 1, now, custom);
      claimIdentities(after, before);
      update("UPDATE contacts SET version = ?, doc = ? WHERE id = ?", after.version(), ContactCodec.encode(after), id);
      oplog(ws, OplogEntry.CONTACT, id, after.version(), OplogEntry.UPDATE);
      return after;
    } catch (SQLException e) {
      throw PgErrors.wrap("update contact " + id, e);
    }
  }

  @Override
  public Upserted upsertContact(long ws, String externalId, ContactPatch patch) {
    try {
      Long id = queryLong("SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?", ws, EXTERNAL_ID, externalId);
      return id == null ? new Upserted(createContact(ws, patch), true) : new Upserted(updateContact(ws, id, patch), false);
    } catch (SQLException e) {
      throw PgErrors.wrap("upsert contact", e);
    }
  }

  @Override
  public Contact deleteContact(long ws, long id) {
    try {
      Contact before = loadContact(ws, id);
      update("DELETE FROM identities WHERE contact_id = ?", id);
      update("DELETE FROM event_summaries WHERE contact_id = ?", id);
      update("DELETE FROM events WHERE contact_id = ?", id);
      update("DELETE FROM contacts WHERE id = ?", id);
      update("UPDATE workspaces SET contact_count = contact_count - 1 WHERE id = ?", ws);
      // A stored idempotent response may hold the contact's data: keep only its id.
      String redacted = JSON.createObjectNode().put("type", "contact").put("id", Ids.format(id)).put("deleted", true).toString();
      update("UPDATE idempotency_keys SET body = ? WHERE contact_id = ?", redacted, id);
      oplog(ws, OplogEntry.CONTACT, id, before.version() + 1, OplogEntry.DELETE);
      return before;
    } catch (SQLException e) {
      throw PgErrors.wrap("delete contact " + id, e);
    }
  }

  /** Makes the identity rows match {@code after}: users hold their external_id and email, leads none. */
  private void claimIdentities(Contact after, Contact before) throws SQLException {
    String[][] kinds = {{EXTERNAL_ID, identity(after, ContactField.EXTERNAL_ID)}, {EMAIL, identity(after, ContactField.EMAIL)}};
    for (String[] kv : kinds) {
      String kind = kv[0];
      String value = after.isUser() ? kv[1] : null;
      String old = before == null || !before.isUser() ? null
          : identity(before, kind.equals(EMAIL) ? ContactField.EMAIL : ContactField.EXTERNAL_ID);
      if (value != null && value.equals(old)) {
        continue;
      }
      if (old != null) {
        update("DELETE FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?", after.workspaceId(), kind, old);
      }
      if (value != null) {
        Long holder = queryLong("SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
            after.workspaceId(), kind, value);
        if (holder != null) {
          throw TallyException.conflict("A contact matching those details already exists with id=" + Ids.format(holder)
              + " (" + kind + " " + TallyException.quote(value) + " belongs to it)");
        }
        update("INSERT INTO identities (workspace_id, kind, value, contact_id) VALUES (?, ?, ?, ?)",
            after.workspaceId(), kind, value, after.id());
      }
    }
  }

  static String identity(Contact c, ContactField f) {
    String v = c.string(f);
    if (v == null) {
      return null;
    }
    return f == ContactField.EMAIL ? v.toLowerCase(Locale.ROOT) : v;
  }

  Contact loadContact(long ws, long id) throws SQLException {
    try (ResultSet rs = db.prepare("SELECT version, doc FROM contacts WHERE id = ? AND workspace_id = ?", id, ws).executeQuery()) {
      if (!rs.next()) {
        throw TallyException.notFound("contact", Ids.format(id));
      }
      return ContactCodec.decode(id, ws, rs.getLong(1), rs.getString(2));
    }
  }

  // ---- events ----

  @Override
  public boolean recordEvent(long ws, EventInput e) {
    try {
      Contact contact = findContact(ws, e.contact())
          .orElseThrow(() -> new TallyException(TallyException.Kind.NOT_FOUND, "not_found", null, e.contact().describe() + " not found"));
      long eventId = insert("INSERT INTO events (workspace_id, contact_id, name, created_at, metadata) VALUES (?, ?, ?, ?, ?) "
          + "ON CONFLICT DO NOTHING RETURNING id",
          ws, contact.id(), e.name(), e.createdAt(), e.metadataJson());
      if (eventId == 0) {
        return false;
      }
      update("INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) VALUES (?, ?, ?, 1, ?, ?) "
          + "ON CONFLICT (contact_id, name) DO UPDATE SET count = event_summaries.count + 1, "
          + "first_at = LEAST(event_summaries.first_at, excluded.first_at), last_at = GREATEST(event_summaries.last_at, excluded.last_at)", contact.id(), e.name(), ws, e.createdAt(), e.createdAt());
      long version = contact.version() + 1;
      update("UPDATE contacts SET version = ? WHERE id = ?", version, contact.id());
      oplog(ws, OplogEntry.EVENT, eventId, 1, OplogEntry.CREATE);
      oplog(ws, OplogEntry.CONTACT, contact.id(), version, OplogEntry.UPDATE);
      return true;
    } catch (SQLException ex) {
      throw PgErrors.wrap("record event", ex);
    }
  }

  Optional<Contact> findContact(long ws, ContactRef ref) throws SQLException {
    return PgReads.findContact(db, ws, ref);
  }

  // ---- data attributes ----

  @Override
  public DataAttribute createDataAttribute(long ws, DataAttributeInput in) {
    try {
      requireWorkspace(ws);
      if (exists("SELECT 1 FROM data_attributes WHERE workspace_id = ? AND name = ?", ws, in.name())) {
        throw TallyException.invalid("name", "You already have " + TallyException.quote(in.name())
            + " in your contact data; choose another name");
      }
      return defineAttribute(ws, in.name(), in.type(), in.description(), in.options(), in.messengerWritable());
    } catch (SQLException e) {
      throw PgErrors.wrap("create data attribute", e);
    }
  }

  private DataAttribute defineAttribute(long ws, String name, FieldType type, String description, List<String> options,
      boolean messengerWritable) throws SQLException {
    long id = insert("INSERT INTO data_attributes (workspace_id, name, data_type, description, options, messenger_writable, "
        + "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?) RETURNING id", ws, name, type.apiName(), description,
        JSON.valueToTree(options).toString(), messengerWritable, now, now);
    oplog(ws, OplogEntry.DATA_ATTRIBUTE, id, 1, OplogEntry.CREATE);
    return new DataAttribute(id, ws, name, type, description, options, messengerWritable, false, now, now);
  }

  private CustomAttributeTyping.Definitions definitions(long ws) {
    return new CustomAttributeTyping.Definitions() {
      @Override
      public FieldType typeOf(String name) {
        try {
          String t = queryString("SELECT data_type FROM data_attributes WHERE workspace_id = ? AND name = ?", ws, name);
          return t == null ? null : FieldType.fromApiName(t);
        } catch (SQLException e) {
          throw PgErrors.wrap("read data attribute", e);
        }
      }

      @Override
      public void define(String name, FieldType type) {
        try {
          defineAttribute(ws, name, type, null, List.of(), false);
        } catch (SQLException e) {
          throw PgErrors.wrap("define data attribute", e);
        }
      }
    };
  }

  // ---- oplog and idempotency ----

  private void oplog(long ws, String entity, long entityId, long version, String op) throws SQLException {
    lastPosition = insert("INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at) VALUES (?, ?, ?, ?, ?, ?) RETURNING position",
        ws, entity, entityId, version, op, now);
  }

  // ---- retention ----

  @Override
  public int pruneOplog(long beforeEpochSeconds) {
    try {
      Long newest = queryLong("SELECT MAX(position) FROM oplog");
      Long highest = queryLong("SELECT MAX(position) FROM oplog WHERE at < ? AND position < ?", beforeEpochSeconds,
          newest == null ? 0 : newest);
      if (highest == null) {
        return 0;
      }
      int removed = update("DELETE FROM oplog WHERE position <= ?", highest);
      update("UPDATE oplog_floor SET position = ? WHERE id = 1 AND position < ?", highest, highest);
      return removed;
    } catch (SQLException e) {
      throw PgErrors.wrap("prune the oplog", e);
    }
  }

  // ---- helpers ----

  private void requireWorkspace(long ws) throws SQLException {
    if (!exists("SELECT 1 FROM workspaces WHERE id = ?", ws)) {
      throw TallyException.notFound("workspace", Ids.format(ws));
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    return db.update(sql, args);
  }

  private long insert(String sql, Object... args) throws SQLException {
    long id = db.insert(sql, args);
    if (id == 0 && !sql.contains("ON CONFLICT DO NOTHING")) {
      throw new SQLException("insert returned no key: " + sql);
    }
    return id;
  }

  private boolean exists(String sql, Object... args) throws SQLException {
    return db.exists(sql, args);
  }

  private Long queryLong(String sql, Object... args) throws SQLException {
    return db.queryLong(sql, args);
  }

  private String queryString(String sql, Object... args) throws SQLException {
    return db.queryString(sql, args);
  }
}
