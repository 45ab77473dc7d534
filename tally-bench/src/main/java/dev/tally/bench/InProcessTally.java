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

  private InProcessTally(TallyServer server, String token) {
    this.server = server;
    this.token = token;
  }

  static InProcessTally start(Path dataDir) throws Exception {
    Map<Setting, String> flags = Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0", Settings.LOG_FORMAT, "text");
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
  public void close() {
    server.close();
  }
}
