package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import dev.tally.testkit.ThrowawayPostgres;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * T2: PostgreSQL stopped (cleanly, and as a crash) and started again under a steady write load,
 * with Tally running throughout on a PostgreSQL cluster of the test's own. While the database is
 * away every request fails fast with a retriable 503 in Intercom's error shape that says the
 * database is unreachable, never a 500; readiness and metrics keep answering. When it is back,
 * Tally serves writes within 60 s without a restart, the pool is back to its size, and every
 * acknowledged write is there.
 */
class PostgresRestartIT {
  /** Every request during the outage must answer within this, far below the 30 s write timeout. */
  static final long FAIL_FAST_MS = 6_000;

  static final long RECOVER_WITHIN_MS = 60_000;

  /** Once the outage is known (after the pool's 5 s wait at most), requests fail at once. */
  static final long KNOWN_OUTAGE_MS = 1_000;

  private static final int WRITERS = 3;

  private static ThrowawayPostgres pg;

  @TempDir Path data;

  @BeforeAll
  static void startCluster() throws Exception {
    pg = ThrowawayPostgres.create();
  }

  @AfterAll
  static void removeCluster() {
    if (pg != null) {
      pg.close();
    }
  }

  /**
   * One request the load made: what was asked, when, and how it ended (status -1: no answer, its
   * outcome unknown).
   */
  record Op(
      String email,
      long startNanos,
      long endNanos,
      int status,
      String id,
      String code,
      String message,
      String retryAfter) {
    long millis() {
      return (endNanos - startNanos) / 1_000_000;
    }
  }

