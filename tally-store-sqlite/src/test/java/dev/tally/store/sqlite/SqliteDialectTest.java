package dev.tally.store.sqlite;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import dev.tally.core.TallyException;
import dev.tally.store.jdbc.Outage;
import dev.tally.store.jdbc.StoreErrors;
import java.sql.SQLException;
import org.junit.jupiter.api.Test;
import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

/** Which SQLite failures are outages (503, retry) and which are bugs (500, no retry). */
class SqliteDialectTest {
  private static Outage outage(SQLiteErrorCode code) {
    return SqliteDialect.INSTANCE.outage(new SQLiteException("test", code));
  }

  @Test
  void outagesByResultCode() {
    assertEquals(Outage.BUSY, outage(SQLiteErrorCode.SQLITE_BUSY));
    assertEquals(Outage.BUSY, outage(SQLiteErrorCode.SQLITE_BUSY_SNAPSHOT));
    assertEquals(Outage.BUSY, outage(SQLiteErrorCode.SQLITE_LOCKED));
    assertEquals(Outage.FULL, outage(SQLiteErrorCode.SQLITE_FULL));
    assertEquals(Outage.IO, outage(SQLiteErrorCode.SQLITE_IOERR_WRITE));
    assertEquals(Outage.IO, outage(SQLiteErrorCode.SQLITE_CANTOPEN));
    assertEquals(Outage.READ_ONLY, outage(SQLiteErrorCode.SQLITE_READONLY));
  }

  @Test
  void whatIsNoOutageIsABug() {
    for (SQLiteErrorCode code :
        new SQLiteErrorCode[] {
          SQLiteErrorCode.SQLITE_CONSTRAINT_UNIQUE,
          SQLiteErrorCode.SQLITE_CONSTRAINT_TRIGGER,
          SQLiteErrorCode.SQLITE_ERROR,
          SQLiteErrorCode.SQLITE_MISMATCH,
          SQLiteErrorCode.SQLITE_CORRUPT
        }) {
      assertEquals(null, outage(code), code.name());
      TallyException e =
          StoreErrors.wrap(SqliteDialect.INSTANCE, "write", new SQLiteException("boom", code));
      assertEquals(TallyException.Kind.INTERNAL, e.kind());
      assertFalse(e.retriable());
    }
    assertEquals(null, SqliteDialect.INSTANCE.outage(new SQLException("not SQLite's")));
  }
}
