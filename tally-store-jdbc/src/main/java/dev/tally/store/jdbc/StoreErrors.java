package dev.tally.store.jdbc;

import dev.tally.core.TallyException;
import java.sql.SQLException;

/**
 * Maps a database failure to Tally's error once, for every store: an outage is a 503, anything else
 * a bug (500).
 */
public final class StoreErrors {
  private StoreErrors() {}

  public static TallyException wrap(Dialect dialect, String what, SQLException e) {
    String detail = (e.getSQLState() == null ? "" : e.getSQLState() + ": ") + e.getMessage();
    Outage outage = dialect.outage(e);
    if (outage == Outage.UNREACHABLE) {
      return TallyException.unavailable(
          outage.code,
          "the database is unreachable, so the store could not " + what + " (" + detail + ")",
          e);
    }
    if (outage != null) {
      return TallyException.unavailable(
          outage.code,
          "the store could not " + what + ": " + outage.words + " (" + detail + ")",
          e);
    }
    return new TallyException(
        TallyException.Kind.INTERNAL,
        "store_error",
        null,
        "the store could not "
            + what
            + ": the database answered with an error Tally does not expect ("
            + detail
            + "); this is a bug in Tally, not an outage, "
            + "so retrying will not help",
        e);
  }

  /** True when the failure means the connection is gone: the writer must get a new one. */
  public static boolean connectionLost(Dialect dialect, Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof SQLException s && dialect.outage(s) == Outage.UNREACHABLE) {
        return true;
      }
    }
    return false;
  }
}
