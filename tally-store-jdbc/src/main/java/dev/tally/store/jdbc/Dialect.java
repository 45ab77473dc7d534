package dev.tally.store.jdbc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;

/**
 * What differs between the databases Tally stores in; everything else is written once in this
 * package. A dialect is small on purpose: how failures map onto outages, how a set of ids is bound
 * as one parameter, how rows aggregate into JSON, where (id, version) pairs are read from, and how
 * a contact's rows are written ({@link ContactStatements}: one statement per step, or fused into
 * one statement where round trips are what costs).
 */
public interface Dialect {

  /** The outage this failure is, or null when it is none (then it is a bug, and becomes a 500). */
  Outage outage(SQLException e);

  /** The value to bind for {@link #inIds}. */
  Object idSet(Connection c, Collection<Long> ids) throws SQLException;

  /**
   * The few SQL forms that differ, each a format with one {@code %s}: a condition that a column is
   * in the set of ids bound by {@link #idSet} as one parameter; the table to read (id, version)
   * pairs from (naming the covering index where the database needs telling, so that verifying
   * versions reads no document); an aggregate of a subquery's rows into one JSON array of arrays of
   * values; and how a contact's rows are written.
   */
  record Forms(
      String inIds, String contactVersions, String jsonArrays, ContactStatements contacts) {}

  Forms forms();

  default String inIds(String column) {
    return forms().inIds().formatted(column);
  }

  default String contactVersions() {
    return forms().contactVersions();
  }

  /**
   * An aggregate of the rows of a subquery into one JSON array of arrays of {@code values} (SQL,
   * comma-separated).
   */
  default String jsonArrays(String values) {
    return forms().jsonArrays().formatted(values);
  }

  /** How this database writes a contact's rows. */
  default ContactStatements contactStatements() {
    return forms().contacts();
  }
}
