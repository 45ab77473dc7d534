package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.postgresql.ds.PGSimpleDataSource;

/** Tally's driver timeouts apply unless the URL names its own; options never print the password. */
class PgConnectionsTest {

  @Test
  void timeoutsDefaultToTallysAndTheUrlWins() {
    PGSimpleDataSource plain =
        PgConnections.writer(PostgresOptions.defaults("jdbc:postgresql://db.example:5432/tally"));
    assertEquals(PgConnections.CONNECT_TIMEOUT_S, plain.getConnectTimeout());
    assertEquals(PgConnections.LOGIN_TIMEOUT_S, plain.getLoginTimeout());
    assertEquals(PgConnections.SOCKET_TIMEOUT_S, plain.getSocketTimeout());
    assertTrue(plain.getTcpKeepAlive());
    assertTrue(
        plain.getOptions().contains("idle_in_transaction_session_timeout"), plain.getOptions());

    PGSimpleDataSource tuned =
        PgConnections.writer(
            PostgresOptions.defaults(
                "jdbc:postgresql://db.example/tally?socketTimeout=90&tcpKeepAlive=false"));
    assertEquals(90, tuned.getSocketTimeout());
    assertFalse(tuned.getTcpKeepAlive());
    assertEquals(PgConnections.CONNECT_TIMEOUT_S, tuned.getConnectTimeout());
  }

  @Test
  void optionsAreCheckedAndKeepThePasswordSecret() {
    assertThrows(
        IllegalArgumentException.class, () -> PostgresOptions.defaults("jdbc:sqlite:x.db"));
    assertThrows(
        IllegalArgumentException.class,
        () -> PostgresOptions.defaults("jdbc:postgresql://h/db").withSchema("x; DROP"));
    String shown =
        PostgresOptions.defaults("jdbc:postgresql://h/db")
            .withCredentials("tally", "s3cr3t")
            .toString();
    assertFalse(shown.contains("s3cr3t"), shown);
  }

  /** A password in the URL never reaches a log line or an error (issue 11, finding 14). */
  @Test
  void aPasswordInTheUrlIsRedactedWhereverTheUrlIsShown() {
    assertEquals(
        "jdbc:postgresql://db:5432/tally?user=tally&password=***&ssl=true",
        PostgresOptions.redact(
            "jdbc:postgresql://db:5432/tally?user=tally&password=s3cr3t&ssl=true"));
    assertEquals(
        "jdbc:postgresql://db/tally?PASSWORD=***&b",
        PostgresOptions.redact("jdbc:postgresql://db/tally?PASSWORD=a&b"));
    assertEquals(
        "jdbc:postgresql://tally:***@db/tally",
        PostgresOptions.redact("jdbc:postgresql://tally:s3cr3t@db/tally"));
    assertEquals(
        "jdbc:postgresql://db/tally", PostgresOptions.redact("jdbc:postgresql://db/tally"));
    // Nothing listens on port 1: the store cannot open, and its error names the URL without the
    // password.
    dev.tally.core.TallyException e =
        assertThrows(
            dev.tally.core.TallyException.class,
            () ->
                PostgresStore.open(
                    PostgresOptions.defaults(
                        "jdbc:postgresql://127.0.0.1:1/tally?user=u&password=s3cr3t")));
    assertTrue(e.getMessage().contains("password=***"), e.getMessage());
    assertFalse(e.getMessage().contains("s3cr3t"), e.getMessage());
  }
}
