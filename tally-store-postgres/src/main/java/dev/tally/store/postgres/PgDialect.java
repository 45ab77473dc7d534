package dev.tally.store.postgres;

import dev.tally.store.jdbc.Dialect;
import dev.tally.store.jdbc.Outage;
import java.io.IOException;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.Collection;

/**
 * PostgreSQL's differences. Every statement is a round trip from the one writer thread, so a
 * contact's rows are written by one fused statement ({@link PgContactStatements}); sets of ids are
 * bound as one bigint array.
 */
enum PgDialect implements Dialect {
  INSTANCE;

  // Index-only scans of contacts_versions (id INCLUDE version, partial: live contacts only since
  // V11) come without asking.
  private static final Forms FORMS =
      new Forms(
          "%s = ANY (?)",
          "(SELECT id, version FROM contacts WHERE archived_at IS NULL) AS live",
          "json_agg(json_build_array(%s))",
          new PgContactStatements());

  /**
   * By SQLSTATE, anywhere in the cause chain: connection exceptions (08), shutdown and start-up
   * (57P01-03), a read-only server (25006: a standby, as during a failover), insufficient resources
   * (53), lock and statement timeouts, serialization failures and deadlocks, and system (I/O)
   * errors (58). HikariCP's "connection not available" and a socket's IOException are a lost
   * connection.
   */
  @Override
  public Outage outage(SQLException e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof IOException) {
        return Outage.UNREACHABLE;
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        if (state.startsWith("08")
            || state.equals("57P01")
            || state.equals("57P02")
            || state.equals("57P03")) {
          return Outage.UNREACHABLE;
        }
        if (state.equals("25006")) {
          return Outage.READ_ONLY;
        }
        if (state.startsWith("53")) {
          return Outage.FULL;
        }
        if (state.equals("55P03")
            || state.equals("57014")
            || state.equals("40001")
            || state.equals("40P01")) {
          return Outage.BUSY;
        }
        if (state.startsWith("58")) {
          return Outage.IO;
        }
      }
    }
    return null;
  }

  @Override
  public Object idSet(Connection c, Collection<Long> ids) throws SQLException {
    return c.createArrayOf("bigint", ids.toArray(new Long[0]));
  }

  @Override
  public Forms forms() {
    return FORMS;
  }
}
