package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.store.Written;
import dev.tally.testkit.Await;
import dev.tally.testkit.TcpProxy;
import java.net.URI;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.ThreadLocalRandom;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The database goes away under a running store (a proxy between them drops every connection and
 * refuses new ones) and comes back: while it is away, writes and reads fail fast with a retriable
 * 503 that says the database is unreachable; afterwards the store serves again without being
 * reopened, with its pool back to size.
 */
class PostgresConnectionLossIT {
  private String schema;
  private TcpProxy proxy;
  private PostgresStore store;
  private String applicationName;
  private long ws;

  @BeforeEach
  void open() throws Exception {
    schema = PgTestDatabase.createSchema();
    URI target = URI.create(PgTestDatabase.url().substring("jdbc:".length()));
    proxy = new TcpProxy(target.getHost(), target.getPort() < 0 ? 5432 : target.getPort());
    proxy.start();
    applicationName =
        "tally-loss-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    String url =
        "jdbc:postgresql://127.0.0.1:"
            + proxy.port()
            + target.getPath()
            + "?ApplicationName="
            + applicationName
            + (target.getQuery() == null ? "" : "&" + target.getQuery());
    store =
        PostgresStore.open(PgTestDatabase.options(schema).withCredentials(null, null).withUrl(url));
    ws = store.write(tx -> tx.createWorkspace("acme")).value().id();
  }

  @AfterEach
  void close() {
    store.close();
    proxy.close();
    PgTestDatabase.dropSchema(schema);
  }

  private Written<Contact> create(String email) {
    return store.write(
        tx ->
            tx.createContact(
                ws,
                ContactPatchParser.parse(
                    new com.fasterxml.jackson.databind.ObjectMapper()
                        .createObjectNode()
                        .put("email", email),
                    ContactPatchParser.Mode.CREATE)));
  }

  @Test
  void survivesTheDatabaseGoingAwayAndComingBack() throws Exception {
    Contact before = create("before@example.com").value();
    assertNull(store.unhealthyReason());

    proxy.stop();
    long t0 = System.nanoTime();
    TallyException write = assertThrows(TallyException.class, () -> create("during@example.com"));
    assertUnreachable(write);
    TallyException read = assertThrows(TallyException.class, () -> store.contact(ws, before.id()));
    assertUnreachable(read);
    String reason = store.unhealthyReason();
    assertNotNull(reason);
    assertTrue(reason.contains("unreachable"), reason);
    long seconds = (System.nanoTime() - t0) / 1_000_000_000L;
    assertTrue(seconds < 20, "failing took " + seconds + " s; it must be fast");

    proxy.start();
    long back = System.nanoTime();
    Duration recovery = Duration.ofSeconds(60);
    // Health turns good again by itself, before any write asks.
    Await.until(
        "health good again after the database returned",
        Await.left(back, recovery),
        store::unhealthyReason,
        Objects::isNull);
    Object after =
        Await.until(
            "a write after the database returned",
            Await.left(back, recovery),
            () -> {
              try {
                return create("after@example.com");
              } catch (TallyException e) {
                assertTrue(e.retriable(), e.getMessage());
                return e;
              }
            },
            outcome -> outcome instanceof Written);
    assertTrue(((Written<?>) after).position() > 0);
    assertEquals(before, store.contact(ws, before.id()).orElseThrow());
    assertTrue(
        store
            .findContact(ws, dev.tally.core.model.ContactRef.byEmail("during@example.com"))
            .isEmpty());
    assertNull(store.unhealthyReason());
    // The pool refills by itself: its connections plus the writer's, all through the proxy.
    int expected = store.options().poolSize() + 1;
    Await.until(
        "the pool back to " + expected + " connections",
        Await.left(back, recovery),
        this::connections,
        n -> n == expected);
  }

  @Test
  void connectionsKilledWhileIdleCostNoFailedRequest() throws Exception {
    Contact c = create("idle@example.com").value();
    // As after a quick restart: every backend of this store ends while the store is idle.
    try (Connection admin = PgTestDatabase.connect();
        PreparedStatement ps =
            admin.prepareStatement(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, applicationName);
      ps.executeQuery().close();
    }
    Thread.sleep(100);
    assertTrue(
        create("next@example.com").position() > 0,
        "the writer replaced its connection before running the write");
    assertEquals(
        c, store.contact(ws, c.id()).orElseThrow(), "the read retried on a fresh connection");
    assertNull(store.unhealthyReason());
  }

  private static void assertUnreachable(TallyException e) {
    assertEquals(TallyException.Kind.UNAVAILABLE, e.kind(), e.getMessage());
    assertEquals(503, e.kind().status);
    assertTrue(e.retriable());
    assertTrue(
        e.getMessage().contains("database is unreachable")
            || e.getMessage().contains("database became unreachable"),
        e.getMessage());
  }

  private int connections() {
    try (Connection c = PgTestDatabase.connect();
        PreparedStatement ps =
            c.prepareStatement(
                "SELECT count(*) FROM pg_stat_activity WHERE application_name = ?")) {
      ps.setString(1, applicationName);
      try (ResultSet rs = ps.executeQuery()) {
        rs.next();
        return rs.getInt(1);
      }
    } catch (SQLException e) {
      throw new AssertionError("counting the store's connections: " + e.getMessage(), e);
    }
  }
}