  @ParameterizedTest(name = "pg_ctl stop -m {0}")
  @ValueSource(strings = {"fast", "immediate"})
  void survivesARestartWithoutRestartingTally(String mode) throws Exception {
    String schema =
        "tally_t2_"
            + mode
            + "_"
            + Long.toHexString(ThreadLocalRandom.current().nextLong() & 0xffffffL);
    Map<Setting, String> settings =
        new HashMap<>(
            Map.of(
                Settings.STORE,
                "postgres",
                Settings.STORE_URL,
                pg.url(),
                Settings.STORE_SCHEMA,
                schema,
                Settings.INDEX,
                "lucene"));
    var started = ApiTestBase.startTally(data, settings);
    TallyServer server = started.server();
    TallyHttp http = new TallyHttp(server.port());
    String token = started.token();
    ConcurrentLinkedQueue<Op> ops = new ConcurrentLinkedQueue<>();
    AtomicBoolean running = new AtomicBoolean(true);
    List<Thread> writers = new ArrayList<>();
    try {
      int poolSize = metric(http, "tally_store_pool_size", null);
      for (int w = 0; w < WRITERS; w++) {
        int writer = w;
        writers.add(
            Thread.ofPlatform()
                .name("t2-writer-" + w)
                .start(
                    () -> {
                      for (int i = 0; running.get(); i++) {
                        ops.add(write(http, token, "w" + writer + "-" + i + "@example.com"));
                        sleep(20);
                      }
                    }));
      }
      sleep(1500);
      assertTrue(
          ops.stream().anyMatch(o -> o.status() == 200),
          "writes are acknowledged before the outage: " + summary(ops));

      long stopping = System.nanoTime();
      pg.stop(mode);
      long stopped = System.nanoTime();
      sleep(1000);
      // While the database is away: readiness says so, metrics answer, reads fail fast too.
      long t = System.nanoTime();
      TallyHttp.Res ready = http.call("GET", "/health/ready", null, null);
      long readyMillis = (System.nanoTime() - t) / 1_000_000;
      assertEquals(503, ready.status(), ready.toString());
      assertTrue(
          ready.raw().body().contains("unreachable"),
          "readiness says the database is unreachable: " + ready);
      assertTrue(
          readyMillis < FAIL_FAST_MS, "readiness took " + readyMillis + " ms during the outage");
      TallyHttp.Res metrics = http.call("GET", "/metrics", null, null);
      assertEquals(200, metrics.status(), "metrics answer while the database is away: " + metrics);
      t = System.nanoTime();
      TallyHttp.Res read = http.call("GET", "/contacts?per_page=1", token, null);
      long readMillis = (System.nanoTime() - t) / 1_000_000;
      assertRetriableUnreachable(
          read.status(), read.code(), read.message(), read.header("Retry-After"), "a read");
      assertTrue(readMillis < FAIL_FAST_MS, "a read took " + readMillis + " ms during the outage");
      sleep(7000);

      long starting = System.nanoTime();
      pg.start();
      long back = System.nanoTime();
      // Serving writes again: the first acknowledged write that started after the database was
      // back.
      Duration recovery = Duration.ofMillis(RECOVER_WITHIN_MS);
      Await.until(
          "a write acknowledged after PostgreSQL came back",
          Await.left(back, recovery),
          () -> summary(ops) + "\nlast: " + lastOps(ops),
          seen -> ops.stream().anyMatch(o -> o.startNanos() > back && o.status() == 200));
      long recoveredMillis =
          (ops.stream()
                      .filter(o -> o.startNanos() > back && o.status() == 200)
                      .mapToLong(Op::endNanos)
                      .min()
                      .orElseThrow()
                  - back)
              / 1_000_000;
      // The pool is back to its size (it may have been empty while the database was away).
      Await.until(
          "the pool back to " + poolSize + " connections",
          Await.left(back, recovery),
          () -> metric(http, "tally_store_pool_connections", "total"),
          total -> total >= poolSize);
      long poolMillis = (System.nanoTime() - back) / 1_000_000;
      sleep(500);
      running.set(false);
      for (Thread w : writers) {
        w.join();
      }

      List<String> wrong = new ArrayList<>();
      long maxOutageMillis = 0;
      long maxKnownOutageMillis = -1;
      int refused = 0;
      for (Op o : ops) {
        if (o.status() == 500 || (o.status() != 200 && o.status() != 503 && o.status() != -1)) {
          wrong.add("unexpected " + o);
        }
        if (o.status() == 503) {
          refused++;
          try {
            assertRetriableUnreachable(
                o.status(), o.code(), o.message(), o.retryAfter(), "a write");
          } catch (AssertionError e) {
            wrong.add(e.getMessage());
          }
        }
        boolean duringOutage = o.startNanos() > stopped && o.endNanos() < starting;
        if (duringOutage) {
          maxOutageMillis = Math.max(maxOutageMillis, o.millis());
          if (o.startNanos() > stopped + 6_000_000_000L) {
            maxKnownOutageMillis = Math.max(maxKnownOutageMillis, o.millis());
            if (o.millis() > KNOWN_OUTAGE_MS) {
              wrong.add(
                  "took "
                      + o.millis()
                      + " ms although the outage was known (more than "
                      + KNOWN_OUTAGE_MS
                      + " ms): "
                      + o);
            }
          }
          if (o.status() == 200) {
            wrong.add("acknowledged while the database was stopped: " + o);
          }
        }
        if (o.startNanos() > stopping
            && o.endNanos() < back + RECOVER_WITHIN_MS * 1_000_000
            && o.millis() > FAIL_FAST_MS) {
          wrong.add("took " + o.millis() + " ms (more than " + FAIL_FAST_MS + "): " + o);
        }
      }
      assertTrue(refused > 0, "the outage was noticed: " + summary(ops));
      assertTrue(maxKnownOutageMillis >= 0, "requests were made 6 s into the outage");
      assertTrue(
          wrong.isEmpty(),
          () ->
              wrong.size()
                  + " wrong:\n"
                  + String.join("\n", wrong.subList(0, Math.min(20, wrong.size()))));

      // Durability: every acknowledged write is there, as written.
      int acknowledged = 0;
      for (Op o : ops) {
        if (o.status() == 200) {
          acknowledged++;
          TallyHttp.Res r = http.call("GET", "/contacts/" + o.id(), token, null);
          assertEquals(200, r.status(), "acknowledged " + o + " is missing: " + r);
          assertEquals(o.email(), r.json().get("email").asText());
        }
      }
      // The index converges too (the projector resumed by itself).
      long head = server.store().head();
      TallyHttp.Res all =
          ProductionEnginesTest.search(
              http,
              token,
              "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}",
              head);
      assertEquals(200, all.status(), all.toString());
      assertTrue(all.json().get("total_count").asLong() >= acknowledged, all.toString());
      TallyHttp.Res verified = http.call("POST", "/admin/index/verify", ApiTestBase.ADMIN, "{}");
      assertTrue(verified.json().path("agree").asBoolean(), verified.toString());
      System.out.printf(
          "T2 %s: %d acknowledged, %d refused with 503, %d unknown; slowest request during the outage %d ms, "
              + "6 s into it %d ms (readiness %d ms, read %d ms); writes again %d ms and pool at %d/%d %d ms after PostgreSQL was back%n",
          mode,
          acknowledged,
          refused,
          ops.stream().filter(o -> o.status() == -1).count(),
          maxOutageMillis,
          maxKnownOutageMillis,
          readyMillis,
          readMillis,
          recoveredMillis,
          poolSize,
          poolSize,
          poolMillis);
    } finally {
      running.set(false);
      for (Thread w : writers) {
        w.join();
      }
      server.close();
      pg.ensureRunning();
    }
  }

