package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.TallyException;
import dev.tally.store.jdbc.Outage;
import dev.tally.store.jdbc.StoreErrors;
import java.io.EOFException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which PostgreSQL failures are outages (503, retry) and which are bugs (500, no retry). */
class PgDialectTest {
  private static Outage outage(String sqlState) {
    return PgDialect.INSTANCE.outage(new SQLException("test", sqlState));
  }

  @Test
  void outagesBySqlState() {
    assertEquals(Outage.UNREACHABLE, outage("08006"));
    assertEquals(Outage.UNREACHABLE, outage("08001"));
    assertEquals(Outage.UNREACHABLE, outage("57P01"));
    assertEquals(Outage.UNREACHABLE, outage("57P03"));
    assertEquals(Outage.READ_ONLY, outage("25006"));
    assertEquals(Outage.FULL, outage("53100"));
    assertEquals(Outage.FULL, outage("53300"));
    assertEquals(Outage.BUSY, outage("55P03"));
    assertEquals(Outage.BUSY, outage("57014"));
    assertEquals(Outage.BUSY, outage("40001"));
    assertEquals(Outage.BUSY, outage("40P01"));
    assertEquals(Outage.IO, outage("58030"));
    assertEquals(
        Outage.UNREACHABLE,
        PgDialect.INSTANCE.outage(new SQLException("socket", null, new EOFException("closed"))));
    assertEquals(
        Outage.UNREACHABLE,
        PgDialect.INSTANCE.outage(new SQLTransientConnectionException("pool: no connection")));
  }

  @Test
  void whatIsNoOutageIsABug() {
    for (String state :
        new String[] {"23505", "23503", "23514", "42P01", "42703", "22P02", "XX000", null}) {
      assertEquals(null, outage(state), String.valueOf(state));
      TallyException e =
          StoreErrors.wrap(PgDialect.INSTANCE, "record event", new SQLException("boom", state));
      assertEquals(TallyException.Kind.INTERNAL, e.kind());
      assertFalse(e.retriable());
      assertTrue(
          e.getMessage().contains("record event")
              && e.getMessage().contains("retrying will not help"),
          e.getMessage());
    }
    TallyException lost =
        StoreErrors.wrap(PgDialect.INSTANCE, "record event", new SQLException("gone", "08006"));
    assertEquals(TallyException.Kind.UNAVAILABLE, lost.kind());
    assertEquals("store_unreachable", lost.code());
    assertTrue(lost.retriable() && lost.getMessage().contains("unreachable"), lost.getMessage());
    assertEquals(
        "store_read_only",
        StoreErrors.wrap(PgDialect.INSTANCE, "write", new SQLException("ro", "25006")).code());
  }
}
