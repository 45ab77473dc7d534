package dev.tally.bench.common;

import dev.tally.core.index.IndexEngine;
import dev.tally.core.projection.Verifier;
import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.search.RebuildRunner;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * Tally started in this process on a data directory with its default (production) settings unless a
 * benchmark says otherwise, listening on a free port of 127.0.0.1, and the workspace token it
 * printed on first start. In process, a benchmark reads the server's positions and index status
 * directly (no HTTP round trip inside a measurement); the index calls go through here, so that the
 * benchmarks do not depend on how the server arranges its index management.
 */
public final class InProcessTally implements AutoCloseable {
  private final TallyServer server;
  private final String token;
  private final ServerSpace
      space; // the schema and alias this Tally owns on shared servers, removed on close; null if

  // none

  private InProcessTally(TallyServer server, String token, ServerSpace space) {
    this.server = server;
    this.token = token;
    this.space = space;
  }

  /** Tally on SQLite and Lucene in {@code dataDir}, default settings. */
  public static InProcessTally start(Path dataDir) throws Exception {
    return start(dataDir, Map.of());
  }

  /** The same with {@code settings} over the defaults (e.g. scheduled snapshots off). */
  public static InProcessTally start(Path dataDir, Map<Setting, String> settings) throws Exception {
    return launch(flags(dataDir, settings), null, null);
  }

  /** Tally again on a data directory it has started on before, whose token it printed then. */
  public static InProcessTally restart(Path dataDir, Map<Setting, String> settings, String token)
      throws Exception {
    return launch(flags(dataDir, settings), token, null);
  }

  /**
   * Tally with the store {@code store} ("postgres": in {@code space}'s schema; "sqlite": in {@code
   * dataDir}) and the index {@code index} ("opensearch": under {@code space}'s alias with the
   * refresh interval {@code refresh}; "lucene": in {@code dataDir}); {@code space} is removed on
   * close.
   */
  public static InProcessTally start(
      Path dataDir, ServerSpace space, String store, String index, String refresh)
      throws Exception {
    Map<Setting, String> settings =
        new HashMap<>(Map.of(Settings.STORE, store, Settings.INDEX, index));
    if (store.equals("postgres")) {
      settings.put(Settings.STORE_URL, space.pgUrl);
      settings.put(Settings.STORE_SCHEMA, space.schema);
    }
    if (index.equals("opensearch")) {
      settings.put(Settings.INDEX_URL, space.openSearchUrl);
      settings.put(Settings.INDEX_ALIAS, space.alias);
      settings.put(Settings.INDEX_REFRESH, refresh);
    }
    return launch(flags(dataDir, settings), null, space);
  }

  private static Map<Setting, String> flags(Path dataDir, Map<Setting, String> settings) {
    Map<Setting, String> flags =
        new HashMap<>(
            Map.of(
                Settings.DATA,
                dataDir.toString(),
                Settings.PORT,
                "0",
                Settings.LOG_FORMAT,
                "text"));
    flags.putAll(settings);
    return flags;
  }

  /**
   * Starts Tally with {@code flags} and the defaults (no environment); {@code token} null: the one
   * it prints on first start.
   */
  private static InProcessTally launch(Map<Setting, String> flags, String token, ServerSpace space)
      throws Exception {
    try {
      ByteArrayOutputStream printed = new ByteArrayOutputStream();
      TallyServer server =
          TallyServer.start(
              Config.resolve(flags, name -> null),
              "bench-admin-token",
              new PrintStream(printed, true, StandardCharsets.UTF_8));
      String t =
          token != null
              ? token
              : printed
                  .toString(StandardCharsets.UTF_8)
                  .lines()
                  .filter(l -> l.startsWith("TALLY_TOKEN="))
                  .map(l -> l.substring("TALLY_TOKEN=".length()))
                  .findFirst()
                  .orElse(null);
      if (t == null) {
        server.close();
        throw new IllegalStateException(
            "Tally printed no TALLY_TOKEN line on first start: " + printed);
      }
      return new InProcessTally(server, t, space);
    } catch (Exception | Error e) {
      if (space != null) {
        try {
          space.close();
        } catch (Exception suppressed) {
          e.addSuppressed(suppressed);
        }
      }
      throw e;
    }
  }

  public TallyServer server() {
    return server;
  }

  public String token() {
    return token;
  }

  /**
   * The OpenSearch alias Tally searches through (or the name its space would give one, on Lucene);
   * null without a space.
   */
  public String alias() {
    return space == null ? null : space.alias;
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /**
   * {@code POST path} with {@code body} as {@code contentType}, authorized with this server's
   * token, sent with {@code client}; the answer's body as text.
   */
  public HttpResponse<String> post(HttpClient client, String path, String contentType, String body)
      throws IOException, InterruptedException {
    return client.send(
        HttpRequest.newBuilder(uri(path))
            .header("Authorization", "Bearer " + token())
            .header("Content-Type", contentType)
            .POST(HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * A bench client: HTTP/1.1 (what Intercom clients speak), one kept-alive connection per client.
   */
  public static HttpClient newClient() {
    return HttpClient.newBuilder()
        .version(HttpClient.Version.HTTP_1_1)
        .connectTimeout(Duration.ofSeconds(5))
        .build();
  }

  /**
   * Waits until searches see every write committed so far, for at most {@code timeout}; false if
   * they do not.
   */
  public boolean awaitSearchable(Duration timeout) throws InterruptedException {
    long head = server.store().head();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (server.searchablePosition() < head) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      Thread.sleep(5);
    }
    return true;
  }

  /** Healing or rebuilding the index (after a loss, or on request). */
  public boolean indexBusy() {
    return server.indexes().healing() != null || server.indexes().status().running();
  }

  /**
   * Waits until the index is neither healing nor rebuilding and the server is ready to answer
   * searches.
   */
  public void awaitReady(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (indexBusy() || !server.readiness().refresh().ready()) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "Tally was not ready within "
                + timeout
                + ": "
                + server.readiness().current().reasons());
      }
      Thread.sleep(5);
    }
  }

  /** The state of the last (or running) rebuild: phases, source, generation, documents. */
  public RebuildRunner.Status rebuildStatus() {
    return server.indexes().status();
  }

  /** Starts an online rebuild, as {@code POST /admin/index/rebuild} does. */
  public void startRebuild() {
    server.indexes().startRebuild();
  }

  /** Store and index compared, as {@code tally verify} does (nothing repaired). */
  public Verifier.Report verify() {
    return server.indexes().verify(false);
  }

  /** A snapshot of the index now, as {@code tally snapshot} takes one. */
  public IndexEngine.SnapshotInfo snapshotNow() {
    return server.indexes().snapshotNow();
  }

  @Override
  public void close() throws Exception {
    try {
      server.close();
    } finally {
      if (space != null) {
        space.close();
      }
    }
  }
}
