package dev.tally.store.jdbc;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Company;
import dev.tally.core.model.CompanyInput;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactCodec;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.CustomAttributeTyping;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.DataAttributeUpdate;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.EventSummariesInput;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.FieldType;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Segment;
import dev.tally.core.model.Tag;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.query.Field;
import dev.tally.core.store.WorkspaceLimits;
import dev.tally.core.store.WriteTx;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The write operations of one task on the writer's connection, for every dialect. Each keeps the
 * document, its version, identities, summaries and counts consistent and appends one oplog entry
 * per change. Client mistakes are thrown as TallyException; the writer undoes the task either way,
 * so nothing is half-written. How a contact's rows are written is the dialect's {@link
 * ContactStatements}; what is written, and every check, is decided here, once.
 *
 * <p>The caps on distinct event names and custom attributes per workspace ({@link WorkspaceLimits})
 * are checked here by counting rows inside the write transaction, which holds the write lock (the
 * one writer connection on SQLite, the oplog's advisory lock on PostgreSQL, for every process): the
 * count sees every committed name and this batch's own, so racing writers cannot pass the cap
 * together. Only a name the workspace does not have yet costs the count; a known one is answered
 * from the writer's caches of committed names.
 */
public final class JdbcWriteTx implements WriteTx {
  private static final ObjectMapper JSON = new ObjectMapper();

  /** Whether a workspace has an event name (public for the tests of PostgreSQL's plans). */
  public static final String EVENT_NAME_KNOWN =
      "SELECT 1 FROM event_names WHERE workspace_id = ? AND name = ?";

  /** How many event names a workspace has. */
  public static final String EVENT_NAME_COUNT =
      "SELECT COUNT(*) FROM event_names WHERE workspace_id = ?";

  /** How many custom attributes of one model a workspace has (the cap is per model). */
  public static final String ATTRIBUTE_COUNT =
      "SELECT COUNT(*) FROM data_attributes WHERE workspace_id = ? AND model = ?";

  private final Sql db;
  private final Dialect dialect;
  private final JdbcReads reads;
  private final ContactStatements contacts;
  private final Batch batch;
  private final long now;
  private long lastPosition;
  private final Map<Long, Long> countChanges = new HashMap<>();
  private final Map<AttributeTypes.Key, FieldType> defined = new HashMap<>();
  private final Set<KnownEventNames.Key> registered = new HashSet<>();
  private final WorkspaceLimits limits;
  private final CompanyWrites companies;
  private final MessagingWrites messaging;
  private final SubscriptionWrites subscriptions;

  JdbcWriteTx(
      Sql db,
      Dialect dialect,
      JdbcReads reads,
      Batch batch,
      long nowSeconds,
      WorkspaceLimits limits) {
    this.db = db;
    this.dialect = dialect;
    this.reads = reads;
    this.contacts = dialect.contactStatements();
    this.batch = batch;
    this.now = nowSeconds;
    this.limits = limits;
    this.companies = new CompanyWrites(this, db, reads, nowSeconds);
    this.messaging = new MessagingWrites(this, db, reads.messaging, nowSeconds);
    this.subscriptions = new SubscriptionWrites(this, db, reads.subscriptions, nowSeconds);
  }

  /**
   * The writer's connection, for a store's own writes that are not part of {@link WriteTx}
   * (SQLite's leases).
   */
  public Sql sql() {
    return db;
  }

  /** The position of the last oplog entry this task appended, or 0. */
  long lastPosition() {
    return lastPosition;
  }

  long now() {
    return now;
  }

  /** Hands what this task changed to its batch; called once the task has succeeded. */
  void mergeInto(Batch b) {
    b.merge(countChanges, defined, registered);
  }

  // ---- workspaces and tokens ----

  @Override
  public Workspace createWorkspace(String name) {
    try {
      if (exists("SELECT 1 FROM workspaces WHERE name = ?", name)) {
        throw TallyException.conflict(
            "a workspace named " + TallyException.quote(name) + " already exists");
      }
      long id =
          insert("INSERT INTO workspaces (name, created_at) VALUES (?, ?) RETURNING id", name, now);
      oplog(id, OplogEntry.WORKSPACE, id, 1, OplogEntry.CREATE);
      return new Workspace(id, name, now);
    } catch (SQLException e) {
      throw wrap("create workspace", e);
    }
  }

  @Override
  public void deleteWorkspace(long ws) {
    try {
      long version = workspaceVersion(ws);
      for (String sql :
          List.of(
              "DELETE FROM identities WHERE workspace_id = ?",
              "DELETE FROM event_summaries WHERE workspace_id = ?",
              "DELETE FROM events WHERE workspace_id = ?",
              "DELETE FROM event_names WHERE workspace_id = ?",
              "DELETE FROM contact_tags WHERE workspace_id = ?",
              "DELETE FROM contact_companies WHERE workspace_id = ?",
              "DELETE FROM contact_subscriptions WHERE workspace_id = ?",
              "DELETE FROM subscription_types WHERE workspace_id = ?",
              "DELETE FROM sends WHERE workspace_id = ?",
              "DELETE FROM campaigns WHERE workspace_id = ?",
              "DELETE FROM messaging_pauses WHERE workspace_id = ?",
              "DELETE FROM companies WHERE workspace_id = ?",
              "DELETE FROM contact_owners WHERE workspace_id = ?",
              "DELETE FROM notes WHERE workspace_id = ?",
              "DELETE FROM contacts WHERE workspace_id = ?",
              "DELETE FROM tags WHERE workspace_id = ?",
              "DELETE FROM data_attributes WHERE workspace_id = ?",
              "DELETE FROM segments WHERE workspace_id = ?",
              "DELETE FROM idempotency_keys WHERE workspace_id = ?",
              "DELETE FROM workspace_tokens WHERE workspace_id = ?",
              "DELETE FROM admins WHERE workspace_id = ?",
              "DELETE FROM workspaces WHERE id = ?")) {
        update(sql, ws);
      }
      oplog(ws, OplogEntry.WORKSPACE, ws, version + 1, OplogEntry.DELETE);
    } catch (SQLException e) {
      throw wrap("delete workspace " + ws, e);
    }
  }

  @Override
  public Workspace setWorkspaceTimeZone(long ws, String timeZone) {
    try {
      long version = workspaceVersion(ws);
      Workspace before = reads.workspaces(db, ws).get(0);
      if (before.timeZone().equals(timeZone)) {
        return before;
      }
      update(
          "UPDATE workspaces SET time_zone = ?, version = ? WHERE id = ?",
          timeZone,
          version + 1,
          ws);
      oplog(ws, OplogEntry.WORKSPACE, ws, version + 1, OplogEntry.UPDATE);
      return new Workspace(ws, before.name(), before.createdAt(), timeZone);
    } catch (SQLException e) {
      throw wrap("set workspace " + ws + "'s time zone", e);
    }
  }

  /** The workspace's version, else a 404. */
  private long workspaceVersion(long ws) throws SQLException {
    Long version = queryLong("SELECT version FROM workspaces WHERE id = ?", ws);
    if (version == null) {
      throw TallyException.notFound("workspace", Ids.format(ws));
    }
    return version;
  }

  @Override
  public TokenInfo addToken(long ws, String tokenHash, String prefix) {
    return addToken(ws, tokenHash, prefix, 0);
  }

  @Override
  public TokenInfo addToken(long ws, String tokenHash, String prefix, long adminId) {
    try {
      requireWorkspace(ws);
      if (adminId != 0 && !adminExists(ws, adminId)) {
        throw TallyException.invalid(
            "admin_id",
            "admin_id must name a teammate of workspace "
                + Ids.format(ws)
                + ", and it has no admin "
                + Ids.format(adminId)
                + " (GET /admin/workspaces/"
                + Ids.format(ws)
                + "/admins lists them)");
      }
      long id =
          insert(
              "INSERT INTO workspace_tokens (workspace_id, token_hash, prefix, created_at, admin_id) VALUES (?, ?, ?, ?, ?) RETURNING id",
              ws,
              tokenHash,
              prefix,
              now,
              adminId == 0 ? null : adminId);
      return new TokenInfo(id, ws, prefix, now, adminId);
    } catch (SQLException e) {
      throw wrap("add token", e);
    }
  }

  @Override
  public void revokeToken(long ws, long tokenId) {
    try {
      requireWorkspace(ws);
      if (update("DELETE FROM workspace_tokens WHERE workspace_id = ? AND id = ?", ws, tokenId)
          == 0) {
        throw TallyException.notFound("token", Ids.format(tokenId));
      }
    } catch (SQLException e) {
      throw wrap("revoke token", e);
    }
  }

  @Override
  public void addAdminToken(String tokenHash) {
    try {
      update(
          "INSERT INTO admin_tokens (token_hash, created_at) VALUES (?, ?) ON CONFLICT DO NOTHING",
          tokenHash,
          now);
    } catch (SQLException e) {
      throw wrap("add admin token", e);
    }
  }

  @Override
  public String serverKey(String name, String candidate) {
    try {
      update(
          "INSERT INTO server_keys (name, secret, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
          name,
          candidate,
          now);
      return db.queryString("SELECT secret FROM server_keys WHERE name = ?", name);
    } catch (SQLException e) {
      throw wrap("read or create the server key " + name, e);
    }
  }

  // ---- teammates (admins) ----

  @Override
  public Admin createAdmin(long ws, String name, String email) {
    try {
      requireWorkspace(ws);
      String key = email.toLowerCase(Locale.ROOT);
      Long holder =
          queryLong("SELECT id FROM admins WHERE workspace_id = ? AND email_key = ?", ws, key);
      if (holder != null) {
        throw TallyException.conflict(
            "a teammate with email "
                + TallyException.quote(email)
                + " already exists in this workspace with id="
                + Ids.format(holder));
      }
      long id =
          insert(
              "INSERT INTO admins (workspace_id, name, email, email_key, version, created_at) "
                  + "VALUES (?, ?, ?, ?, 1, ?) RETURNING id",
              ws,
              name,
              email,
              key,
              now);
      requireExactInJavaScript("admins", id);
      oplog(ws, OplogEntry.ADMIN, id, 1, OplogEntry.CREATE);
      return new Admin(id, ws, name, email, 1, now);
    } catch (SQLException e) {
      throw wrap("create teammate", e);
    }
  }

  /** How many referrers of a teammate a 409 names by id at most. */
  private static final int REFERRERS_SHOWN = 10;

  @Override
  public Admin deleteAdmin(long ws, long adminId) {
    try {
      Admin admin =
          reads
              .admin(db, ws, adminId)
              .orElseThrow(
                  () ->
                      new TallyException(
                          TallyException.Kind.NOT_FOUND,
                          "admin_not_found",
                          null,
                          "Admin for admin_id " + Ids.format(adminId) + " not found"));
      long owned = count("SELECT COUNT(*) FROM contact_owners WHERE admin_id = ?", adminId);
      long tokens = count("SELECT COUNT(*) FROM workspace_tokens WHERE admin_id = ?", adminId);
      if (owned > 0 || tokens > 0) {
        List<String> what = new java.util.ArrayList<>();
        List<String> todo = new java.util.ArrayList<>();
        if (owned > 0) {
          what.add(
              "it owns "
                  + owned
                  + (owned == 1 ? " contact" : " contacts")
                  + " (owner_id of contact "
                  + ids(
                      "SELECT contact_id FROM contact_owners WHERE admin_id = ? ORDER BY contact_id LIMIT ?",
                      adminId,
                      owned)
                  + ")");
          todo.add("give those contacts another owner_id (or null)");
        }
        if (tokens > 0) {
          what.add(
              tokens
                  + (tokens == 1 ? " token acts" : " tokens act")
                  + " for it (token "
                  + ids(
                      "SELECT id FROM workspace_tokens WHERE admin_id = ? ORDER BY id LIMIT ?",
                      adminId,
                      tokens)
                  + ")");
          todo.add("revoke those tokens");
        }
        throw TallyException.conflict(
            "admin "
                + Ids.format(adminId)
                + " is still referred to: "
                + String.join("; ", what)
                + ". To delete it, first "
                + String.join(" and ", todo));
      }
      // Its notes stay, without an author: a note outlives who wrote it, and no id dangles.
      update("UPDATE notes SET admin_id = NULL WHERE admin_id = ?", adminId);
      update("DELETE FROM admins WHERE id = ?", adminId);
      oplog(ws, OplogEntry.ADMIN, adminId, admin.version() + 1, OplogEntry.DELETE);
      return admin;
    } catch (SQLException e) {
      throw wrap("delete teammate " + adminId, e);
    }
  }

  /** The first ids a query lists, comma-separated, and "…" when there are more than shown. */
  private String ids(String sql, long id, long total) throws SQLException {
    List<String> out = new java.util.ArrayList<>();
    try (java.sql.ResultSet rs = db.prepare(sql, id, REFERRERS_SHOWN).executeQuery()) {
      while (rs.next()) {
        out.add(Ids.format(rs.getLong(1)));
      }
    }
    return String.join(", ", out) + (total > out.size() ? ", …" : "");
  }

  /**
   * Refuses an id Intercom's API writes as a JSON number (teammates, data attributes) once its
   * sequence passes 2^53 - 1, where a JavaScript client would read another number. Never near in
   * practice: these ids count up from 1 (from above 2^32 with --test-id-offsets).
   */
  private static void requireExactInJavaScript(String table, long id) {
    if (id > Admin.MAX_ID) {
      throw new TallyException(
          TallyException.Kind.INTERNAL,
          "server_error",
          null,
          "the "
              + table
              + " id sequence passed 2^53 - 1 ("
              + Ids.format(id)
              + "), beyond what a JavaScript client reads exactly; reset the sequence below 2^53");
    }
  }

  private boolean adminExists(long ws, long adminId) throws SQLException {
    return exists("SELECT 1 FROM admins WHERE id = ? AND workspace_id = ?", adminId, ws);
  }

  /** Refuses an owner_id that names no teammate of the workspace. */
  private void requireOwner(long ws, ContactPatch patch) throws SQLException {
    Object owner = patch.fields().get(ContactField.OWNER_ID);
    if (owner != null && !adminExists(ws, (Long) owner)) {
      throw TallyException.invalid(
          "owner_id",
          "owner_id must be the id of a teammate (admin) of this workspace, and it has no admin "
              + Ids.format((Long) owner)
              + " (GET /admins lists them)");
    }
  }

  /** Keeps contact_owners equal to the documents' owner_id, in the same transaction. */
  private void owners(long ws, long contactId, Long before, Long after) throws SQLException {
    if (java.util.Objects.equals(before, after)) {
      return;
    }
    if (before != null) {
      update("DELETE FROM contact_owners WHERE contact_id = ?", contactId);
    }
    if (after != null) {
      update(
          "INSERT INTO contact_owners (contact_id, workspace_id, admin_id) VALUES (?, ?, ?)",
          contactId,
          ws,
          after);
    }
  }

  // ---- contacts ----

  @Override
  public Contact createContact(long ws, ContactPatch patch) {
    try {
      Inserted in = insert(ws, patch);
      refuse(ws, in.result());
      return in.contact();
    } catch (SQLException e) {
      throw wrap("create contact", e);
    }
  }

  /** A contact the insert wrote (null when it wrote nothing), and what the insert said. */
  private record Inserted(Contact contact, ContactStatements.Result result) {}

  private Inserted insert(long ws, ContactPatch patch) throws SQLException {
    requireOwner(ws, patch);
    Map<String, Object> custom =
        CustomAttributeTyping.resolve(patch.custom(), definitions(ws, DataAttribute.MODEL_CONTACT));
    Contact draft = patch.applyTo(new Contact(0, ws, 0, Map.of(), Map.of()), 1, now, custom);
    ContactStatements.Result r =
        contacts.insert(
            db, ws, ContactCodec.encode(draft), Identity.between(null, draft).claims(), now);
    if (r.position() == 0) {
      return new Inserted(null, r);
    }
    countChanges.merge(ws, 1L, Long::sum);
    owners(ws, r.id(), null, draft.number(ContactField.OWNER_ID));
    lastPosition = r.position();
    return new Inserted(new Contact(r.id(), ws, 1, draft.fields(), draft.custom()), r);
  }

  @Override
  public Contact updateContact(long ws, long id, ContactPatch patch) {
    try {
      Contact before = loadContact(ws, id);
      requireOwner(ws, patch);
      Map<String, Object> custom =
          CustomAttributeTyping.resolve(
              patch.custom(), definitions(ws, DataAttribute.MODEL_CONTACT));
      Contact after = patch.applyTo(before, before.version() + 1, now, custom);
      rewrite(ws, before, after);
      return after;
    } catch (SQLException e) {
      throw wrap("update contact " + id, e);
    }
  }

  /**
   * Writes a contact's new document with its identities (released and claimed as they change) and
   * its owner, and appends its update entry; refuses when a claimed identity is held.
   */
  private void rewrite(long ws, Contact before, Contact after) throws SQLException {
    Identity.Change change = Identity.between(before, after);
    ContactStatements.Result r =
        contacts.update(
            db,
            ws,
            after.id(),
            after.version(),
            ContactCodec.encode(after),
            change.releases(),
            change.claims(),
            now);
    refuse(ws, r);
    owners(
        ws, after.id(), before.number(ContactField.OWNER_ID), after.number(ContactField.OWNER_ID));
    lastPosition = r.position();
  }

  /**
   * Throws the client's mistake when a contact write wrote nothing because of it. An archived
   * holder keeps its identities, and the message says it is archived (it is in no list or search).
   */
  private void refuse(long ws, ContactStatements.Result r) throws SQLException {
    if (r.noWorkspace()) {
      throw TallyException.notFound("workspace", Ids.format(ws));
    }
    if (r.held() != null) {
      String holder = Ids.format(r.holder());
      throw TallyException.conflict(
          "A contact matching those details already exists with id="
              + holder
              + " ("
              + r.held().kind()
              + " "
              + TallyException.quote(r.held().value())
              + " belongs to it)"
              + (reads.archived(db, r.holder())
                  ? "; that contact is archived, and keeps its identities: POST /contacts/"
                      + holder
                      + "/unarchive brings it back"
                  : ""));
    }
  }

  /**
   * A new external_id is the common case (an import), so a user's upsert tries the insert first:
   * the insert finds the external_id's holder if there is one, and then it is an update. One
   * statement for a new contact instead of a lookup and an insert.
   */
  @Override
  public Upserted upsertContact(long ws, String externalId, ContactPatch patch) {
    try {
      Long id;
      Object role = patch.fields().get(ContactField.ROLE);
      if (role == null
          || Contact.Role.USER.equals(
              role)) { // a lead claims no identity, so the insert could not find the holder
        Inserted in = insert(ws, patch);
        Identity held = in.result().held();
        if (held == null || !held.equals(new Identity(Identity.EXTERNAL_ID, externalId))) {
          refuse(ws, in.result());
          return new Upserted(in.contact(), true);
        }
        id = in.result().holder();
      } else {
        id =
            db.queryLong(
                "SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
                ws,
                Identity.EXTERNAL_ID,
                externalId);
      }
      return id == null
          ? new Upserted(createContact(ws, patch), true)
          : new Upserted(updateContact(ws, id, patch), false);
    } catch (SQLException e) {
      throw wrap("upsert contact", e);
    }
  }

  @Override
  public Contact deleteContact(long ws, long id) {
    try {
      Contact before = loadContact(ws, id);
      erase(ws, before, OplogEntry.DELETE);
      return before;
    } catch (SQLException e) {
      throw wrap("delete contact " + id, e);
    }
  }

  /** The workspace's contact, else a 404 naming it. */
  Contact requireContact(long ws, long id) throws SQLException {
    return loadContact(ws, id);
  }

  /**
   * Erases a contact and every row of it (what a merge moved away is no longer there), counts it
   * off the workspace's live contacts unless it was archived, and appends its oplog entry ({@code
   * op}: a delete, or a merge).
   */
  private void erase(long ws, Contact before, String op) throws SQLException {
    long id = before.id();
    boolean archived = reads.archived(db, id);
    update("DELETE FROM identities WHERE contact_id = ?", id);
    owners(ws, id, before.number(ContactField.OWNER_ID), null);
    update("DELETE FROM event_summaries WHERE contact_id = ?", id);
    update("DELETE FROM notes WHERE contact_id = ?", id);
    update("DELETE FROM events WHERE contact_id = ?", id);
    update("DELETE FROM contact_tags WHERE contact_id = ?", id);
    companies.forget(id);
    subscriptions.forget(id);
    update("DELETE FROM contacts WHERE id = ?", id);
    if (!archived) {
      countChanges.merge(ws, -1L, Long::sum);
    }
    // A stored idempotent response may hold the contact's data: keep only its id.
    String redacted =
        JSON.createObjectNode()
            .put("type", "contact")
            .put("id", Ids.format(id))
            .put("deleted", true)
            .toString();
    update("UPDATE idempotency_keys SET body = ? WHERE contact_id = ?", redacted, id);
    oplog(ws, OplogEntry.CONTACT, id, before.version() + 1, op);
  }

  // ---- archive ----

  @Override
  public Contact archiveContact(long ws, long id) {
    return setArchived(ws, id, true);
  }

  @Override
  public Contact unarchiveContact(long ws, long id) {
    return setArchived(ws, id, false);
  }

  /**
   * Archives or unarchives: the document is unchanged; the version is raised with an oplog entry so
   * that the projector drops the contact from the index or puts it back (the store's reads of what
   * the index holds leave archived contacts out), and the workspace's live count follows. Nothing
   * changes when the contact is already so.
   */
  private Contact setArchived(long ws, long id, boolean archive) {
    try {
      Contact before = loadContact(ws, id);
      if (reads.archived(db, id) == archive) {
        return before;
      }
      long version = before.version() + 1;
      update(
          "UPDATE contacts SET archived_at = ?, version = ? WHERE id = ?",
          archive ? now : null,
          version,
          id);
      countChanges.merge(ws, archive ? -1L : 1L, Long::sum);
      oplog(
          ws, OplogEntry.CONTACT, id, version, archive ? OplogEntry.ARCHIVE : OplogEntry.UNARCHIVE);
      return new Contact(id, ws, version, before.fields(), before.custom());
    } catch (SQLException e) {
      throw wrap((archive ? "archive" : "unarchive") + " contact " + id, e);
    }
  }

  // ---- merge ----

  /** Fields a merge never copies from the lead: who it is and the user's own history. */
  private static final Set<ContactField> NOT_MERGED =
      Set.of(
          ContactField.ROLE,
          ContactField.CREATED_AT,
          ContactField.UPDATED_AT,
          ContactField.EMAIL_DOMAIN);

  /**
   * Set-based, so a lead with many events merges in one short transaction: one UPDATE moves every
   * event the user does not have at the same (name, created_at) (the UNIQUE key of events), one
   * statement each merges summaries and tags, and the lead's left-overs go with it.
   */
  @Override
  public Contact mergeContacts(long ws, long fromId, long intoId) {
    try {
      if (fromId == intoId) {
        throw TallyException.invalid(
            "into", "from and into are the same contact; merge a lead into another contact");
      }
      Contact lead = mergeSide(ws, fromId, "from", Contact.Role.LEAD);
      Contact user = mergeSide(ws, intoId, "into", Contact.Role.USER);

      // The lead's fields fill only the user's empty ones; its email and external_id so become the
      // user's identities where the user has none (a lead holds no identity rows, so nothing is
      // released: no moment where neither holds them, and the transaction is all or nothing).
      Map<ContactField, Object> fill = new java.util.LinkedHashMap<>();
      lead.fields()
          .forEach(
              (f, v) -> {
                if (!NOT_MERGED.contains(f) && user.get(f) == null) {
                  fill.put(f, v);
                }
              });
      Map<String, Object> customFill = new java.util.LinkedHashMap<>();
      lead.custom()
          .forEach(
              (k, v) -> {
                if (!user.custom().containsKey(k)) {
                  customFill.put(k, v);
                }
              });
      Contact merged =
          new ContactPatch(fill, Map.of()).applyTo(user, user.version() + 1, now, customFill);

      // Events: per name, how many of the lead's the user has already (dropped, not counted twice).
      Map<String, Long> duplicates = new HashMap<>();
      try (var rs =
          db.prepare(
                  "SELECT name, COUNT(*) FROM events WHERE contact_id = ? AND EXISTS (SELECT 1 FROM "
                      + "events u WHERE u.workspace_id = events.workspace_id AND u.contact_id = ? "
                      + "AND u.name = events.name AND u.created_at = events.created_at) GROUP BY name",
                  fromId,
                  intoId)
              .executeQuery()) {
        while (rs.next()) {
          duplicates.put(rs.getString(1), rs.getLong(2));
        }
      }
      update(
          "UPDATE events SET contact_id = ? WHERE contact_id = ? AND NOT EXISTS (SELECT 1 FROM "
              + "events u WHERE u.workspace_id = events.workspace_id AND u.contact_id = ? "
              + "AND u.name = events.name AND u.created_at = events.created_at)",
          intoId,
          fromId,
          intoId);
      update(
          "INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) "
              + "SELECT ?, name, workspace_id, count, first_at, last_at FROM event_summaries "
              + "WHERE contact_id = ? ON CONFLICT (contact_id, name) DO UPDATE SET "
              + "count = event_summaries.count + excluded.count, "
              + "first_at = CASE WHEN excluded.first_at < event_summaries.first_at "
              + "THEN excluded.first_at ELSE event_summaries.first_at END, "
              + "last_at = CASE WHEN excluded.last_at > event_summaries.last_at "
              + "THEN excluded.last_at ELSE event_summaries.last_at END",
          intoId,
          fromId);
      for (Map.Entry<String, Long> d : duplicates.entrySet()) {
        update(
            "UPDATE event_summaries SET count = count - ? WHERE contact_id = ? AND name = ?",
            d.getValue(),
            intoId,
            d.getKey());
      }
      // Tags: the user keeps its own applied_at where it has the tag already.
      update(
          "INSERT INTO contact_tags (contact_id, tag_id, workspace_id, applied_at) "
              + "SELECT ?, tag_id, workspace_id, applied_at FROM contact_tags WHERE contact_id = ? "
              + "ON CONFLICT (contact_id, tag_id) DO NOTHING",
          intoId,
          fromId);
      update("UPDATE notes SET contact_id = ? WHERE contact_id = ?", intoId, fromId);
      // Companies: the user joins the lead's (keeping its own attached_at where it has one);
      // erasing the lead then takes the lead's memberships and their user_count away.
      companies.join(fromId, intoId);
      subscriptions.join(fromId, intoId);

      rewrite(ws, user, merged);
      erase(ws, lead, OplogEntry.MERGE);
      return merged;
    } catch (SQLException e) {
      throw wrap("merge contact " + fromId + " into " + intoId, e);
    }
  }

  /** A side of a merge: the workspace's contact with that role, else a 404 or 400 naming it. */
  private Contact mergeSide(long ws, long id, String field, String role) throws SQLException {
    Contact c =
        reads
            .contact(db, ws, id)
            .orElseThrow(
                () ->
                    new TallyException(
                        TallyException.Kind.NOT_FOUND,
                        "not_found",
                        field,
                        field
                            + ": contact "
                            + TallyException.quote(Ids.format(id))
                            + " not found in this workspace"));
    if (!role.equals(c.role())) {
      throw TallyException.invalid(
          field,
          field
              + " must be a "
              + role
              + " (Intercom merges a lead into a user), and contact "
              + Ids.format(id)
              + " is a "
              + c.role());
    }
    return c;
  }

  private Contact loadContact(long ws, long id) throws SQLException {
    return reads
        .contact(db, ws, id)
        .orElseThrow(() -> TallyException.notFound("contact", Ids.format(id)));
  }

  // ---- events ----

  @Override
  public boolean recordEvent(long ws, EventInput e) {
    try {
      Contact contact = requireContact(ws, e.contact());
      requireEventName(ws, e.name());
      ContactStatements.Result r =
          contacts.insertEvent(db, ws, contact.id(), contact.version() + 1, e, now);
      if (r.position() == 0) {
        return false;
      }
      lastPosition = r.position();
      return true;
    } catch (SQLException ex) {
      throw wrap("record event", ex);
    }
  }

  /** The contact {@code ref} names in the workspace, or a 404 naming it. */
  private Contact requireContact(long ws, dev.tally.core.model.ContactRef ref) throws SQLException {
    return reads.findContact(db, ws, ref).orElseThrow(ref::notFound);
  }

  @Override
  public void setEventSummaries(long ws, EventSummariesInput in) {
    try {
      Contact contact = requireContact(ws, in.contact());
      for (EventSummary s : in.summaries()) {
        requireEventName(ws, s.name());
        update(
            "INSERT INTO event_summaries (contact_id, name, workspace_id, count, first_at, last_at) "
                + "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (contact_id, name) DO UPDATE SET "
                + "count = excluded.count, first_at = excluded.first_at, last_at = excluded.last_at",
            contact.id(),
            s.name(),
            ws,
            s.count(),
            s.first(),
            s.last());
      }
      long version = contact.version() + 1;
      update("UPDATE contacts SET version = ? WHERE id = ?", version, contact.id());
      lastPosition =
          Oplog.append(db, ws, OplogEntry.CONTACT, contact.id(), version, OplogEntry.UPDATE, now);
    } catch (SQLException ex) {
      throw wrap("set event summaries", ex);
    }
  }

  /**
   * Registers the event name in the workspace unless it has it; refuses a new name once the
   * workspace has {@link WorkspaceLimits#maxEventNames()}.
   */
  private void requireEventName(long ws, String name) throws SQLException {
    KnownEventNames.Key key = new KnownEventNames.Key(ws, name);
    if (registered.contains(key) || batch.hasEventName(key)) {
      return;
    }
    if (exists(EVENT_NAME_KNOWN, ws, name)) {
      batch.learnedEventName(key);
      return;
    }
    long have = count(EVENT_NAME_COUNT, ws);
    if (have >= limits.maxEventNames()) {
      throw limits.eventNamesReached(name, have);
    }
    update("INSERT INTO event_names (workspace_id, name) VALUES (?, ?)", ws, name);
    registered.add(key);
  }

  // ---- notes ----

  @Override
  public dev.tally.core.model.Note createNote(long ws, long contactId, Long adminId, String body) {
    try {
      loadContact(ws, contactId);
      if (adminId != null && reads.admin(db, ws, adminId).isEmpty()) {
        throw new TallyException(
            TallyException.Kind.NOT_FOUND,
            "admin_not_found",
            "admin_id",
            "admin_id "
                + Ids.format(adminId)
                + " is not a teammate of this workspace (GET /admins)");
      }
      long id =
          insert(
              "INSERT INTO notes (workspace_id, contact_id, admin_id, body, created_at) "
                  + "VALUES (?, ?, ?, ?, ?) RETURNING id",
              ws,
              contactId,
              adminId,
              body,
              now);
      oplog(ws, OplogEntry.NOTE, id, 1, OplogEntry.CREATE);
      return new dev.tally.core.model.Note(id, ws, contactId, adminId, body, now);
    } catch (SQLException ex) {
      throw wrap("create a note", ex);
    }
  }

  @Override
  public dev.tally.core.model.Note.Summary noteSummary(long ws, long contactId, int shown) {
    try {
      return reads
          .noteSummaries(db, ws, List.of(contactId), shown)
          .getOrDefault(contactId, dev.tally.core.model.Note.Summary.NONE);
    } catch (SQLException ex) {
      throw wrap("summarise notes", ex);
    }
  }

  // ---- segments ----

  /** Most segments a workspace may have: GET /segments?include_count=true counts each. */
  public static final int MAX_SEGMENTS = 250;

  @Override
  public Segment createSegment(long ws, String name, String personType, String queryJson) {
    try {
      requireWorkspace(ws);
      long have = count("SELECT COUNT(*) FROM segments WHERE workspace_id = ?", ws);
      if (have >= MAX_SEGMENTS) {
        throw TallyException.invalid(
            "name",
            "this workspace has "
                + have
                + " segments, the most it may have ("
                + MAX_SEGMENTS
                + "); delete one first (retrying will not help)");
      }
      long id =
          db.insert(
              true,
              "INSERT INTO segments (workspace_id, name, person_type, query, created_at, updated_at) "
                  + "VALUES (?, ?, ?, ?, ?, ?) RETURNING id",
              ws,
              name,
              personType,
              queryJson,
              now,
              now);
      lastPosition = Oplog.append(db, ws, OplogEntry.SEGMENT, id, 1, OplogEntry.CREATE, now);
      return new Segment(id, ws, name, personType, queryJson, now, now);
    } catch (SQLException ex) {
      throw wrap("create a segment", ex);
    }
  }

  @Override
  public Segment updateSegment(long ws, long id, String name, String personType, String queryJson) {
    try {
      Segment old = requireSegment(ws, id);
      Segment updated =
          new Segment(
              id,
              ws,
              name == null ? old.name() : name,
              personType == null ? old.personType() : personType,
              queryJson == null ? old.queryJson() : queryJson,
              old.createdAt(),
              now);
      update(
          "UPDATE segments SET name = ?, person_type = ?, query = ?, updated_at = ? WHERE id = ?",
          updated.name(),
          updated.personType(),
          updated.queryJson(),
          now,
          id);
      lastPosition = Oplog.append(db, ws, OplogEntry.SEGMENT, id, 1, OplogEntry.UPDATE, now);
      return updated;
    } catch (SQLException ex) {
      throw wrap("update a segment", ex);
    }
  }

  @Override
  public Segment deleteSegment(long ws, long id) {
    try {
      Segment old = requireSegment(ws, id);
      update("DELETE FROM segments WHERE id = ?", id);
      lastPosition = Oplog.append(db, ws, OplogEntry.SEGMENT, id, 1, OplogEntry.DELETE, now);
      return old;
    } catch (SQLException ex) {
      throw wrap("delete a segment", ex);
    }
  }

  private Segment requireSegment(long ws, long id) throws SQLException {
    return reads
        .segment(db, ws, id)
        .orElseThrow(
            () ->
                new TallyException(
                    TallyException.Kind.NOT_FOUND,
                    "not_found",
                    null,
                    "segment " + id + " not found in this workspace"));
  }

  // ---- data attributes ----

  @Override
  public DataAttribute createDataAttribute(long ws, DataAttributeInput in) {
    try {
      requireWorkspace(ws);
      if (exists(
          "SELECT 1 FROM data_attributes WHERE workspace_id = ? AND model = ? AND name = ?",
          ws,
          in.model(),
          in.name())) {
        String data = DataAttribute.dataWord(in.model());
        throw TallyException.invalid(
            "name",
            "You already have "
                + TallyException.quote(in.name())
                + " in your "
                + data
                + " data. To save this as new "
                + data
                + " data, use a different name");
      }
      return defineAttribute(
          ws,
          in.model(),
          "name",
          in.name(),
          in.type(),
          in.description(),
          in.options(),
          in.messengerWritable());
    } catch (SQLException e) {
      throw wrap("create data attribute", e);
    }
  }

  @Override
  public DataAttribute updateDataAttribute(long ws, long id, DataAttributeUpdate change) {
    try {
      DataAttribute old =
          reads
              .dataAttribute(db, ws, id)
              .orElseThrow(
                  () ->
                      new TallyException(
                          TallyException.Kind.NOT_FOUND,
                          "field_not_found",
                          null,
                          "data attribute " + id + " not found in this workspace"));
      List<String> options = change.optionsFor(old.type());
      DataAttribute updated =
          new DataAttribute(
              id,
              ws,
              old.model(),
              old.name(),
              old.type(),
              change.description() == null ? old.description() : change.description(),
              options == null ? old.options() : options,
              change.messengerWritable() == null
                  ? old.messengerWritable()
                  : change.messengerWritable(),
              change.archived() == null ? old.archived() : change.archived(),
              old.createdAt(),
              now);
      update(
          "UPDATE data_attributes SET description = ?, options = ?, messenger_writable = ?, "
              + "archived = ?, updated_at = ? WHERE id = ?",
          updated.description(),
          JSON.valueToTree(updated.options()).toString(),
          updated.messengerWritable(),
          updated.archived(),
          now,
          id);
      oplog(ws, OplogEntry.DATA_ATTRIBUTE, id, 1, OplogEntry.UPDATE);
      return updated;
    } catch (SQLException ex) {
      throw wrap("update a data attribute", ex);
    }
  }

  /**
   * Defines an attribute of {@code model} the workspace does not have, unless it has {@link
   * WorkspaceLimits#maxCustomAttributes()} of that model already; {@code field} is where the
   * request named it.
   */
  private DataAttribute defineAttribute(
      long ws,
      String model,
      String field,
      String name,
      FieldType type,
      String description,
      List<String> options,
      boolean messengerWritable)
      throws SQLException {
    long have = count(ATTRIBUTE_COUNT, ws, model);
    if (have >= limits.maxCustomAttributes()) {
      throw limits.customAttributesReached(field, model, name, have);
    }
    long id =
        insert(
            "INSERT INTO data_attributes (workspace_id, model, name, data_type, description, "
                + "options, messenger_writable, created_at, updated_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id",
            ws,
            model,
            name,
            type.apiName(),
            description,
            JSON.valueToTree(options).toString(),
            messengerWritable,
            now,
            now);
    requireExactInJavaScript("data_attributes", id);
    oplog(ws, OplogEntry.DATA_ATTRIBUTE, id, 1, OplogEntry.CREATE);
    defined.put(new AttributeTypes.Key(ws, model, name), type);
    return new DataAttribute(
        id, ws, model, name, type, description, options, messengerWritable, false, now, now);
  }

  /**
   * {@inheritDoc}
   *
   * <p>Types are read as this task sees them: its own definitions, its batch's, the writer's cache
   * (keyed by workspace, model and name), then the database.
   */
  @Override
  public CustomAttributeTyping.Definitions definitions(long ws, String model) {
    DataAttribute.requireModel(model);
    return new CustomAttributeTyping.Definitions() {
      @Override
      public String model() {
        return model;
      }

      @Override
      public FieldType typeOf(String name) {
        AttributeTypes.Key key = new AttributeTypes.Key(ws, model, name);
        FieldType known = defined.get(key);
        if (known == null) {
          known = batch.typeOf(key);
        }
        if (known != null) {
          return known;
        }
        try {
          String t =
              db.queryString(
                  "SELECT data_type FROM data_attributes "
                      + "WHERE workspace_id = ? AND model = ? AND name = ?",
                  ws,
                  model,
                  name);
          if (t == null) {
            return null;
          }
          FieldType type = FieldType.fromApiName(t);
          batch.learned(key, type);
          return type;
        } catch (SQLException e) {
          throw wrap("read data attribute", e);
        }
      }

      @Override
      public void define(String name, FieldType type) {
        try {
          requireWorkspace(ws);
          defineAttribute(
              ws, model, "custom_attributes." + name, name, type, null, List.of(), false);
        } catch (SQLException e) {
          throw wrap("define data attribute", e);
        }
      }
    };
  }

  // ---- tags ----

  /** Live tags per workspace, counted inside the write transaction (under the write lock). */
  public static final String TAG_COUNT =
      "SELECT COUNT(*) FROM tags WHERE workspace_id = ? AND deleted_at IS NULL";

  @Override
  public TagUpsert createTag(long ws, String name) {
    try {
      Tag.checkName("name", name);
      requireWorkspace(ws);
      Tag existing = reads.tagNamed(db, ws, name).orElse(null);
      if (existing != null) {
        return new TagUpsert(existing, false);
      }
      long have = count(TAG_COUNT, ws);
      if (have >= limits.maxTags()) {
        throw limits.tagsReached(name, have);
      }
      long id =
          insert(
              "INSERT INTO tags (workspace_id, name, name_key, version, created_at) "
                  + "VALUES (?, ?, ?, 1, ?) RETURNING id",
              ws,
              name,
              Tag.key(name),
              now);
      oplog(ws, OplogEntry.TAG, id, 1, OplogEntry.CREATE);
      return new TagUpsert(new Tag(id, ws, name, 1, now), true);
    } catch (SQLException e) {
      throw wrap("create tag", e);
    }
  }

  @Override
  public Tag renameTag(long ws, long tagId, String name) {
    try {
      Tag.checkName("name", name);
      Tag tag = liveTag(ws, tagId, "id");
      if (tag.name().equals(name)) {
        return tag;
      }
      Tag holder = reads.tagNamed(db, ws, name).orElse(null);
      if (holder != null && holder.id() != tagId) {
        throw TallyException.invalid(
            "name",
            "another tag of this workspace is named "
                + TallyException.quote(holder.name())
                + " (id "
                + Ids.format(holder.id())
                + "); tag names are unique ignoring case");
      }
      long version = tag.version() + 1;
      update(
          "UPDATE tags SET name = ?, name_key = ?, version = ? WHERE id = ?",
          name,
          Tag.key(name),
          version,
          tagId);
      oplog(ws, OplogEntry.TAG, tagId, version, OplogEntry.UPDATE);
      return new Tag(tagId, ws, name, version, tag.createdAt());
    } catch (SQLException e) {
      throw wrap("rename tag " + tagId, e);
    }
  }

  @Override
  public Tag deleteTag(long ws, long tagId) {
    try {
      Tag tag = liveTag(ws, tagId, null);
      long version = tag.version() + 1;
      update("UPDATE tags SET deleted_at = ?, version = ? WHERE id = ?", now, version, tagId);
      oplog(ws, OplogEntry.TAG, tagId, version, OplogEntry.DELETE);
      return tag;
    } catch (SQLException e) {
      throw wrap("delete tag " + tagId, e);
    }
  }

  @Override
  public Tag.Applied tagContact(
      long ws, long contactId, String contactField, long tagId, String tagField) {
    try {
      Contact contact =
          reads
              .contact(db, ws, contactId)
              .orElseThrow(
                  () ->
                      new TallyException(
                          TallyException.Kind.NOT_FOUND,
                          "not_found",
                          contactField,
                          "contact " + TallyException.quote(Ids.format(contactId)) + " not found"));
      Tag tag = liveTag(ws, tagId, tagField);
      Long applied =
          queryLong(
              "SELECT applied_at FROM contact_tags WHERE contact_id = ? AND tag_id = ?",
              contactId,
              tagId);
      if (applied != null) {
        return new Tag.Applied(tag, applied);
      }
      update(
          "INSERT INTO contact_tags (contact_id, tag_id, workspace_id, applied_at) VALUES (?, ?, ?, ?)",
          contactId,
          tagId,
          ws,
          now);
      raiseVersion(ws, contactId, contact.version() + 1);
      return new Tag.Applied(tag, now);
    } catch (SQLException e) {
      throw wrap("tag contact " + contactId, e);
    }
  }

  @Override
  public Tag untagContact(long ws, long contactId, long tagId) {
    try {
      Contact contact = loadContact(ws, contactId);
      Tag tag = liveTag(ws, tagId, null);
      if (update("DELETE FROM contact_tags WHERE contact_id = ? AND tag_id = ?", contactId, tagId)
          > 0) {
        raiseVersion(ws, contactId, contact.version() + 1);
      }
      return tag;
    } catch (SQLException e) {
      throw wrap("untag contact " + contactId, e);
    }
  }

  @Override
  public List<Tag.Applied> contactTags(long ws, long contactId) {
    try {
      return reads.contactTags(db, ws, contactId);
    } catch (SQLException e) {
      throw wrap("list tags of contact " + contactId, e);
    }
  }

  @Override
  public Purge purgeDeleted(Field.Members.Kind kind, int limit) {
    MemberTable m = MemberTable.of(kind);
    try {
      long memberId;
      long ws;
      try (var rs =
          db.prepare(
                  "SELECT id, workspace_id FROM "
                      + m.table
                      + " WHERE deleted_at IS NOT NULL ORDER BY id LIMIT 1")
              .executeQuery()) {
        if (!rs.next()) {
          return Purge.NONE;
        }
        memberId = rs.getLong(1);
        ws = rs.getLong(2);
      }
      List<Long> contactIds = new java.util.ArrayList<>();
      try (var rs =
          db.prepare(
                  "SELECT contact_id FROM "
                      + m.links
                      + " WHERE "
                      + m.column
                      + " = ? ORDER BY contact_id LIMIT ?",
                  memberId,
                  limit)
              .executeQuery()) {
        while (rs.next()) {
          contactIds.add(rs.getLong(1));
        }
      }
      String unlink = "DELETE FROM " + m.links + " WHERE contact_id = ? AND " + m.column + " = ?";
      for (long contactId : contactIds) {
        update(unlink, contactId, memberId);
        Long version = queryLong("SELECT version FROM contacts WHERE id = ?", contactId);
        raiseVersion(ws, contactId, version + 1);
      }
      boolean finished = contactIds.size() < limit;
      if (finished) {
        update("DELETE FROM " + m.table + " WHERE id = ?", memberId);
      }
      return new Purge(ws, memberId, contactIds.size(), finished);
    } catch (SQLException e) {
      throw wrap("purge a deleted " + kind.noun, e);
    }
  }

  // ---- messaging ----

  @Override
  public dev.tally.core.model.Campaign createCampaign(long ws, String name, String definition) {
    try {
      return messaging.create(ws, name, definition);
    } catch (SQLException e) {
      throw wrap("create campaign", e);
    }
  }

  @Override
  public dev.tally.core.model.Campaign createMessage(
      long ws, String name, String definition, long contactId, long expiresAfterMillis) {
    try {
      requireContact(ws, contactId);
      return messaging.createMessage(ws, name, definition, contactId, expiresAfterMillis);
    } catch (SQLException e) {
      throw wrap("create message", e);
    }
  }

  @Override
  public dev.tally.core.model.Campaign setCampaignState(long ws, long campaignId, String state) {
    try {
      return messaging.setState(ws, campaignId, null, state);
    } catch (SQLException e) {
      throw wrap("make campaign " + campaignId + " " + state, e);
    }
  }

  @Override
  public dev.tally.core.model.Campaign moveCampaign(
      long ws, long campaignId, String from, String to) {
    try {
      return messaging.setState(ws, campaignId, from, to);
    } catch (SQLException e) {
      throw wrap("move campaign " + campaignId + " from " + from + " to " + to, e);
    }
  }

  @Override
  public int queueSends(List<dev.tally.core.model.Send.New> sends) {
    try {
      return messaging.queue(sends);
    } catch (SQLException e) {
      throw wrap("queue " + sends.size() + " sends", e);
    }
  }

  @Override
  public List<dev.tally.core.model.Send> claimSends(
      String holder, long nowMillis, long leaseUntilMillis, int limit) {
    try {
      return messaging.claim(holder, nowMillis, leaseUntilMillis, limit);
    } catch (SQLException e) {
      throw wrap("claim due sends", e);
    }
  }

  @Override
  public boolean recordSend(long sendId, String holder, dev.tally.core.model.Send.Outcome outcome) {
    try {
      return messaging.record(sendId, holder, outcome);
    } catch (SQLException e) {
      throw wrap("record send " + sendId, e);
    }
  }

  @Override
  public void markFannedOut(long campaignId) {
    try {
      messaging.markFannedOut(campaignId);
    } catch (SQLException e) {
      throw wrap("mark campaign " + campaignId + " fanned out", e);
    }
  }

  @Override
  public void setMessagingCursor(String name, long position) {
    try {
      messaging.setCursor(name, position);
    } catch (SQLException e) {
      throw wrap("record messaging cursor " + name, e);
    }
  }

  @Override
  public void addSegmentEntryMember(long campaignId, long contactId, long occurrence) {
    try {
      messaging.addMember(campaignId, contactId, occurrence);
    } catch (SQLException e) {
      throw wrap("record contact " + contactId + " in campaign " + campaignId + "'s segment", e);
    }
  }

  @Override
  public void removeSegmentEntryMember(long campaignId, long contactId) {
    try {
      messaging.removeMember(campaignId, contactId);
    } catch (SQLException e) {
      throw wrap(
          "record contact " + contactId + " out of campaign " + campaignId + "'s segment", e);
    }
  }

  @Override
  public void clearSegmentEntryMembers(long campaignId) {
    try {
      messaging.clearMembers(campaignId);
    } catch (SQLException e) {
      throw wrap("forget campaign " + campaignId + "'s segment members", e);
    }
  }

  @Override
  public void setMessagingPaused(long ws, boolean paused) {
    try {
      messaging.setPaused(ws, paused);
    } catch (SQLException e) {
      throw wrap((paused ? "pause" : "resume") + " messaging", e);
    }
  }

  // ---- subscription types ----

  @Override
  public dev.tally.core.model.SubscriptionType createSubscriptionType(
      long ws, dev.tally.core.model.SubscriptionType.New type) {
    try {
      return subscriptions.create(ws, type);
    } catch (SQLException e) {
      throw wrap("create a subscription type", e);
    }
  }

  @Override
  public dev.tally.core.model.SubscriptionType addContactSubscription(
      long ws, long contactId, long typeId, String consentType) {
    try {
      return subscriptions.add(ws, contactId, typeId, consentType);
    } catch (SQLException e) {
      throw wrap("subscribe contact " + contactId, e);
    }
  }

  @Override
  public dev.tally.core.model.SubscriptionType removeContactSubscription(
      long ws, long contactId, long typeId) {
    try {
      return subscriptions.remove(ws, contactId, typeId);
    } catch (SQLException e) {
      throw wrap("remove a subscription of contact " + contactId, e);
    }
  }

  // ---- companies ----

  @Override
  public CompanyUpsert upsertCompany(long ws, CompanyInput input) {
    try {
      return companies.upsert(ws, input);
    } catch (SQLException e) {
      throw wrap("create or update company", e);
    }
  }

  @Override
  public Company updateCompany(long ws, long companyId, CompanyInput input) {
    try {
      return companies.update(ws, companyId, input);
    } catch (SQLException e) {
      throw wrap("update company " + companyId, e);
    }
  }

  @Override
  public Company deleteCompany(long ws, long companyId) {
    try {
      return companies.delete(ws, companyId);
    } catch (SQLException e) {
      throw wrap("delete company " + companyId, e);
    }
  }

  @Override
  public Company.Attached attachCompany(
      long ws, long contactId, long companyId, String companyField) {
    try {
      return companies.attach(ws, contactId, companyId, companyField);
    } catch (SQLException e) {
      throw wrap("attach contact " + contactId + " to company " + companyId, e);
    }
  }

  @Override
  public Company detachCompany(long ws, long contactId, long companyId) {
    try {
      return companies.detach(ws, contactId, companyId);
    } catch (SQLException e) {
      throw wrap("detach contact " + contactId + " from company " + companyId, e);
    }
  }

  @Override
  public List<Company.Attached> contactCompanies(long ws, long contactId) {
    try {
      return reads.companies.contactCompanies(db, ws, contactId);
    } catch (SQLException e) {
      throw wrap("list companies of contact " + contactId, e);
    }
  }

  /**
   * A live tag of the workspace, else a 404 naming it ({@code field}: where the request had it).
   */
  private Tag liveTag(long ws, long tagId, String field) throws SQLException {
    return reads
        .tag(db, ws, tagId)
        .orElseThrow(
            () ->
                new TallyException(
                    TallyException.Kind.NOT_FOUND,
                    "not_found",
                    field,
                    "tag " + TallyException.quote(Ids.format(tagId)) + " not found"));
  }

  /** Raises a contact's version (its document is unchanged) and appends its oplog entry. */
  void raiseVersion(long ws, long contactId, long version) throws SQLException {
    update("UPDATE contacts SET version = ? WHERE id = ?", version, contactId);
    oplog(ws, OplogEntry.CONTACT, contactId, version, OplogEntry.UPDATE);
  }

  // ---- oplog and idempotency ----

  void oplog(long ws, String entity, long entityId, long version, String op) throws SQLException {
    lastPosition = Oplog.append(db, ws, entity, entityId, version, op, now);
  }

  /** A create entry (version 1) for each {id, workspace id}, in their order, in few statements. */
  void oplogCreates(String entity, List<long[]> created) throws SQLException {
    long last = Oplog.appendCreates(db, entity, created, now);
    if (last != 0) {
      lastPosition = last;
    }
  }

  // ---- retention ----

  @Override
  public int pruneOplog(long beforeEpochSeconds) {
    try {
      Long newest = queryLong("SELECT MAX(position) FROM oplog");
      Long highest =
          queryLong(
              "SELECT MAX(position) FROM oplog WHERE at < ? AND position < ?",
              beforeEpochSeconds,
              newest == null ? 0 : newest);
      if (highest == null) {
        return 0;
      }
      int removed = update("DELETE FROM oplog WHERE position <= ?", highest);
      update("UPDATE oplog_floor SET position = ? WHERE id = 1 AND position < ?", highest, highest);
      return removed;
    } catch (SQLException e) {
      throw wrap("prune the oplog", e);
    }
  }

  // ---- helpers ----

  void requireWorkspaceExists(long ws) throws SQLException {
    requireWorkspace(ws);
  }

  private void requireWorkspace(long ws) throws SQLException {
    if (!exists("SELECT 1 FROM workspaces WHERE id = ?", ws)) {
      throw TallyException.notFound("workspace", Ids.format(ws));
    }
  }

  private int update(String sql, Object... args) throws SQLException {
    return db.update(sql, args);
  }

  private long insert(String sql, Object... args) throws SQLException {
    return db.insert(false, sql, args);
  }

  private boolean exists(String sql, Object... args) throws SQLException {
    return db.exists(sql, args);
  }

  private Long queryLong(String sql, Object... args) throws SQLException {
    return db.queryLong(sql, args);
  }

  private long count(String sql, Object... args) throws SQLException {
    Long n = db.queryLong(sql, args);
    return n == null ? 0 : n;
  }

  private TallyException wrap(String what, SQLException e) {
    return StoreErrors.wrap(dialect, what, e);
  }
}
