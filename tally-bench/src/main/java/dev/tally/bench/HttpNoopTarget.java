package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;

/**
 * For the breakdown: GET /health/live, a request that touches neither auth nor the store. It is
 * the floor this client and Tally's HTTP stack (Jetty, Javalin, virtual threads) set on one machine.
 */
final class HttpNoopTarget implements LoadTarget {
  private final InProcessTally tally;
  private final URI live;

  HttpNoopTarget(InProcessTally tally) {
    this.tally = tally;
    this.live = tally.uri("/health/live");
  }

  static HttpNoopTarget start(Path dataDir) throws Exception {
    return new HttpNoopTarget(InProcessTally.start(dataDir));
  }

  @Override
  public String name() {
    return "http-noop";
  }

  @Override
  public Session openSession() {
    HttpClient http = InProcessTally.newClient();
    HttpRequest request = HttpRequest.newBuilder(live).GET().build();
    return new Session() {
      @Override
      public void call(long n) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException("GET /health/live answered " + response.statusCode() + ": " + response.body());
        }
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  @Override
  public void close() throws Exception {
    tally.close();
  }
}
