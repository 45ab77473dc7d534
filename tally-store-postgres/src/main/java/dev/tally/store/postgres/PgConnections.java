package dev.tally.store.postgres;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import java.util.Properties;
import org.postgresql.Driver;
import org.postgresql.PGProperty;
import org.postgresql.ds.PGSimpleDataSource;

/**
 * Connections to PostgreSQL with timeouts that let Tally survive a restart or failover without
 * being restarted (HikariCP's "Rapid Recovery"; the values and why are in docs/decisions.md): every
 * phase of a connection is bounded, so no thread waits on a dead socket longer than the socket
 * timeout, and the server cancels a statement before the client gives up on the socket.
 */
final class PgConnections {
  private PgConnections() {}

  /** TCP connect to the server. */
  static final int CONNECT_TIMEOUT_S = 5;

  /** The whole connection attempt: connect, TLS, authentication. */
  static final int LOGIN_TIMEOUT_S = 10;

  /** Any one read on an established connection; more than the server-side limits below. */
  static final int SOCKET_TIMEOUT_S = 30;

  /**
   * Server side: a statement, and a wait for a lock (including the oplog lock), are cancelled after
   * these.
   */
  static final String STATEMENT_TIMEOUT = "15s";

  static final String LOCK_TIMEOUT = "10s";

  /**
   * Server side, writer only: a writer that went silent inside a transaction frees the oplog lock
   * after this.
   */
  static final String IDLE_IN_TRANSACTION_TIMEOUT = "30s";

  /** How long a request waits for a pooled connection before it gets a 503. */
  static final long POOL_WAIT_MS = 5_000;

  static final long VALIDATION_TIMEOUT_MS = 2_000;

  /**
   * Idle pooled connections are probed this often, so dead ones are replaced before a request meets
   * them.
   */
  static final long KEEPALIVE_MS = 60_000;

  static final long MAX_LIFETIME_MS = 600_000;

  /** The writer's connection source: one connection, replaced when it is lost. */
  static PGSimpleDataSource writer(PostgresOptions o) {
    return dataSource(
        o,
        "tally-writer",
        "-c statement_timeout="
            + STATEMENT_TIMEOUT
            + " -c lock_timeout="
            + LOCK_TIMEOUT
            + " -c idle_in_transaction_session_timeout="
            + IDLE_IN_TRANSACTION_TIMEOUT);
  }

  /** The pool for reads and leases: fixed size, so it is back to size by itself after a restart. */
  static HikariDataSource pool(PostgresOptions o) {
    HikariConfig hc = new HikariConfig();
    hc.setDataSource(
        dataSource(
            o,
            "tally-reader",
            "-c statement_timeout=" + STATEMENT_TIMEOUT + " -c lock_timeout=" + LOCK_TIMEOUT));
    hc.setPoolName("tally-postgres");
    hc.setMaximumPoolSize(o.poolSize());
    hc.setMinimumIdle(o.poolSize());
    hc.setConnectionTimeout(POOL_WAIT_MS);
    hc.setValidationTimeout(VALIDATION_TIMEOUT_MS);
    hc.setKeepaliveTime(KEEPALIVE_MS);
    hc.setMaxLifetime(MAX_LIFETIME_MS);
    return new HikariDataSource(hc);
  }

  /** A data source for the URL, with Tally's timeouts wherever the URL does not name its own. */
  static PGSimpleDataSource dataSource(
      PostgresOptions o, String applicationName, String serverOptions) {
    PGSimpleDataSource ds = new PGSimpleDataSource();
    ds.setURL(o.url());
    Properties given = Driver.parseURL(o.url(), null);
    if (given == null) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + o.redactedUrl());
    }
    if (o.user() != null) {
      ds.setUser(o.user());
    }
    if (o.password() != null) {
      ds.setPassword(o.password());
    }
    if (o.schema() != null) {
      ds.setCurrentSchema(o.schema());
    }
    if (!given.containsKey(PGProperty.CONNECT_TIMEOUT.getName())) {
      ds.setConnectTimeout(CONNECT_TIMEOUT_S);
    }
    if (!given.containsKey(PGProperty.LOGIN_TIMEOUT.getName())) {
      ds.setLoginTimeout(LOGIN_TIMEOUT_S);
    }
    if (!given.containsKey(PGProperty.SOCKET_TIMEOUT.getName())) {
      ds.setSocketTimeout(SOCKET_TIMEOUT_S);
    }
    if (!given.containsKey(PGProperty.TCP_KEEP_ALIVE.getName())) {
      ds.setTcpKeepAlive(true);
    }
    if (serverOptions != null && !given.containsKey(PGProperty.OPTIONS.getName())) {
      ds.setOptions(serverOptions);
    }
    if (!given.containsKey(PGProperty.APPLICATION_NAME.getName())) {
      ds.setApplicationName(applicationName);
    }
    return ds;
  }
}
