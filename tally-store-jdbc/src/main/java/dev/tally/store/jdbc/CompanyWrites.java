package dev.tally.store.jdbc;

import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Company;
import dev.tally.core.model.CompanyCodec;
import dev.tally.core.model.CompanyInput;
import dev.tally.core.model.Contact;
import dev.tally.core.model.CustomAttributeTyping;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.store.WriteTx;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * The company writes of one write task ({@link JdbcWriteTx} hands them here): companies with their
 * oplog entries, and contacts' attachments, each raising the contact's version and keeping the
 * company's user_count.
 */
final class CompanyWrites {
  private final JdbcWriteTx tx;
  private final Sql db;
  private final JdbcReads reads;
  private final long now;

  CompanyWrites(JdbcWriteTx tx, Sql db, JdbcReads reads, long now) {
    this.tx = tx;
    this.db = db;
    this.reads = reads;
    this.now = now;
  }

  WriteTx.CompanyUpsert upsert(long ws, CompanyInput in) throws SQLException {
    if (in.companyId() == null) {
      throw TallyException.missing(
          "company_id",
          "company_id is required: a company is created, or found and updated, by the "
              + "company_id you give it");
    }
    Company existing = reads.companies.byCompanyId(db, ws, in.companyId()).orElse(null);
    if (existing != null) {
      return new WriteTx.CompanyUpsert(change(existing, in), false);
    }
    tx.requireWorkspaceExists(ws);
    Map<String, Object> fields = apply(Map.of(), in.fields());
    String name = (String) fields.remove("name");
    Map<String, Object> custom = apply(Map.of(), typed(ws, in));
    long id =
        db.insert(
            false,
            "INSERT INTO companies (workspace_id, company_key, name, doc, user_count, version, "
                + "created_at, updated_at) VALUES (?, ?, ?, ?, 0, 1, ?, ?) RETURNING id",
            ws,
            in.companyId(),
            name,
            CompanyCodec.encode(fields, custom),
            now,
            now);
    tx.oplog(ws, OplogEntry.COMPANY, id, 1, OplogEntry.CREATE);
    return new WriteTx.CompanyUpsert(
        new Company(id, ws, in.companyId(), name, 1, now, now, 0, fields, custom), true);
  }

  Company update(long ws, long companyId, CompanyInput in) throws SQLException {
    Company c = live(ws, companyId, null);
    if (in.companyId() != null && !in.companyId().equals(c.companyId())) {
      throw TallyException.invalid(
          "company_id",
          "company_id cannot be changed: this company's is "
              + TallyException.quote(c.companyId())
              + ", the request has "
              + TallyException.quote(in.companyId()));
    }
    return change(c, in);
  }

  private Company change(Company c, CompanyInput in) throws SQLException {
    Map<String, Object> fields = new LinkedHashMap<>(c.fields());
    fields.put("name", c.name());
    fields = apply(fields, in.fields());
    String name = (String) fields.remove("name");
    Map<String, Object> custom = apply(c.custom(), typed(c.workspaceId(), in));
    long version = c.version() + 1;
    db.update(
        "UPDATE companies SET name = ?, doc = ?, version = ?, updated_at = ? WHERE id = ?",
        name,
        CompanyCodec.encode(fields, custom),
        version,
        now,
        c.id());
    tx.oplog(c.workspaceId(), OplogEntry.COMPANY, c.id(), version, OplogEntry.UPDATE);
    return new Company(
        c.id(),
        c.workspaceId(),
        c.companyId(),
        name,
        version,
        c.createdAt(),
        now,
        c.userCount(),
        fields,
        custom);
  }

  Company delete(long ws, long companyId) throws SQLException {
    Company c = live(ws, companyId, null);
    long version = c.version() + 1;
    db.update(
        "UPDATE companies SET deleted_at = ?, version = ? WHERE id = ?", now, version, c.id());
    tx.oplog(ws, OplogEntry.COMPANY, c.id(), version, OplogEntry.DELETE);
    return c;
  }

