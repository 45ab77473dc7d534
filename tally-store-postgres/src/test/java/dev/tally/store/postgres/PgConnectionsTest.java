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
}
