package dev.tally.store.jdbc;

import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.SubscriptionType;
import java.sql.SQLException;

/**
 * The subscription-type writes of one write task ({@link JdbcWriteTx} hands them here): creating a
 * type (oplog entity {@code subscription_type}) and recording or removing a contact's choice on one
 * (the contact's version raised with an oplog entry, as tagging does).
 */
final class SubscriptionWrites {
  private final JdbcWriteTx tx;
  private final Sql db;
  private final SubscriptionReads reads;
  private final long now;

  SubscriptionWrites(JdbcWriteTx tx, Sql db, SubscriptionReads reads, long nowSeconds) {
    this.tx = tx;
    this.db = db;
    this.reads = reads;
    this.now = nowSeconds;
  }

  SubscriptionType create(long ws, SubscriptionType.New t) throws SQLException {
    tx.requireWorkspaceExists(ws);
    long id =
        db.insert(
            false,
            "INSERT INTO subscription_types (workspace_id, name, description, locale, consent_type,"
                + " content_types, state, version, created_at, updated_at)"
                + " VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?, ?) RETURNING id",
            ws,
            t.name(),
            t.description(),
            t.locale(),
            t.consentType(),
            SubscriptionReads.json(t.contentTypes()),
            t.state(),
            now,
            now);
    tx.oplog(ws, OplogEntry.SUBSCRIPTION_TYPE, id, 1, OplogEntry.CREATE);
    return new SubscriptionType(
        id,
        ws,
        t.name(),
        t.description(),
        t.locale(),
        t.consentType(),
        t.contentTypes(),
        t.state(),
        1,
        now,
        now);
  }

  SubscriptionType add(long ws, long contactId, long typeId, String consentType)
      throws SQLException {
    Contact contact = tx.requireContact(ws, contactId);
    SubscriptionType type = requireType(ws, typeId, "id");
    if (!type.consentType().equals(consentType)) {
      throw TallyException.invalid(
          "consent_type",
          "consent_type must be the subscription type's own, "
              + TallyException.quote(type.consentType())
              + " (attaching a contact to an opt_in type opts it in, to an opt_out type opts it"
              + " out), got "
              + TallyException.quote(consentType));
    }
    int added =
        db.update(
            "INSERT INTO contact_subscriptions (contact_id, subscription_type_id, workspace_id,"
                + " created_at) VALUES (?, ?, ?, ?) ON CONFLICT (contact_id, subscription_type_id)"
                + " DO NOTHING",
            contactId,
            typeId,
            ws,
            now);
    if (added > 0) {
      tx.raiseVersion(ws, contactId, contact.version() + 1);
    }
    return type;
  }

  SubscriptionType remove(long ws, long contactId, long typeId) throws SQLException {
    Contact contact = tx.requireContact(ws, contactId);
    SubscriptionType type = requireType(ws, typeId, null);
    if (db.update(
            "DELETE FROM contact_subscriptions WHERE contact_id = ? AND subscription_type_id = ?",
            contactId,
            typeId)
        > 0) {
      tx.raiseVersion(ws, contactId, contact.version() + 1);
    }
    return type;
  }

  /** A merge: the user gains the lead's choices on types it made none on. */
  void join(long fromId, long intoId) throws SQLException {
    db.update(
        "INSERT INTO contact_subscriptions (contact_id, subscription_type_id, workspace_id,"
            + " created_at) SELECT ?, subscription_type_id, workspace_id, created_at"
            + " FROM contact_subscriptions WHERE contact_id = ?"
            + " ON CONFLICT (contact_id, subscription_type_id) DO NOTHING",
        intoId,
        fromId);
  }

  /** A contact erased: its choices go with it. */
  void forget(long contactId) throws SQLException {
    db.update("DELETE FROM contact_subscriptions WHERE contact_id = ?", contactId);
  }

  private SubscriptionType requireType(long ws, long typeId, String field) throws SQLException {
    return reads
        .type(db, ws, typeId)
        .orElseThrow(
            () ->
                TallyException.notFoundAt(
                    field,
                    "subscription type "
                        + TallyException.quote(Ids.format(typeId))
                        + " not found (GET /subscription_types lists them)"));
  }
}