  Company.Attached attach(long ws, long contactId, long companyId, String companyField)
      throws SQLException {
    Contact contact = tx.requireContact(ws, contactId);
    Company company = live(ws, companyId, companyField);
    Long attached =
        db.queryLong(
            "SELECT attached_at FROM contact_companies WHERE contact_id = ? AND company_id = ?",
            contactId,
            companyId);
    if (attached != null) {
      return new Company.Attached(company, attached);
    }
    Long have =
        db.queryLong("SELECT COUNT(*) FROM contact_companies WHERE contact_id = ?", contactId);
    if (have != null && have >= Company.MAX_PER_CONTACT) {
      throw new TallyException(
          TallyException.Kind.BAD_REQUEST,
          "contact_company_limit_exceeded",
          companyField,
          "contact "
              + Ids.format(contactId)
              + " has reached the maximum of "
              + Company.MAX_PER_CONTACT
              + " company associations; detach one first");
    }
    db.update(
        "INSERT INTO contact_companies (contact_id, company_id, workspace_id, attached_at) "
            + "VALUES (?, ?, ?, ?)",
        contactId,
        companyId,
        ws,
        now);
    db.update("UPDATE companies SET user_count = user_count + 1 WHERE id = ?", companyId);
    tx.raiseVersion(ws, contactId, contact.version() + 1);
    return new Company.Attached(withUserCount(company, company.userCount() + 1), now);
  }

  Company detach(long ws, long contactId, long companyId) throws SQLException {
    Contact contact = tx.requireContact(ws, contactId);
    Company company = live(ws, companyId, null);
    if (db.update(
            "DELETE FROM contact_companies WHERE contact_id = ? AND company_id = ?",
            contactId,
            companyId)
        == 0) {
      return company;
    }
    db.update("UPDATE companies SET user_count = user_count - 1 WHERE id = ?", companyId);
    tx.raiseVersion(ws, contactId, contact.version() + 1);
    return withUserCount(company, company.userCount() - 1);
  }

  /**
   * Attaches contact {@code intoId} to every company {@code fromId} has (a merge): user_count + 1
   * where it was not attached already. The caller raises its version.
   */
  void join(long fromId, long intoId) throws SQLException {
    db.update(
        "UPDATE companies SET user_count = user_count + 1 WHERE id IN "
            + "(SELECT company_id FROM contact_companies WHERE contact_id = ?) AND id NOT IN "
            + "(SELECT company_id FROM contact_companies WHERE contact_id = ?)",
        fromId,
        intoId);
    db.update(
        "INSERT INTO contact_companies (contact_id, company_id, workspace_id, attached_at) "
            + "SELECT ?, company_id, workspace_id, attached_at FROM contact_companies "
            + "WHERE contact_id = ? ON CONFLICT (contact_id, company_id) DO NOTHING",
        intoId,
        fromId);
  }

  /** Detaches a contact that is being deleted from all its companies (no version raised). */
  void forget(long contactId) throws SQLException {
    db.update(
        "UPDATE companies SET user_count = user_count - 1 WHERE id IN "
            + "(SELECT company_id FROM contact_companies WHERE contact_id = ?)",
        contactId);
    db.update("DELETE FROM contact_companies WHERE contact_id = ?", contactId);
  }

  private Map<String, Object> typed(long ws, CompanyInput in) {
    if (in.custom().isEmpty()) {
      return Map.of();
    }
    return CustomAttributeTyping.resolve(
        in.custom(), tx.definitions(ws, DataAttribute.MODEL_COMPANY));
  }

  /** {@code base} with {@code changes} applied: a null value removes the key. */
  private static Map<String, Object> apply(Map<String, Object> base, Map<String, ?> changes) {
    Map<String, Object> out = new LinkedHashMap<>(base);
    changes.forEach(
        (k, v) -> {
          if (v == null) {
            out.remove(k);
          } else {
            out.put(k, v);
          }
        });
    out.values().removeIf(Objects::isNull);
    return out;
  }

  private static Company withUserCount(Company c, long userCount) {
    return new Company(
        c.id(),
        c.workspaceId(),
        c.companyId(),
        c.name(),
        c.version(),
        c.createdAt(),
        c.updatedAt(),
        userCount,
        c.fields(),
        c.custom());
  }

  /** A live company of the workspace, else Intercom's 404 company_not_found naming it. */
  Company live(long ws, long companyId, String field) throws SQLException {
    return reads
        .companies
        .company(db, ws, companyId)
        .orElseThrow(
            () ->
                new TallyException(
                    TallyException.Kind.NOT_FOUND,
                    "company_not_found",
                    field,
                    "company " + TallyException.quote(Ids.format(companyId)) + " not found"));
  }
}
