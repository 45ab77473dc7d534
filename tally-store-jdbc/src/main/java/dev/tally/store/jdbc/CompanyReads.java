package dev.tally.store.jdbc;

import dev.tally.core.model.Company;
import dev.tally.core.model.CompanyCodec;
import dev.tally.core.model.Page;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The reads of companies and of contacts' companies, for every dialect. Live companies only. */
final class CompanyReads {
  private static final String COLUMNS =
      "SELECT y.id, y.workspace_id, y.company_key, y.name, y.version, y.created_at, y.updated_at, "
          + "y.user_count, y.doc FROM companies y ";

  /** A live company of the workspace by Tally's id. */
  Optional<Company> company(Sql db, long ws, long id) throws SQLException {
    return first(
        db.prepare(
            COLUMNS + "WHERE y.id = ? AND y.workspace_id = ? AND y.deleted_at IS NULL", id, ws));
  }

  /** The workspace's live company with this company_id. */
  Optional<Company> byCompanyId(Sql db, long ws, String companyId) throws SQLException {
    return first(
        db.prepare(
            COLUMNS + "WHERE y.workspace_id = ? AND y.company_key = ? AND y.deleted_at IS NULL",
            ws,
            companyId));
  }

  /** The workspace's oldest live company with this name. */
  Optional<Company> named(Sql db, long ws, String name) throws SQLException {
    return first(
        db.prepare(
            COLUMNS
                + "WHERE y.workspace_id = ? AND y.name = ? AND y.deleted_at IS NULL "
                + "ORDER BY y.id LIMIT 1",
            ws,
            name));
  }

  Page<Company> companies(Sql db, long ws, long afterId, boolean descending, int offset, int limit)
      throws SQLException {
    List<Company> out =
        list(
            db.prepare(
                COLUMNS
                    + "WHERE y.workspace_id = ? AND y.deleted_at IS NULL AND y.id "
                    + (descending ? "< ? ORDER BY y.id DESC" : "> ? ORDER BY y.id")
                    + " LIMIT ? OFFSET ?",
                ws,
                afterId,
                limit + 1,
                offset));
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  long count(Sql db, long ws) throws SQLException {
    Long n =
        db.queryLong(
            "SELECT COUNT(*) FROM companies WHERE workspace_id = ? AND deleted_at IS NULL", ws);
    return n == null ? 0 : n;
  }

  /** The contact's live companies, with when each was attached, in company id order. */
  List<Company.Attached> contactCompanies(Sql db, long ws, long contactId) throws SQLException {
    List<Company.Attached> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                COLUMNS.replace("FROM companies y ", ", m.attached_at FROM companies y ")
                    + "JOIN contact_companies m ON m.company_id = y.id "
                    + "WHERE m.contact_id = ? AND m.workspace_id = ? AND y.deleted_at IS NULL "
                    + "ORDER BY y.id",
                contactId,
                ws)
            .executeQuery()) {
      while (rs.next()) {
        out.add(new Company.Attached(company(rs), rs.getLong(10)));
      }
    }
    return out;
  }

  Page<Long> contactIds(Sql db, long ws, long companyId, long afterId, int offset, int limit)
      throws SQLException {
    List<Long> out = new ArrayList<>();
    try (ResultSet rs =
        db.prepare(
                "SELECT contact_id FROM contact_companies WHERE company_id = ? AND workspace_id = ? "
                    + "AND contact_id > ? ORDER BY contact_id LIMIT ? OFFSET ?",
                companyId,
                ws,
                afterId,
                limit + 1,
                offset)
            .executeQuery()) {
      while (rs.next()) {
        out.add(rs.getLong(1));
      }
    }
    boolean more = out.size() > limit;
    return new Page<>(more ? out.subList(0, limit) : out, more);
  }

  private static Optional<Company> first(PreparedStatement query) throws SQLException {
    List<Company> all = list(query);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  private static List<Company> list(PreparedStatement query) throws SQLException {
    List<Company> out = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        out.add(company(rs));
      }
    }
    return out;
  }

  private static Company company(ResultSet rs) throws SQLException {
    long id = rs.getLong(1);
    CompanyCodec.Stored doc = CompanyCodec.decode(id, rs.getString(9));
    return new Company(
        id,
        rs.getLong(2),
        rs.getString(3),
        rs.getString(4),
        rs.getLong(5),
        rs.getLong(6),
        rs.getLong(7),
        rs.getLong(8),
        doc.fields(),
        doc.custom());
  }
}
