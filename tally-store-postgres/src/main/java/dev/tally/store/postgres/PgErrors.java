package dev.tally.store.postgres;

import dev.tally.core.TallyException;
import java.io.IOException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;

/**
 * Maps PostgreSQL failures to Tally's errors. A lost or refused connection, a server shutting down
 * or out of resources, a statement or lock timeout: all are retriable 503s, and a lost connection
 * says in words that the database is unreachable.
 */
final class PgErrors {
  private PgErrors() {}

  /** True when the failure means the connection is gone (or never came): the writer must get a new one. */
  static boolean connectionLost(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLTransientConnectionException || t instanceof IOException) {
        return true; // HikariCP's "connection is not available", or the socket itself
      }
      if (t instanceof SQLException s && s.getSQLState() != null) {
        String state = s.getSQLState();
        // 08: connection exception; 57P01-03: admin shutdown, crash shutdown, cannot connect now
        if (state.startsWith("08") || state.equals("57P01") || state.equals("57P02") || state.equals("57P03")) {
          return true;
        }
      }
    }
    return false;
  }

  static TallyException wrap(String what, SQLException e) {
    if (connectionLost(e)) {
      return TallyException.unavailable("store_unreachable", "the database is unreachable, so the store could not " + what
          + " (" + e.getMessage() + ")", e);
    }
    String state = e.getSQLState() == null ? "" : e.getSQLState();
    String detail = state + ": " + e.getMessage();
    if (state.startsWith("53")) {
      return TallyException.unavailable("store_full", "the store could not " + what + ": the database is out of resources (" + detail + ")", e);
    }
    if (state.equals("55P03") || state.equals("57014") || state.equals("40001") || state.equals("40P01")) {
      return TallyException.unavailable("store_busy", "the store could not " + what + ": the database is busy (" + detail + ")", e);
    }
    return TallyException.unavailable("store_error", "the store could not " + what + " (" + detail + ")", e);
  }
}
