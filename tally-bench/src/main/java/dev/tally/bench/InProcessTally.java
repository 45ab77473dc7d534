package dev.tally.bench;

import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Tally started in this process on a fresh data directory with its default (production) settings,
 * listening on a free port of 127.0.0.1, and the workspace token it printed on first start.
 */
final class InProcessTally implements AutoCloseable {
  private final TallyServer server;
  private final String token;
  private ServerSpace space;  // the schema and alias this Tally owns on shared servers, removed on close; null on SQLite

  private InProcessTally(TallyServer server, String token) {
    this.server = server;
    this.token = token;
  }

  static InProcessTally start(Path dataDir) throws Exception {
    return start(Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0", Settings.LOG_FORMAT, "text"));
  }

  /**
   * Tally on PostgreSQL ({@code space}'s schema) with the index {@code index}: OpenSearch under
   * {@code space}'s alias with a 1 s refresh, or Lucene in {@code dataDir}.
   */
  static InProcessTally startPostgres(Path dataDir, ServerSpace space, String index) throws Exception {
    Map<Setting, String> flags = new java.util.HashMap<>(Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0",
        Settings.LOG_FORMAT, "text", Settings.STORE, "postgres", Settings.STORE_URL, space.pgUrl, Settings.STORE_SCHEMA, space.schema,
        Settings.INDEX, index));
    if (index.equals("opensearch")) {
      flags.put(Settings.INDEX_URL, space.openSearchUrl);
      flags.put(Settings.INDEX_ALIAS, space.alias);
      flags.put(Settings.INDEX_REFRESH, "1s");
    }
    try {
      InProcessTally tally = start(flags);
      tally.space = space;
      return tally;
    } catch (Exception | Error e) {
      space.close();
      throw e;
    }
  }

  private static InProcessTally start(Map<Setting, String> flags) throws Exception {
    Config config = Config.resolve(flags, name -> null);  // no environment: only the flags above and the defaults
    ByteArrayOutputStream firstStart = new ByteArrayOutputStream();
    TallyServer server = TallyServer.start(config, "bench-admin-token", new PrintStream(firstStart, true, StandardCharsets.UTF_8));
    String token = firstStart.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("TALLY_TOKEN="))
        .map(l -> l.substring("TALLY_TOKEN=".length()))
        .findFirst()
        .orElse(null);
    if (token == null) {
      server.close();
      throw new IllegalStateException("Tally printed no TALLY_TOKEN line on first start: " + firstStart);
    }
    return new InProcessTally(server, token);
  }

  TallyServer server() {
    return server;
  }

  String token() {
    return token;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A bench client: HTTP/1.1 (what Intercom clients speak), one kept-alive connection per client. */
  static HttpClient newClient() {
    return HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
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
