package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts a real Tally (SQLite store in a temp dir, ids above 2^53) on a free port for each test.
 */
public abstract class ApiTestBase {
  public static final String ADMIN = "test-admin-token";

  @TempDir protected Path data;

  protected TallyServer server;
  protected TallyHttp http;

  /** The default workspace's token. */
  protected String token;

  @BeforeEach
  void startTally(TestInfo test) throws Exception {
    BackendLog.CURRENT.set(
        getClass().getName()
            + "#"
            + test.getTestMethod().map(m -> m.getName()).orElse("?")
            + " "
            + test.getDisplayName());
    StartedTally t;
    try {
      t = startTally(data, settings());
    } finally {
      BackendLog.CURRENT.remove();
    }
    server = t.server();
    token = t.token();
    http = new TallyHttp(server.port());
  }

  /** Settings the test's Tally starts with, beyond the defaults (a test class may override). */
  protected Map<Setting, String> settings() {
    return Map.of();
  }

  @AfterEach
  void stopTally() {
    if (server != null) {
      server.close();
    }
  }

  public record StartedTally(TallyServer server, String token) {}

  public static StartedTally startTally(Path data, Map<Setting, String> extra) throws Exception {
    Map<Setting, String> flags =
        new HashMap<>(
            Map.of(
                Settings.DATA,
                data.toString(),
                Settings.PORT,
                "0",
                Settings.TEST_ID_OFFSETS,
                "true",
                Settings.LOG_FORMAT,
                "text"));
    flags.putAll(extra);
    Config config = Config.resolve(flags, name -> null);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TallyServer server =
        TallyServer.start(config, ADMIN, new PrintStream(out, true, StandardCharsets.UTF_8));
    BackendLog.ran(config.string(Settings.STORE), config.string(Settings.INDEX));
    String token = null;
    if (out.toString(StandardCharsets.UTF_8).contains(ADMIN)) {
      // The admin token came from the environment: printing it would copy a secret into logs.
      server.close();
      throw new AssertionError("Tally echoed the admin token it was given: " + out);
    }
    for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
      if (line.startsWith("TALLY_TOKEN=")) {
        token = line.substring("TALLY_TOKEN=".length()).trim();
      }
    }
    return new StartedTally(server, token);
  }

  protected TallyHttp.Res post(String path, String body) {
    return http.call("POST", path, token, body);
  }

  protected TallyHttp.Res get(String path) {
    return http.call("GET", path, token, null);
  }

  /** Creates a workspace through the admin API and returns its token. */
  protected String newWorkspace(String name) {
    TallyHttp.Res r = http.call("POST", "/admin/workspaces", ADMIN, "{\"name\":\"" + name + "\"}");
    assertEquals(201, r.status(), r.toString());
    return r.json().get("token").asText();
  }

  /** The id of the workspace {@code token} belongs to (the first one, "default"). */
  protected String defaultWorkspace() {
    return http.call("GET", "/admin/workspaces", ADMIN, null)
        .json()
        .get("data")
        .get(0)
        .get("id")
        .asText();
  }

  /** Adds a teammate to a workspace through the admin API and returns its id. */
  protected long newAdmin(String workspaceId, String name, String email) {
    TallyHttp.Res r =
        http.call(
            "POST",
            "/admin/workspaces/" + workspaceId + "/admins",
            ADMIN,
            "{\"name\":\"" + name + "\",\"email\":\"" + email + "\"}");
    assertEquals(201, r.status(), r.toString());
    return Long.parseLong(r.json().get("id").asText());
  }

  /**
   * Creates a live email subscription type in a workspace through the admin API ({@code
   * consentType}: opt_in or opt_out) and returns its id.
   */
  protected String newSubscriptionType(String workspaceId, String consentType) {
    return newSubscriptionTypeFrom(
        workspaceId, "{\"name\":\"News\",\"consent_type\":\"" + consentType + "\"}");
  }

  /** Creates a subscription type from the admin API's {@code body}; returns its id. */
  protected String newSubscriptionTypeFrom(String workspaceId, String body) {
    TallyHttp.Res r =
        http.call("POST", "/admin/workspaces/" + workspaceId + "/subscription_types", ADMIN, body);
    assertEquals(201, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  /** Searches with {@code query} (up to 150 results), once the index has applied a position. */
  protected TallyHttp.Res searchAt(String query, long minPosition) {
    return http.call(
        "POST",
        "/contacts/search",
        token,
        "{\"query\":" + query + ",\"pagination\":{\"per_page\":150}}",
        Map.of("Tally-Min-Position", Long.toString(minPosition)));
  }

  /** The ids of a search's results (asserting it answered 200), sorted. */
  protected static java.util.Set<String> found(TallyHttp.Res r) {
    assertEquals(200, r.status(), r.toString());
    java.util.Set<String> ids = new java.util.TreeSet<>();
    r.json().get("data").forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  /** How many times the server's periodic task {@code task} has run (from /metrics). */
  protected long taskRuns(String task) {
    return taskRuns(http, task);
  }

  /** How many times the periodic task {@code task} of the Tally at {@code http} has run. */
  public static long taskRuns(TallyHttp http, String task) {
    String prefix = "tally_task_runs_total{task=\"" + task + "\"} ";
    for (String line : http.call("GET", "/metrics", null, null).raw().body().split("\n")) {
      if (line.startsWith(prefix)) {
        return (long) Double.parseDouble(line.substring(prefix.length()).trim());
      }
    }
    return 0;
  }

  /**
   * Waits (deadline 30 s) until the server's periodic task {@code task} has run {@code rounds} more
   * whole times: what "nothing more happens" assertions wait for, instead of a sleep.
   */
  protected void awaitTaskRounds(String task, int rounds) {
    awaitTaskRounds(http, task, rounds);
  }

  /** {@link #awaitTaskRounds(String, int)} for the Tally at {@code http}. */
  public static void awaitTaskRounds(TallyHttp http, String task, int rounds) {
    // +1: a run under way when asked may have started before the state being checked.
    long target = taskRuns(http, task) + rounds + 1;
    dev.tally.testkit.Await.until(
        rounds + " more runs of " + task,
        java.time.Duration.ofSeconds(30),
        () -> taskRuns(http, task),
        n -> n >= target);
  }

  protected String createContact(String body) {
    TallyHttp.Res r = post("/contacts", body);
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }
}
