package dev.tally.bench.search;

import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tally started in this process with its default settings on a fresh data directory, so the
 * benchmark can read {@link TallyServer#searchablePosition()} directly (no HTTP round trip in the
 * visibility measurement), plus the workspace token it prints on first start.
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
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TallyServer server = TallyServer.start(Config.resolve(flags, n -> null), "bench-admin", new PrintStream(out, true, StandardCharsets.UTF_8));
    String token = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("TALLY_TOKEN="))
        .map(l -> l.substring("TALLY_TOKEN=".length())).findFirst().orElse(null);
    if (token == null) {
      server.close();
      throw new IllegalStateException("Tally printed no TALLY_TOKEN line on first start: " + out);
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

  @Override
  public void close() {
    server.close();
  }
}
