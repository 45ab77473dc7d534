package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.testkit.Await;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.URLDecoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.Test;

/**
 * Fuzzes the HTTP layer (issue 11, its done-when): random methods, paths, headers, bodies and
 * encodings against a real Tally (SQLite and Lucene), made by {@link FuzzRequests}. Some go through
 * an HTTP client, structure-aware: valid and bent JSON for every route (contacts, search, events,
 * data attributes, NDJSON bulk, admin and index operations), odd query parameters and path ids,
 * valid and invalid tokens. The rest go over a bare socket ({@link RawHttp}): broken request lines,
 * odd methods, bad or doubled Content-Length, chunked bodies good and bad, bad percent-encodings,
 * overlong URLs and headers, HTTP/1.0 and 0.9, pipelining, UTF-16 and non-UTF-8 bodies, gzip junk.
 *
 * <p>The oracle, for every answer: its status is one the README documents (a 500 is always a
 * failure); a non-2xx answer with a body is Intercom's error list with a request id, as JSON (the
 * one exception: readiness's 503 is its report); no 2xx comes without the token its route needs,
 * however the path is spelled. Bytes that are not a request may be refused by closing the
 * connection, as long as what came before, if anything, was such an answer; a connection that
 * neither answers nor closes is a hang. Meanwhile a second thread polls {@code GET /health/live},
 * which must always answer 200, quickly. Afterwards Tally must still serve a write and a search
 * that reads it (Tally-Min-Position), and the index must agree with the store.
 *
 * <p>Bounded in count and time; the seed is printed, and {@code -Dtally.fuzz.seed=N} replays a run.
 * {@code -Dtally.fuzz.requests}, {@code -Dtally.fuzz.seconds} and {@code -Dtally.fuzz.threads} fuzz
 * longer or with several clients at once.
 */
class HttpFuzzTest extends ApiTestBase {
  private static final int REQUESTS = Integer.getInteger("tally.fuzz.requests", 3_000);

  /**
   * Clients sending at once. One (the default) sends the seeded stream in order, so a seed replays
   * a run exactly; more find races, and a seed then replays the same requests in another order.
   */
  private static final int THREADS = Integer.getInteger("tally.fuzz.threads", 1);

  private static final Duration BUDGET = Duration.ofSeconds(Long.getLong("tally.fuzz.seconds", 60));

  /**
   * What the README promises a client may see: 200/201/202, the 4xx of its error table, 413, the
   * 414/431 Jetty answers for a URL or headers too large, and 503 while search or the store cannot
   * answer truthfully. Never 500 (a bug) or anything else.
   */
  private static final Set<Integer> DOCUMENTED =
      Set.of(200, 201, 202, 400, 401, 404, 409, 413, 414, 431, 503);

  /**
   * Refusals Jetty makes at the HTTP level before Tally sees a request, only to bytes a client
   * library would not send: 417 for an Expect other than 100-continue, 426 for HTTP/2.0 (or its
   * preface) on this HTTP/1.1 port, 505 for another version or HTTP/0.9. Correct HTTP, in the error
   * list and coded bad_request, but missing from the README's errors table (which lists 400, 414
   * and 431 for Jetty's own); accepted from the socket only.
   */
  private static final Set<Integer> PROTOCOL_REFUSALS = Set.of(417, 426, 505);

  /** The codes a 503 may carry (the README's errors table). */
  private static final Set<String> CODES_503 =
      Set.of(
          "index_not_ready",
          "index_behind",
          "store_unreachable",
          "store_read_only",
          "store_busy",
          "store_full",
          "store_io",
          "store_overloaded",
          "write_timeout");

  /**
   * A generous bound on one liveness answer: a correctness guard that catches a stalled server (a
   * blocked acceptor, starved handler threads, a stop-the-world), not a benchmark; a busy 2-core
   * machine must not make it flaky.
   */
  private static final Duration LIVE_BOUND = Duration.ofSeconds(1);

  private static final ObjectMapper JSON = new ObjectMapper();

