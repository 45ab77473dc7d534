package dev.tally.store.sqlite;

import dev.tally.core.TallyException;
import java.sql.SQLException;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Maps SQLite failures to Tally's errors: busy, locked, I/O and full disks are retriable 503s. */
final class SqliteErrors {
  private SqliteErrors() {}

  static TallyException wrap(String what, SQLException e) {
    String detail = e.getMessage();
    if (e instanceof SQLiteException se) {
      SQLiteErrorCode code = se.getResultCode();
      detail = code + ": " + e.getMessage();
      switch (code.code & 0xff) {
        case 13 -> { // SQLITE_FULL
          return TallyException.unavailable("store_full", "the store could not " + what + ": the disk is full (" + detail + ")", e);
        }
        case 5, 6 -> { // SQLITE_BUSY, SQLITE_LOCKED
          return TallyException.unavailable("store_busy", "the store could not " + what + ": the database is busy (" + detail + ")", e);
        }
        default -> {
          // fall through to the generic error below
        }
      }
    }
    return TallyException.unavailable("store_error", "the store could not " + what + " (" + detail + ")", e);
  }
}
