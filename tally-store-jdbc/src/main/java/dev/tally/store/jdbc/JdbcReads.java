package dev.tally.store.jdbc;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactCodec;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.Event;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.FieldType;
import dev.tally.core.model.Note;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Page;
import dev.tally.core.model.Segment;
import dev.tally.core.model.Tag;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.io.IOException;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * The store's read queries, for every dialect; every one that touches workspace data filters by
 * workspace. Sets of ids are read in one query (bound as one parameter), never one query per id.
 */
public final class JdbcReads {
  /** The reads of companies. */
  final CompanyReads companies = new CompanyReads();

  /** The reads of campaigns and the send queue. */
  final MessagingReads messaging = new MessagingReads();

  final SubscriptionReads subscriptions = new SubscriptionReads();

  private static final ObjectMapper JSON = new ObjectMapper();

  private final Dialect dialect;

  private final String documents;

  public JdbcReads(Dialect dialect) {
    this.dialect = dialect;
    this.documents = documentsQuery();
  }

  /**
   * The condition of a live (not archived) contact, in every read of what the index must hold:
   * lists, documents, ids, versions. Partial indexes (V11) hold only these rows.
   */
  static final String LIVE = "archived_at IS NULL";

  public Optional<Contact> contact(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare("SELECT version, doc FROM contacts WHERE id = ? AND workspace_id = ?", id, ws)
            .executeQuery()) {
      return rs.next()
          ? Optional.of(ContactCodec.decode(id, ws, rs.getLong(1), rs.getString(2)))
          : Optional.empty();
    }
  }

  public Optional<Contact> findContact(Sql db, long ws, ContactRef ref) throws SQLException {
    return switch (ref.kind()) {
      case ID -> contact(db, ws, ref.id());
      case EXTERNAL_ID, EMAIL -> {
        String kind = ref.kind() == ContactRef.Kind.EMAIL ? Identity.EMAIL : Identity.EXTERNAL_ID;
        String value =
            ref.kind() == ContactRef.Kind.EMAIL
                ? ref.value().toLowerCase(Locale.ROOT)
                : ref.value();
        Long id =
            db.queryLong(
                "SELECT contact_id FROM identities WHERE workspace_id = ? AND kind = ? AND value = ?",
                ws,
                kind,
                value);
        yield id == null ? Optional.empty() : contact(db, ws, id);
      }
    };
  }

  public Page<Contact> contacts(Sql db, long ws, long afterId, int limit) throws SQLException {
    List<Contact> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT id, version, doc FROM contacts WHERE workspace_id = ? AND "
                    + LIVE
                    + " AND id > ? ORDER BY id LIMIT ?",
                ws,
                afterId,
                limit + 1)
            .executeQuery()) {
      while (rs.next()) {
        out.add(ContactCodec.decode(rs.getLong(1), ws, rs.getLong(2), rs.getString(3)));
      }
    }
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  /**
   * The documents of these live contacts, each with its event summaries and live tag ids, in one
   * query: one statement sees one snapshot on every database, so no transaction is needed to keep a
   * document, its summaries and its tags from different moments, and the set is one round trip.
   * Archived contacts are left out: this is what the index must hold.
   */
  public List<ContactDocument> documents(Sql db, Collection<Long> ids) throws SQLException {
    if (ids.isEmpty()) {
      return List.of();
    }
    return documents(
        db.prepare(
            documents + "WHERE " + dialect.inIds("c.id") + " AND c." + LIVE + " ORDER BY c.id",
            dialect.idSet(db.connection(), ids)));
  }

  /** One contact's document, archived or not, in one query. */
  public Optional<ContactDocument> document(Sql db, long ws, long id) throws SQLException {
    return documents(db.prepare(documents + "WHERE c.id = ? AND c.workspace_id = ?", id, ws))
        .stream()
        .findFirst();
  }

  /** The live documents of every workspace in id order after {@code afterId}, for bulk loads. */
  public List<ContactDocument> documentsAfter(Sql db, long afterId, int limit) throws SQLException {
    return documents(
        db.prepare(
            documents + "WHERE c.id > ? AND c." + LIVE + " ORDER BY c.id LIMIT ?", afterId, limit));
  }

  /** Whether the contact is archived (false when it is live or does not exist). */
  public boolean archived(Sql db, long id) throws SQLException {
    return db.exists("SELECT 1 FROM contacts WHERE id = ? AND archived_at IS NOT NULL", id);
  }

  private String documentsQuery() {
    return "SELECT c.id, c.workspace_id, c.version, c.doc, (SELECT "
        + dialect.jsonArrays("s.name, s.count, s.first_at, s.last_at")
        + " FROM event_summaries s WHERE s.contact_id = c.id), (SELECT "
        + dialect.jsonArrays("t.tag_id")
        + " FROM contact_tags t JOIN tags g ON g.id = t.tag_id WHERE t.contact_id = c.id"
        + " AND g.deleted_at IS NULL), (SELECT "
        + dialect.jsonArrays("m.company_id")
        + " FROM contact_companies m JOIN companies y ON y.id = m.company_id"
        + " WHERE m.contact_id = c.id AND y.deleted_at IS NULL) FROM contacts c ";
  }

  private List<ContactDocument> documents(PreparedStatement query) throws SQLException {
    List<ContactDocument> out = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        Contact c =
            ContactCodec.decode(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4));
        Map<String, EventSummary> events = new HashMap<>();
        String summaries = rs.getString(5);
        if (summaries != null) {
          try {
            for (JsonNode a : JSON.readTree(summaries)) {
              events.put(
                  a.get(0).asText(),
                  new EventSummary(
                      a.get(0).asText(), a.get(1).asLong(), a.get(2).asLong(), a.get(3).asLong()));
            }
          } catch (IOException e) {
            throw new SQLException("event summaries of contact " + c.id() + " are not JSON", e);
          }
        }
        out.add(
            new ContactDocument(
                c, events, ids(c, "tags", rs.getString(6)), ids(c, "companies", rs.getString(7))));
      }
    }
    return out;
  }

  /** The ids of a JSON array of one-element arrays, as jsonArrays writes them (null: none). */
  private static List<Long> ids(Contact c, String what, String json) throws SQLException {
    List<Long> ids = new ArrayList<>();
    if (json != null) {
      try {
        for (JsonNode a : JSON.readTree(json)) {
          ids.add(a.get(0).asLong());
        }
      } catch (IOException e) {
        throw new SQLException(what + " of contact " + c.id() + " are not JSON", e);
      }
    }
    return ids;
  }

  public List<VersionDigest> versionDigests(Sql db) throws SQLException {
    List<VersionDigest> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT id >> "
                    + VersionDigest.BUCKET_BITS
                    + " AS bucket, count(*), CAST(sum("
                    + VersionDigest.SQL_HASH
                    + ") AS BIGINT) FROM "
                    + dialect.contactVersions()
                    + " GROUP BY bucket ORDER BY bucket")
            .executeQuery()) {
      while (rs.next()) {
        out.add(new VersionDigest(rs.getLong(1), rs.getLong(2), rs.getLong(3)));
      }
    }
    return out;
  }

  public List<IdVersion> versions(Sql db, long fromId, long toId) throws SQLException {
    List<IdVersion> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT id, version FROM "
                    + dialect.contactVersions()
                    + " WHERE id >= ? AND id < ? ORDER BY id",
                fromId,
                toId)
            .executeQuery()) {
      while (rs.next()) {
        out.add(new IdVersion(rs.getLong(1), rs.getLong(2)));
      }
    }
    return out;
  }

  public List<Long> contactIds(Sql db, long afterId, int limit) throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT id FROM contacts WHERE id > ? AND " + LIVE + " ORDER BY id LIMIT ?",
                afterId,
                limit)
            .executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  public long contactCount(Sql db, long ws) throws SQLException {
    Long n = db.queryLong("SELECT contact_count FROM workspaces WHERE id = ?", ws);
    return n == null ? 0 : n;
  }

  /** These events, in any workspace (ids not found are left out), in id order. */
  /**
   * Of these contacts, the campaign's recorded segment members with the occurrence they entered
   * with.
   */
  public java.util.Map<Long, Long> segmentEntryMembers(
      Sql db, long campaignId, Collection<Long> contactIds) throws SQLException {
    java.util.Map<Long, Long> out = new java.util.HashMap<>();
    if (contactIds.isEmpty()) {
      return out;
    }
    try (ResultSet rs =
        db.prepare(
                "SELECT contact_id, since FROM segment_entry_members WHERE campaign_id = ? AND "
                    + dialect.inIds("contact_id"),
                campaignId,
                dialect.idSet(db.connection(), contactIds))
            .executeQuery()) {
      while (rs.next()) {
        out.put(rs.getLong(1), rs.getLong(2));
      }
    }
    return out;
  }

  /** A page of the campaign's recorded segment members after {@code afterId}, in id order. */
  public List<Long> segmentEntryMembersAfter(Sql db, long campaignId, long afterId, int limit)
      throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT contact_id FROM segment_entry_members WHERE campaign_id = ? "
                    + "AND contact_id > ? ORDER BY contact_id LIMIT ?",
                campaignId,
                afterId,
                limit)
            .executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  public List<Event> eventsById(Sql db, Collection<Long> ids) throws SQLException {
    List<Event> out = new ArrayList<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (ResultSet rs =
        db.prepare(
                "SELECT id, workspace_id, contact_id, name, created_at, metadata FROM events WHERE "
                    + dialect.inIds("id")
                    + " ORDER BY id",
                dialect.idSet(db.connection(), ids))
            .executeQuery()) {
      while (rs.next()) {
        out.add(
            new Event(
                rs.getLong(1),
                rs.getLong(2),
                rs.getLong(3),
                rs.getString(4),
                rs.getLong(5),
                rs.getString(6)));
      }
    }
    return out;
  }

  public Page<Event> events(Sql db, long ws, long contactId, long beforeId, int limit)
      throws SQLException {
    List<Event> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT id, name, created_at, metadata FROM events WHERE workspace_id = ? AND contact_id = ? "
                    + "AND id < ? ORDER BY id DESC LIMIT ?",
                ws,
                contactId,
                beforeId,
                limit + 1)
            .executeQuery()) {
      while (rs.next()) {
        out.add(
            new Event(
                rs.getLong(1), ws, contactId, rs.getString(2), rs.getLong(3), rs.getString(4)));
      }
    }
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  public List<EventSummary> eventSummaries(Sql db, long ws, long contactId) throws SQLException {
    List<EventSummary> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT name, count, first_at, last_at FROM event_summaries WHERE workspace_id = ? "
                    + "AND contact_id = ? ORDER BY name",
                ws,
                contactId)
            .executeQuery()) {
      while (rs.next()) {
        out.add(new EventSummary(rs.getString(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)));
      }
    }
    return out;
  }

  private static final String NOTE_COLUMNS =
      "SELECT id, workspace_id, contact_id, admin_id, body, created_at FROM notes ";

  public Optional<Note> note(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare(NOTE_COLUMNS + "WHERE workspace_id = ? AND id = ?", ws, id).executeQuery()) {
      return rs.next() ? Optional.of(note(rs)) : Optional.empty();
    }
  }

  public Page<Note> notes(Sql db, long ws, long contactId, long beforeId, int limit)
      throws SQLException {
    List<Note> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                NOTE_COLUMNS
                    + "WHERE workspace_id = ? AND contact_id = ? AND id < ? ORDER BY id DESC LIMIT ?",
                ws,
                contactId,
                beforeId,
                limit + 1)
            .executeQuery()) {
      while (rs.next()) {
        out.add(note(rs));
      }
    }
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  /** Per contact with notes: how many, and the newest {@code shown} ids (newest first). */
  public Map<Long, Note.Summary> noteSummaries(
      Sql db, long ws, java.util.Collection<Long> contactIds, int shown) throws SQLException {
    Map<Long, Note.Summary> out = new HashMap<>();
    if (contactIds.isEmpty()) {
      return out;
    }
    Map<Long, List<Long>> newest = new HashMap<>();
    Map<Long, Long> counts = new HashMap<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT contact_id, id FROM notes WHERE workspace_id = ? AND "
                    + dialect.inIds("contact_id")
                    + " ORDER BY contact_id, id DESC",
                ws,
                dialect.idSet(db.connection(), contactIds))
            .executeQuery()) {
      while (rs.next()) {
        long contact = rs.getLong(1);
        counts.merge(contact, 1L, Long::sum);
        List<Long> ids = newest.computeIfAbsent(contact, k -> new ArrayList<>());
        if (ids.size() < shown) {
          ids.add(rs.getLong(2));
        }
      }
    }
    counts.forEach((contact, n) -> out.put(contact, new Note.Summary(n, newest.get(contact))));
    return out;
  }

  private static Note note(ResultSet rs) throws SQLException {
    long admin = rs.getLong(4);
    Long adminId = rs.wasNull() ? null : admin;
    return new Note(
        rs.getLong(1), rs.getLong(2), rs.getLong(3), adminId, rs.getString(5), rs.getLong(6));
  }

  private static final String SEGMENT_COLUMNS =
      "SELECT id, workspace_id, name, person_type, query, created_at, updated_at FROM segments ";

  public List<Segment> segments(Sql db, long ws) throws SQLException {
    List<Segment> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(SEGMENT_COLUMNS + "WHERE workspace_id = ? ORDER BY id", ws).executeQuery()) {
      while (rs.next()) {
        out.add(segment(rs));
      }
    }
    return out;
  }

  public Optional<Segment> segment(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare(SEGMENT_COLUMNS + "WHERE workspace_id = ? AND id = ?", ws, id).executeQuery()) {
      return rs.next() ? Optional.of(segment(rs)) : Optional.empty();
    }
  }

  private static Segment segment(ResultSet rs) throws SQLException {
    return new Segment(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getString(5),
        rs.getLong(6),
        rs.getLong(7));
  }

  // ---- tags ----

  private static final String TAG_COLUMNS = "SELECT id, name, version, created_at FROM tags ";

  /** The workspace's live tags in id order. */
  public List<Tag> tags(Sql db, long ws) throws SQLException {
    List<Tag> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(TAG_COLUMNS + "WHERE workspace_id = ? AND deleted_at IS NULL ORDER BY id", ws)
            .executeQuery()) {
      while (rs.next()) {
        out.add(tag(rs, ws));
      }
    }
    return out;
  }

  /** A live tag of the workspace. */
  public Optional<Tag> tag(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare(TAG_COLUMNS + "WHERE id = ? AND workspace_id = ? AND deleted_at IS NULL", id, ws)
            .executeQuery()) {
      return rs.next() ? Optional.of(tag(rs, ws)) : Optional.empty();
    }
  }

  /** The workspace's live tag with this name, ignoring case. */
  public Optional<Tag> tagNamed(Sql db, long ws, String name) throws SQLException {
    try (ResultSet rs =
        db.prepare(
                TAG_COLUMNS + "WHERE workspace_id = ? AND name_key = ? AND deleted_at IS NULL",
                ws,
                Tag.key(name))
            .executeQuery()) {
      return rs.next() ? Optional.of(tag(rs, ws)) : Optional.empty();
    }
  }

  /** The contact's live tags, with when each was applied, in tag id order. */
  public List<Tag.Applied> contactTags(Sql db, long ws, long contactId) throws SQLException {
    List<Tag.Applied> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT g.id, g.name, g.version, g.created_at, t.applied_at FROM contact_tags t "
                    + "JOIN tags g ON g.id = t.tag_id WHERE t.contact_id = ? AND t.workspace_id = ? "
                    + "AND g.deleted_at IS NULL ORDER BY g.id",
                contactId,
                ws)
            .executeQuery()) {
      while (rs.next()) {
        out.add(new Tag.Applied(tag(rs, ws), rs.getLong(5)));
      }
    }
    return out;
  }

  /** The live tag (company) ids of each of these contacts of the workspace, ascending. */
  public Map<Long, List<Long>> memberIds(
      Sql db, long ws, MemberTable m, Collection<Long> contactIds) throws SQLException {
    Map<Long, List<Long>> out = new LinkedHashMap<>();
    if (contactIds.isEmpty()) {
      return out;
    }
    try (ResultSet rs =
        db.prepare(
                "SELECT t.contact_id, t."
                    + m.column
                    + " FROM "
                    + m.links
                    + " t JOIN "
                    + m.table
                    + " g ON g.id = t."
                    + m.column
                    + " WHERE t.workspace_id = ? AND "
                    + dialect.inIds("t.contact_id")
                    + " AND g.deleted_at IS NULL ORDER BY t.contact_id, t."
                    + m.column,
                ws,
                dialect.idSet(db.connection(), contactIds))
            .executeQuery()) {
      while (rs.next()) {
        out.computeIfAbsent(rs.getLong(1), k -> new ArrayList<>()).add(rs.getLong(2));
      }
    }
    return out;
  }

  /** Which of these ids are live tags (companies) of the workspace. */
  public Set<Long> liveMemberIds(Sql db, long ws, MemberTable m, Collection<Long> ids)
      throws SQLException {
    Set<Long> out = new HashSet<>();
    if (ids.isEmpty()) {
      return out;
    }
    try (ResultSet rs =
        db.prepare(
                "SELECT id FROM "
                    + m.table
                    + " WHERE workspace_id = ? AND "
                    + dialect.inIds("id")
                    + " AND deleted_at IS NULL",
                ws,
                dialect.idSet(db.connection(), ids))
            .executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    return out;
  }

  private static Tag tag(ResultSet rs, long ws) throws SQLException {
    return new Tag(rs.getLong(1), ws, rs.getString(2), rs.getLong(3), rs.getLong(4));
  }

  private static final String DATA_ATTRIBUTE_COLUMNS =
      "SELECT id, name, data_type, description, options, messenger_writable, archived, created_at, "
          + "updated_at, model FROM data_attributes ";

  /** The condition on model: every model when null. */
  private static String modelIs(String model) {
    return model == null ? "" : "AND model = ? ";
  }

  /** {@code args} with the model spliced in after the workspace when there is one. */
  private static Object[] withModel(String model, Object ws, Object... rest) {
    List<Object> args = new ArrayList<>();
    args.add(ws);
    if (model != null) {
      args.add(model);
    }
    args.addAll(List.of(rest));
    return args.toArray();
  }

  /** The workspace's data attributes of {@code model} (null: every model), in id order. */
  public List<DataAttribute> dataAttributes(Sql db, long ws, String model) throws SQLException {
    List<DataAttribute> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                DATA_ATTRIBUTE_COLUMNS + "WHERE workspace_id = ? " + modelIs(model) + "ORDER BY id",
                withModel(model, ws))
            .executeQuery()) {
      while (rs.next()) {
        out.add(dataAttribute(rs, ws));
      }
    }
    return out;
  }

  /**
   * A page of data attributes of {@code model} (null: every model) in id order; archived ones are
   * left out in SQL (not after), so a page is never short while more follow.
   */
  public Page<DataAttribute> dataAttributes(
      Sql db, long ws, String model, boolean includeArchived, long afterId, int limit)
      throws SQLException {
    List<DataAttribute> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                DATA_ATTRIBUTE_COLUMNS
                    + "WHERE workspace_id = ? "
                    + modelIs(model)
                    + "AND id > ? AND (archived = ? OR archived = ?) ORDER BY id LIMIT ?",
                withModel(model, ws, afterId, false, includeArchived, limit + 1))
            .executeQuery()) {
      while (rs.next()) {
        out.add(dataAttribute(rs, ws));
      }
    }
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  public long dataAttributeCount(Sql db, long ws, String model, boolean includeArchived)
      throws SQLException {
    Long n =
        db.queryLong(
            "SELECT COUNT(*) FROM data_attributes WHERE workspace_id = ? "
                + modelIs(model)
                + "AND (archived = ? OR archived = ?)",
            withModel(model, ws, false, includeArchived));
    return n == null ? 0 : n;
  }

  /** One data attribute of the workspace, archived or not. */
  public Optional<DataAttribute> dataAttribute(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare(DATA_ATTRIBUTE_COLUMNS + "WHERE workspace_id = ? AND id = ?", ws, id)
            .executeQuery()) {
      return rs.next() ? Optional.of(dataAttribute(rs, ws)) : Optional.empty();
    }
  }

  private static DataAttribute dataAttribute(ResultSet rs, long ws) throws SQLException {
    List<String> options = new ArrayList<>();
    try {
      for (JsonNode o : JSON.readTree(rs.getString(5))) {
        options.add(o.asText());
      }
    } catch (IOException e) {
      throw new SQLException("data attribute " + rs.getLong(1) + ": options are not JSON", e);
    }
    return new DataAttribute(
        rs.getLong(1),
        ws,
        rs.getString(10),
        rs.getString(2),
        FieldType.fromApiName(rs.getString(3)),
        rs.getString(4),
        options,
        rs.getBoolean(6),
        rs.getBoolean(7),
        rs.getLong(8),
        rs.getLong(9));
  }

  public List<OplogEntry> oplog(Sql db, long after, int limit) throws SQLException {
    List<OplogEntry> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT position, workspace_id, entity, entity_id, version, op, at FROM oplog "
                    + "WHERE position > ? ORDER BY position LIMIT ?",
                after,
                limit)
            .executeQuery()) {
      while (rs.next()) {
        out.add(
            new OplogEntry(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getLong(4),
                rs.getLong(5),
                rs.getString(6),
                rs.getLong(7)));
      }
    }
    return out;
  }

  public List<Workspace> workspaces(Sql db, Long onlyId) throws SQLException {
    List<Workspace> out = new ArrayList<>();
    String sql =
        "SELECT id, name, created_at, time_zone FROM workspaces"
            + (onlyId == null ? " ORDER BY id" : " WHERE id = ?");
    try (ResultSet rs =
        (onlyId == null ? db.prepare(sql) : db.prepare(sql, onlyId)).executeQuery()) {
      while (rs.next()) {
        out.add(new Workspace(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
      }
    }
    return out;
  }

  private static final String TOKEN_COLUMNS =
      "SELECT id, workspace_id, prefix, created_at, admin_id FROM workspace_tokens ";

  public List<TokenInfo> tokens(Sql db, long ws) throws SQLException {
    List<TokenInfo> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(TOKEN_COLUMNS + "WHERE workspace_id = ? ORDER BY id", ws).executeQuery()) {
      while (rs.next()) {
        out.add(token(rs));
      }
    }
    return out;
  }

  public Optional<TokenInfo> token(Sql db, String tokenHash) throws SQLException {
    try (ResultSet rs =
        db.prepare(TOKEN_COLUMNS + "WHERE token_hash = ?", tokenHash).executeQuery()) {
      return rs.next() ? Optional.of(token(rs)) : Optional.empty();
    }
  }

  private static TokenInfo token(ResultSet rs) throws SQLException {
    return new TokenInfo(
        rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4), rs.getLong(5));
  }

  private static final String ADMIN_COLUMNS =
      "SELECT id, workspace_id, name, email, version, created_at FROM admins ";

  /** The workspace's teammates in id order. */
  public List<Admin> admins(Sql db, long ws) throws SQLException {
    List<Admin> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(ADMIN_COLUMNS + "WHERE workspace_id = ? ORDER BY id", ws).executeQuery()) {
      while (rs.next()) {
        out.add(admin(rs));
      }
    }
    return out;
  }

  public Optional<Admin> admin(Sql db, long ws, long id) throws SQLException {
    try (ResultSet rs =
        db.prepare(ADMIN_COLUMNS + "WHERE id = ? AND workspace_id = ?", id, ws).executeQuery()) {
      return rs.next() ? Optional.of(admin(rs)) : Optional.empty();
    }
  }

  private static Admin admin(ResultSet rs) throws SQLException {
    return new Admin(
        rs.getLong(1),
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getLong(6));
  }
}
