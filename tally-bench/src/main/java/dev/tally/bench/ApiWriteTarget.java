package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;

/**
 * What the issue measures: POST /contacts over real HTTP, one new contact per request. Tally
 * answers only after the group commit holding the write has been fsynced.
 */
final class ApiWriteTarget implements LoadTarget {
  private final InProcessTally tally;
  private final URI contacts;

  ApiWriteTarget(InProcessTally tally) {
    this.tally = tally;
    this.contacts = tally.uri("/contacts");
  }

  static ApiWriteTarget start(Path dataDir) throws Exception {
    return new ApiWriteTarget(InProcessTally.start(dataDir));
  }

  @Override
  public String name() {
    return "api";
  }

  @Override
  public Session openSession() {
    HttpClient http = InProcessTally.newClient();
    String authorization = "Bearer " + tally.token();
    return new Session() {
      @Override
      public void call(long n) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(contacts)
            .header("Authorization", authorization)
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
  public void close() throws Exception {
    tally.close();
  }
}
