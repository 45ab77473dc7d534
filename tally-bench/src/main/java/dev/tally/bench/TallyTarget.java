package dev.tally.bench;

import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;

/**
 * Tally, started in this process on a fresh data directory with its production settings, written
 * to over real HTTP: every client is its own HttpClient (HTTP/1.1, one kept-alive connection) doing
 * POST /contacts, which answers only after the group commit has been fsynced.
 */
final class TallyTarget implements WriteTarget {
  private final TallyServer server;
  private final URI contacts;
  private final String token;

  private TallyTarget(TallyServer server, String token) {
    this.server = server;
    this.contacts = URI.create("http://127.0.0.1:" + server.port() + "/contacts");
    this.token = token;
  }

  static TallyTarget start(Path dataDir) throws Exception {
    Map<Setting, String> flags = Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0", Settings.LOG_FORMAT, "text");
    Config config = Config.resolve(flags, name -> null);  // no environment: only the flags above and the defaults
    ByteArrayOutputStream firstStart = new ByteArrayOutputStream();
    TallyServer server = TallyServer.start(config, "bench-admin-token", new PrintStream(firstStart, true, StandardCharsets.UTF_8));
    String token = firstStart.toString(StandardCharsets.UTF_8).lines()
        .filter(l -> l.startsWith("TALLY_TOKEN="))
        .map(l -> l.substring("TALLY_TOKEN=".length()))
        .findFirst()
        .orElseThrow(() -> new IllegalStateException("Tally printed no TALLY_TOKEN line on first start: " + firstStart));
    return new TallyTarget(server, token);
  }

  @Override
  public String name() {
    return "tally";
  }

  @Override
  public Session openSession() {
    HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    return new Session() {
      @Override
      public void write(long n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(contacts)
            .header("Authorization", "Bearer " + token)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .POST(HttpRequest.BodyPublishers.ofString(ContactBodies.json(n)))
            .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("POST /contacts (contact " + n + ") answered " + response.statusCode() + ": " + response.body());
        }
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  @Override
  public void close() {
    server.close();
  }
}