  private HttpClient client;
  private FuzzRequests requests;

  private final List<String> failures = new ArrayList<>();

  /** Answers by status and error code; by the generator that made the request, and status. */
  private final Map<String, Integer> seen = new TreeMap<>();

  private final Map<String, Map<Integer, Integer>> byKind = new TreeMap<>();

  /** Which request an answer is to: its number in the stream and the generator that made it. */
  private record Ctx(int no, String kind) {}

  @Test
  void everyAnswerIsDocumentedAndLivenessStaysFast() throws Exception {
    long seed = Long.getLong("tally.fuzz.seed", new java.security.SecureRandom().nextLong());
    String replay =
        "replay with: ./mvnw -o -B -q -pl tally-server -am test -Dtest=HttpFuzzTest"
            + " -Dsurefire.failIfNoSpecifiedTests=false -Dtally.fuzz.seed="
            + seed;
    System.out.println("HttpFuzzTest: seed " + seed + "; " + replay);
    client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    requests = prepare(new Random(seed));

    long started = System.nanoTime();
    int sent = 0;
    ExecutorService pool =
        THREADS == 1
            ? null
            : Executors.newFixedThreadPool(
                THREADS, Thread.ofPlatform().name("fuzz-client-", 1).factory());
    Semaphore slots = new Semaphore(THREADS);
    try (Liveness live = new Liveness(server.port())) {
      for (; sent < REQUESTS && failures() < 25; sent++) {
        if (System.nanoTime() - started > BUDGET.toNanos()) {
          break;
        }
        FuzzRequests.Next next = requests.next();
        Ctx ctx = new Ctx(sent, next.kind());
        Runnable one =
            () -> {
              try {
                if (next.raw() == null) {
                  send(ctx, next.req(), next.chunked());
                } else {
                  sendRaw(ctx, next.req(), next.raw(), next.mustAnswer());
                }
              } catch (RuntimeException | AssertionError e) {
                fail("#" + ctx.no() + " the fuzzer itself failed: " + e);
              } finally {
                slots.release();
              }
            };
        slots.acquire();
        if (pool == null) {
          one.run();
        } else {
          pool.execute(one);
        }
      }
      if (pool != null) {
        pool.shutdown();
        assertTrue(pool.awaitTermination(60, TimeUnit.SECONDS), "the clients finished");
      }
      long took = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
      live.stop();
      System.out.printf(
          "HttpFuzzTest: %d requests in %.1f s (seed %d); answers by status and code: %s;"
              + " liveness: %d polls, worst %d ms%n",
          sent, took / 1000.0, seed, seen, live.polls.get(), live.worstMillis());
      System.out.println("HttpFuzzTest: statuses by generator: " + byKind);
      assertTrue(
          failures.isEmpty(),
          failures.size()
              + " bad answers (seed "
              + seed
              + "; "
              + replay
              + "):\n"
              + String.join("\n", failures));
      assertTrue(
          live.problems.isEmpty(),
          "liveness failed meanwhile (seed " + seed + "): " + live.problems);
      assertTrue(
          live.worstMillis() < LIVE_BOUND.toMillis(),
          "liveness answered in "
              + live.worstMillis()
              + " ms at worst, over the bound of "
              + LIVE_BOUND.toMillis()
              + " ms (seed "
              + seed
              + ")");
      assertTrue(live.polls.get() > 0, "liveness was polled");
    }
    stillServesAndAgrees();
  }

  // ---------------------------------------------------------------- set-up and the check after

