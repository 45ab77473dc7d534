package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 11, finding 1: searches cannot stall Tally. A query's cost is bounded before it runs (400
 * naming the limit); searches run on their own bounded pool, so a full pool answers 503 search_busy
 * with Retry-After at once, a search past search-timeout answers 503 search_timeout, and liveness
 * keeps answering meanwhile.
 */
class SearchLoadTest {
  @TempDir Path data;

  private static final String CONTAINS =
      "{\"field\":\"email\",\"operator\":\"~\",\"value\":\"%s\"}";

  /** The heaviest query the default limits let through: 20 patterns and 80 other filters. */
  static String heaviestAllowedQuery() {
    List<String> groups = new ArrayList<>();
    for (int g = 0; g < 5; g++) {
      List<String> leaves = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        leaves.add(
            i < 4
                ? CONTAINS.formatted("a".repeat(120) + g + i)
                : "{\"field\":\"name\",\"operator\":\"!=\",\"value\":\"n" + g + i + "\"}");
      }
      groups.add("{\"operator\":\"OR\",\"value\":[" + String.join(",", leaves) + "]}");
    }
    return "{\"query\":{\"operator\":\"AND\",\"value\":[" + String.join(",", groups) + "]}}";
  }

  private TallyHttp tally(Map<Setting, String> settings, String[] token) throws Exception {
    ApiTestBase.StartedTally t = ApiTestBase.startTally(data, settings);
    token[0] = t.token();
    closing.add(t.server());
    TallyHttp http = new TallyHttp(t.server().port());
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      sb.append("{\"external_id\":\"u")
          .append(i)
          .append("\",\"email\":\"user")
          .append(i)
          .append("@example")
          .append(i % 17)
          .append(".io\",\"name\":\"n")
          .append(i)
          .append("\"}\n");
    }
    TallyHttp.Res r = http.call("POST", "/contacts/bulk", token[0], sb.toString());
    assertEquals(200, r.status(), r.toString());
    Await.until(
        "the import is searchable",
        Duration.ofSeconds(30),
        () ->
            http.call(
                    "POST",
                    "/contacts/search",
                    token[0],
                    "{\"query\":{\"field\":\"role\",\"operator\":\"=\",\"value\":\"user\"}}")
                .json()
                .path("total_count")
                .asLong(),
        n -> n == 3000);
    return http;
  }

  private final List<TallyServer> closing = new ArrayList<>();

  @org.junit.jupiter.api.AfterEach
  void stop() {
    closing.forEach(TallyServer::close);
  }

  @Test
  void theFindingsQueryIsRefusedByItsCostBeforeTheIndexSeesIt() throws Exception {
    String[] token = new String[1];
    TallyHttp http = tally(Map.of(), token);
    // 10 OR groups of 100 ~ filters (255 characters each: the longest value allowed).
    String leaf = CONTAINS.formatted("x".repeat(255));
    String and =
        "{\"operator\":\"AND\",\"value\":["
            + String.join(",", Collections.nCopies(100, leaf))
            + "]}";
    String q =
        "{\"query\":{\"operator\":\"OR\",\"value\":["
            + String.join(",", Collections.nCopies(10, and))
            + "]}}";
    TallyHttp.Res r = http.call("POST", "/contacts/search", token[0], q);
    assertEquals(400, r.status(), r.toString());
    assertEquals("query.value[0].value[20]", r.field());
    assertTrue(r.message().contains("more than 20"), r.message());
    // The heaviest query within the limits is answered.
    r = http.call("POST", "/contacts/search", token[0], heaviestAllowedQuery());
    assertEquals(200, r.status(), r.toString());
  }

  @Test
  void aFullSearchPoolAnswers503AtOnceWhileLivenessKeepsAnswering() throws Exception {
    String[] token = new String[1];
    TallyHttp http =
        tally(
            Map.of(
                Settings.SEARCH_THREADS, "1",
                Settings.SEARCH_QUEUE, "0",
                Settings.SEARCH_TIMEOUT, "30s"),
            token);
    String heavy = heaviestAllowedQuery();
    AtomicBoolean loading = new AtomicBoolean(true);
    AtomicLong busy = new AtomicLong();
    AtomicLong answered = new AtomicLong();
    ConcurrentLinkedQueue<String> unexpected = new ConcurrentLinkedQueue<>();
    List<Long> liveMillis = Collections.synchronizedList(new ArrayList<>());
    try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
      List<Future<?>> searchers = new ArrayList<>();
      for (int c = 0; c < 8; c++) {
        searchers.add(
            threads.submit(
                () -> {
                  while (loading.get()) {
                    TallyHttp.Res r = http.call("POST", "/contacts/search", token[0], heavy);
                    if (r.status() == 200) {
                      answered.incrementAndGet();
                    } else if (r.status() == 503
                        && "search_busy".equals(r.code())
                        && "1".equals(r.header("Retry-After"))) {
                      busy.incrementAndGet();
                    } else {
                      unexpected.add(r.toString());
                    }
                  }
                  return null;
                }));
      }
      // The liveness probe runs every 20 ms on a schedule of its own while the searches run.
      java.util.concurrent.ScheduledExecutorService probe =
          Executors.newSingleThreadScheduledExecutor();
      probe.scheduleWithFixedDelay(
          () -> {
            long t0 = System.nanoTime();
            TallyHttp.Res r = http.call("GET", "/health/live", null, null);
            liveMillis.add((System.nanoTime() - t0) / 1_000_000);
            if (r.status() != 200) {
              unexpected.add("liveness: " + r);
            }
          },
          0,
          20,
          java.util.concurrent.TimeUnit.MILLISECONDS);
      Await.until(
          "searches both answered and refused as busy",
          Duration.ofSeconds(60),
          () -> busy.get() + "/" + answered.get(),
          s -> busy.get() >= 5 && answered.get() >= 5);
      loading.set(false);
      for (Future<?> f : searchers) {
        f.get();
      }
      probe.shutdown();
      probe.awaitTermination(30, java.util.concurrent.TimeUnit.SECONDS);
    }
    assertEquals(List.of(), List.copyOf(unexpected));
    // A correctness guard, not a benchmark (bin/bench search-load measures it): before the search
    // pool, two heavy searches held every carrier thread and liveness waited ~10 s.
    long worst = liveMillis.stream().mapToLong(Long::longValue).max().orElseThrow();
    assertTrue(worst < 1000, "liveness took " + worst + " ms under search load");
  }

  @Test
  void aSearchPastTheTimeoutIs503SearchTimeoutWithRetryAfter() throws Exception {
    String[] token = new String[1];
    TallyHttp http = tally(Map.of(Settings.SEARCH_TIMEOUT, "1ms"), token);
    TallyHttp.Res r = http.call("POST", "/contacts/search", token[0], heaviestAllowedQuery());
    assertEquals(503, r.status(), r.toString());
    assertEquals("search_timeout", r.code());
    assertEquals("1", r.header("Retry-After"));
    assertTrue(r.message().contains("search-timeout"), r.message());
  }
}