  static void assertRetriableUnreachable(
      int status, String code, String message, String retryAfter, String what) {
    String all =
        what + ": " + status + " " + code + " " + message + " (Retry-After " + retryAfter + ")";
    assertEquals(503, status, all);
    assertTrue(code != null && code.startsWith("store_"), "a store error code: " + all);
    // "is unreachable", or for a commit cut off midway "became unreachable during the commit … may
    // or may not have been kept"
    assertTrue(
        message != null && message.contains("database") && message.contains("unreachable"),
        "says the database is unreachable: " + all);
    assertTrue(message.contains("retrying can help"), "says retrying helps: " + all);
    assertTrue(retryAfter != null && retryAfter.matches("[0-9]+"), "Retry-After: " + all);
  }

  private static Op write(TallyHttp http, String token, String email) {
    long start = System.nanoTime();
    try {
      TallyHttp.Res r = http.call("POST", "/contacts", token, "{\"email\":\"" + email + "\"}");
      long end = System.nanoTime();
      JsonNode j = r.json();
      if (r.status() == 200) {
        return new Op(email, start, end, 200, j.get("id").asText(), null, null, null);
      }
      if (!"error.list".equals(j.path("type").asText())
          || !j.path("request_id").asText().startsWith("req_")) {
        return new Op(
            email, start, end, 999, null, "not Intercom's error shape", r.raw().body(), null);
      }
      return new Op(
          email, start, end, r.status(), null, r.code(), r.message(), r.header("Retry-After"));
    } catch (RuntimeException e) {
      return new Op(email, start, System.nanoTime(), -1, null, null, String.valueOf(e), null);
    }
  }

  /** A value from /metrics: {@code name} (with {@code state="..."} when given). */
  static int metric(TallyHttp http, String name, String state) {
    TallyHttp.Res r = http.call("GET", "/metrics", null, null);
    assertEquals(200, r.status(), r.toString());
    Pattern p =
        Pattern.compile(
            "(?m)^"
                + name
                + (state == null ? "" : "\\{state=\"" + state + "\"\\}")
                + " ([0-9.eE+-]+)$");
    Matcher m = p.matcher(r.raw().body());
    assertTrue(m.find(), name + " " + state + " in /metrics");
    return (int) Double.parseDouble(m.group(1));
  }

  private static String summary(ConcurrentLinkedQueue<Op> ops) {
    Map<Integer, Integer> byStatus = new HashMap<>();
    ops.forEach(o -> byStatus.merge(o.status(), 1, Integer::sum));
    return "requests by status " + byStatus;
  }

  private static String lastOps(ConcurrentLinkedQueue<Op> ops) {
    List<Op> all = new ArrayList<>(ops);
    return String.join(
        "\n",
        all.subList(Math.max(0, all.size() - 3), all.size()).stream().map(Op::toString).toList());
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