  /** Attributes of each type, contacts with events, a second workspace: something to find. */
  private FuzzRequests prepare(Random rnd) {
    String otherToken = newWorkspace("fuzz-other");
    String defaultWorkspaceId = null;
    List<String> otherWorkspaceIds = new ArrayList<>();
    for (JsonNode ws : http.call("GET", "/admin/workspaces", ADMIN, null).json().get("data")) {
      if (ws.get("name").asText().equals("default")) {
        defaultWorkspaceId = ws.get("id").asText();
      } else {
        otherWorkspaceIds.add(ws.get("id").asText());
      }
    }
    String defaultTokenId =
        http.call("GET", "/admin/workspaces/" + defaultWorkspaceId + "/tokens", ADMIN, null)
            .json()
            .get("data")
            .get(0)
            .get("id")
            .asText();
    for (String[] a :
        new String[][] {
          {"plan", "string"},
          {"seats", "integer"},
          {"score", "float"},
          {"vip", "boolean"},
          {"renewal_at", "date"}
        }) {
      assertEquals(
          200,
          post(
                  "/data_attributes",
                  "{\"name\":\""
                      + a[0]
                      + "\",\"model\":\"contact\",\"data_type\":\""
                      + a[1]
                      + "\"}")
              .status());
    }
    List<String> contactIds = new ArrayList<>();
    for (int i = 0; i < 20; i++) {
      contactIds.add(
          createContact(
              "{\"external_id\":\"fz-"
                  + i
                  + "\",\"email\":\"fz"
                  + i
                  + "@example.com\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":"
                  + i
                  + "}}"));
      assertEquals(
          202,
          post(
                  "/events",
                  "{\"event_name\":\"placed-order\",\"created_at\":170000000"
                      + i
                      + ",\"user_id\":\"fz-"
                      + i
                      + "\"}")
              .status());
    }
    return new FuzzRequests(
        rnd,
        ADMIN,
        token,
        otherToken,
        defaultWorkspaceId,
        defaultTokenId,
        otherWorkspaceIds,
        contactIds);
  }

  /** After the storm: a write is searchable with Tally-Min-Position, and store and index agree. */
  private void stillServesAndAgrees() {
    Await.until(
        "no rebuild running",
        Duration.ofSeconds(60),
        () -> http.call("GET", "/admin/index/rebuild", ADMIN, null),
        r -> r.status() == 200 && !r.json().path("state").asText().equals("running"));
    Await.until(
        "readiness",
        Duration.ofSeconds(60),
        () -> http.call("GET", "/health/ready", null, null),
        r -> r.status() == 200);
    TallyHttp.Res made =
        post(
            "/contacts",
            "{\"external_id\":\"after-the-fuzz\",\"email\":\"after@example.com\",\"name\":\"After\"}");
    assertEquals(200, made.status(), made.toString());
    TallyHttp.Res found =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"after-the-fuzz\"}}",
            Map.of("Tally-Min-Position", Long.toString(made.position())));
    assertEquals(200, found.status(), found.toString());
    assertEquals(1, found.json().get("total_count").asInt(), found.toString());
    assertEquals(
        made.json().get("id").asText(), found.json().get("data").get(0).get("id").asText());
    TallyHttp.Res read = get("/contacts/" + made.json().get("id").asText());
    assertEquals("After", read.json().get("name").asText(), read.toString());
    TallyHttp.Res verify = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertEquals(200, verify.status(), verify.toString());
    assertTrue(verify.json().get("agree").asBoolean(), "store and index agree: " + verify);
  }

  // ---------------------------------------------------------------- the oracle

  private synchronized void check(
      Ctx ctx,
      String channel,
      FuzzRequests.Req req,
      String sentShown,
      int status,
      String contentType,
      String contentEncoding,
      byte[] body) {
    String what = "#" + ctx.no() + " [" + channel + "] " + sentShown;
    String answer = " -> " + status + " " + contentType + " " + RawHttp.Shown.bytes(body, 400);
    byKind.computeIfAbsent(ctx.kind(), x -> new TreeMap<>()).merge(status, 1, Integer::sum);
    boolean refusal = channel.equals("raw") && PROTOCOL_REFUSALS.contains(status);
    if (!DOCUMENTED.contains(status) && !refusal) {
      fail(what + answer + "  (status not documented)");
      return;
    }
    if ("gzip".equalsIgnoreCase(contentEncoding)) {
      try {
        body = new GZIPInputStream(new ByteArrayInputStream(body)).readAllBytes();
      } catch (IOException e) {
        fail(what + answer + "  (a gzip body that does not unzip)");
        return;
      }
    }
    boolean json = contentType != null && contentType.toLowerCase(Locale.ROOT).contains("json");
    if (status >= 300) {
      if (body.length == 0) {
        if (!req.method().equals("HEAD")) {
          fail(what + answer + "  (an error without a body)");
        }
        return;
      }
      if (!json) {
        fail(what + answer + "  (an error whose Content-Type is not JSON)");
        return;
      }
      JsonNode n;
      try {
        n = JSON.readTree(body);
      } catch (IOException e) {
        fail(what + answer + "  (an error body that is not JSON)");
        return;
      }
      if (status == 503 && isReadiness(req.target())) {
        // Readiness answers 503 with its report (why not ready), for load balancers: by design.
        if (!"not_ready".equals(n.path("status").asText()) || n.path("reasons").isEmpty()) {
          fail(what + answer + "  (not ready without a reason)");
        }
        count("503 not_ready");
        return;
      }
      String problem = errorListProblem(n);
      if (problem != null) {
        fail(what + answer + "  (" + problem + ")");
        return;
      }
      String code = n.get("errors").get(0).get("code").asText();
      if (status == 503 && !CODES_503.contains(code)) {
        fail(what + answer + "  (a 503 that is not a documented outage)");
      }
      if (refusal && !code.equals("bad_request")) {
        fail(what + answer + "  (a protocol refusal not coded bad_request)");
      }
      count(status + " " + code);
    } else {
      count(String.valueOf(status));
      if (json && body.length > 0) {
        try {
          requests.learn(JSON.readTree(body));
        } catch (IOException e) {
          fail(what + answer + "  (a JSON answer that is not JSON)");
          return;
        }
      }
      String needed = tokenNeeded(req.target());
      String auth = String.valueOf(req.auth());
      if (needed.equals("admin") && !auth.contains(ADMIN)) {
        fail(what + answer + "  (an admin route answered without the admin token)");
      } else if (needed.equals("workspace")
          && requests.workspaceTokens().stream().noneMatch(auth::contains)) {
        fail(what + answer + "  (a workspace route answered without a workspace token)");
      }
    }
  }

  private static boolean isReadiness(String target) {
    return target.equals("/health/ready") || target.startsWith("/health/ready?");
  }

  /** Null when {@code n} is Intercom's error list with a request id; otherwise what is wrong. */
  static String errorListProblem(JsonNode n) {
    if (!n.isObject() || !"error.list".equals(n.path("type").asText(null))) {
      return "not type error.list";
    }
    if (!n.path("request_id").isTextual() || !n.get("request_id").asText().startsWith("req_")) {
      return "no request_id";
    }
    JsonNode errors = n.path("errors");
    if (!errors.isArray() || errors.isEmpty()) {
      return "no errors";
    }
    for (JsonNode e : errors) {
      if (!e.path("code").isTextual() || !e.get("code").asText().matches("[a-z][a-z_]*")) {
        return "an error without a code";
      }
      if (!e.path("message").isTextual() || e.get("message").asText().isBlank()) {
        return "an error without a message";
      }
      if (e.has("field") && !e.get("field").isTextual()) {
        return "a field that is not a string";
      }
    }
    return null;
  }

  /**
   * The token a path's route needs, judged on the path as a server might normalise it (percent
   * decoded, dot segments resolved, case folded): "admin", "workspace" or "none".
   */
  static String tokenNeeded(String target) {
    String path = target;
    int q = path.indexOf('?');
    if (q >= 0) {
      path = path.substring(0, q);
    }
    if (path.startsWith("http://") || path.startsWith("https://")) {
      int slash = path.indexOf('/', path.indexOf("//") + 2);
      path = slash < 0 ? "/" : path.substring(slash);
    }
    try {
      path = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      // a bad escape: judged as it is
    }
    List<String> segments = new ArrayList<>();
    for (String s : path.split("/")) {
      s = s.replaceAll(";.*", "");
      if (s.isEmpty() || s.equals(".")) {
        continue;
      }
      if (s.equals("..")) {
        if (!segments.isEmpty()) {
          segments.remove(segments.size() - 1);
        }
        continue;
      }
      segments.add(s.toLowerCase(Locale.ROOT));
    }
    if (segments.isEmpty()) {
      return "none";
    }
    return switch (segments.get(0)) {
      case "admin" -> "admin";
      case "health", "metrics" -> "none";
      default -> "workspace";
    };
  }

  private synchronized void count(String what) {
    seen.merge(what, 1, Integer::sum);
  }

  private synchronized int failures() {
    return failures.size();
  }

  private synchronized void fail(String failure) {
    failures.add(failure);
  }

  // ---------------------------------------------------------------- sending

  /** Sends by client; what a client refuses to send (a header value it deems invalid) by socket. */
  private void send(Ctx ctx, FuzzRequests.Req req, boolean chunked) {
    HttpRequest built;
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + req.target()))
              .timeout(Duration.ofSeconds(20));
      req.head().forEach(b::header);
      b.method(
          req.method(),
          req.body() == null
              ? HttpRequest.BodyPublishers.noBody()
              : chunked
                  // no Content-Length: the client sends the body chunked
                  ? HttpRequest.BodyPublishers.ofInputStream(
                      () -> new ByteArrayInputStream(req.body()))
                  : HttpRequest.BodyPublishers.ofByteArray(req.body()));
      built = b.build();
    } catch (IllegalArgumentException e) {
      sendRaw(ctx, req, FuzzRequests.serialize(req), true);
      return;
    }
    String shown = shown(req);
    try {
      HttpResponse<byte[]> r = client.send(built, HttpResponse.BodyHandlers.ofByteArray());
      r.headers().firstValue("Tally-Position").ifPresent(p -> requests.position(Long.parseLong(p)));
      check(
          ctx,
          "client",
          req,
          shown,
          r.statusCode(),
          r.headers().firstValue("Content-Type").orElse(null),
          r.headers().firstValue("Content-Encoding").orElse(null),
          r.body());
    } catch (java.net.http.HttpTimeoutException e) {
      fail("#" + ctx.no() + " [client] " + shown + " -> no answer within 20 s (a hang)");
    } catch (IOException e) {
      // A server that answers before reading the whole body (a URI Jetty refuses, a token that
      // fails) and then closes can reach the client as a reset before the answer: a race of TCP,
      // not a wrong answer. The same bytes sent whole over a socket show what the answer was;
      // that must be a refusal. Anything else is a failure.
      count("reset");
      RawHttp.Exchange x;
      try {
        x =
            RawHttp.exchange(
                server.port(),
                FuzzRequests.serialize(req),
                req.method().equals("HEAD"),
                10_000,
                300);
      } catch (IOException again) {
        fail("#" + ctx.no() + " [client] " + shown + " -> " + e + "; replayed: " + again);
        return;
      }
      if (x.trouble() != null || x.finals().isEmpty() || x.finals().get(0).status() < 400) {
        fail(
            "#"
                + ctx.no()
                + " [client] "
                + shown
                + " -> "
                + e
                + "; replayed over a socket: "
                + (x.trouble() != null
                    ? x.trouble()
                    : x.finals().isEmpty() ? "no answer" : x.finals().get(0).statusLine()));
        return;
      }
      RawHttp.Answer a = x.finals().get(0);
      check(
          ctx,
          "client, replayed",
          req,
          shown,
          a.status(),
          a.header("Content-Type"),
          a.header("Content-Encoding"),
          a.body());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private static String shown(FuzzRequests.Req req) {
    StringBuilder sb = new StringBuilder(req.method()).append(' ');
    sb.append(RawHttp.Shown.bytes(req.target(), 200));
    req.head()
        .forEach(
            (k, v) -> sb.append(" | ").append(k).append(": ").append(RawHttp.Shown.bytes(v, 80)));
    if (req.body() != null) {
      sb.append(" | body ").append(RawHttp.Shown.bytes(req.body(), 300));
    }
    return sb.toString();
  }

  /**
   * Sends raw bytes and checks every answer. {@code mustAnswer}: the bytes are a well-framed
   * request, so closing without an answer is a failure, not a refusal of garbage.
   */
  private void sendRaw(Ctx ctx, FuzzRequests.Req req, byte[] bytes, boolean mustAnswer) {
    String shown = RawHttp.Shown.bytes(bytes, 600);
    RawHttp.Exchange x;
    try {
      x = RawHttp.exchange(server.port(), bytes, req.method().equals("HEAD"), 10_000, 300);
    } catch (IOException e) {
      fail("#" + ctx.no() + " [raw] " + shown + " -> " + e);
      return;
    }
    if (x.trouble() != null) {
      fail("#" + ctx.no() + " [raw] " + shown + " -> an answer that is not HTTP: " + x.trouble());
      return;
    }
    if (x.finals().isEmpty()) {
      if (!x.closed()) {
        fail("#" + ctx.no() + " [raw] " + shown + " -> no answer within 10 s (a hang)");
      } else if (mustAnswer) {
        fail("#" + ctx.no() + " [raw] " + shown + " -> closed without an answer");
      } else {
        count("closed");
      }
      return;
    }
    boolean first = true;
    for (RawHttp.Answer a : x.finals()) {
      // Answers to what followed the request on the connection (pipelined bytes) are held to the
      // same rules, but no token rule (they are not the request generated). After a HEAD, Jetty
      // may close a refusal's answer without its body (see RawHttp.parse): not held against it.
      check(
          ctx,
          "raw",
          first
              ? req
              : new FuzzRequests.Req(
                  req.method().equals("HEAD") ? "HEAD" : "GET", "/", Map.of(), null),
          shown,
          a.status(),
          a.header("Content-Type"),
          a.header("Content-Encoding"),
          a.body());
      first = false;
    }
  }

  /**
   * Polls {@code GET /health/live} every 50 ms on its own connection and thread, recording the
   * worst latency and anything but a quick 200.
   */
  private static final class Liveness implements AutoCloseable {
    final AtomicLong polls = new AtomicLong();
    final AtomicLong worstNanos = new AtomicLong();
    final List<String> problems = new CopyOnWriteArrayList<>();
    private final HttpClient client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final HttpRequest request;
    private final Thread thread;
    private volatile boolean stop;

    Liveness(int port) throws Exception {
      request =
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health/live"))
              .timeout(Duration.ofSeconds(10))
              .build();
      client.send(request, HttpResponse.BodyHandlers.ofString()); // the connection, warmed
      thread = new Thread(this::run, "fuzz-liveness");
      thread.setDaemon(true);
      thread.start();
    }

    private void run() {
      while (!stop) {
        long t0 = System.nanoTime();
        try {
          HttpResponse<String> r = client.send(request, HttpResponse.BodyHandlers.ofString());
          long took = System.nanoTime() - t0;
          worstNanos.accumulateAndGet(took, Math::max);
          polls.incrementAndGet();
          if (r.statusCode() != 200 || !r.body().contains("\"live\"")) {
            problems.add(r.statusCode() + " " + r.body());
          }
        } catch (IOException e) {
          problems.add(e.toString());
        } catch (InterruptedException e) {
          return;
        }
        long left = TimeUnit.MILLISECONDS.toNanos(50) - (System.nanoTime() - t0);
        if (left > 0) {
          java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
      }
    }

    long worstMillis() {
      return TimeUnit.NANOSECONDS.toMillis(worstNanos.get());
    }

    void stop() throws InterruptedException {
      stop = true;
      thread.join(15_000);
    }

    @Override
    public void close() throws InterruptedException {
      stop();
    }
  }
}
