package dev.tally.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.InProcessTally;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.store.Store;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * A target on an in-process Tally of its own, stopped (and its space on shared servers removed)
 * with the target.
 */
final class TallyTarget implements LoadTarget {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final String name;
  private final InProcessTally tally;
  private final Sessions sessions;

  private interface Sessions {
    Session open(InProcessTally tally);
  }

  private TallyTarget(String name, InProcessTally tally, Sessions sessions) {
    this.name = name;
    this.tally = tally;
    this.sessions = sessions;
  }

  /**
   * What the issue measures: POST /contacts over real HTTP, one new contact per request. Tally
   * answers only after the group commit holding the write has been fsynced.
   */
  static TallyTarget api(InProcessTally tally) {
    return new TallyTarget(
        "api",
        tally,
        t -> {
          URI contacts = t.uri("/contacts");
          String authorization = "Bearer " + t.token();
          return http(
              n ->
                  HttpRequest.newBuilder(contacts)
                      .header("Authorization", authorization)
                      .header("Content-Type", "application/json")
                      .timeout(Duration.ofSeconds(60))
                      .POST(HttpRequest.BodyPublishers.ofString(ContactBodies.json(n)))
                      .build());
        });
  }

  /**
   * For the breakdown: GET /health/live, a request that touches neither auth nor the store. It is
   * the floor this client and Tally's HTTP stack (Jetty, Javalin, virtual threads) set on one
   * machine.
   */
  static TallyTarget noop(InProcessTally tally) {
    return new TallyTarget(
        "http-noop",
        tally,
        t -> {
          HttpRequest live = HttpRequest.newBuilder(t.uri("/health/live")).GET().build();
          return http(n -> live);
        });
  }

  /**
   * For the breakdown: the same contact creation through Tally's store (group commit, same
   * transaction and fsync) but called in-process, without HTTP, auth or response rendering. The gap
   * to {@link #api} is what the HTTP layer costs; the gap to the bare loop, the store's.
   */
  static TallyTarget store(InProcessTally tally) {
    long workspace = tally.server().store().workspaces().get(0).id();
    return new TallyTarget(
        "store",
        tally,
        t -> {
          Store store = t.server().store();
          return new Session() {
            @Override
            public void call(long n) throws Exception {
              ContactPatch patch =
                  ContactPatchParser.parse(
                      JSON.readTree(ContactBodies.json(n)), ContactPatchParser.Mode.CREATE);
              store.write(tx -> tx.createContact(workspace, patch));
            }

            @Override
            public void close() {
              // the store belongs to the server
            }
          };
        });
  }

  private interface Requests {
    HttpRequest request(long n);
  }

  /**
   * A session with an HTTP client of its own, sending request {@code n} for call {@code n};
   * anything but 200 fails.
   */
  private static Session http(Requests requests) {
    HttpClient http = InProcessTally.newClient();
    return new Session() {
      @Override
      public void call(long n) throws Exception {
        HttpRequest request = requests.request(n);
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        if (response.statusCode() != 200) {
          throw new IllegalStateException(
              request.method()
                  + " "
                  + request.uri().getPath()
                  + " (call "
                  + n
                  + ") answered "
                  + response.statusCode()
                  + ": "
                  + response.body());
        }
      }

      @Override
      public void close() {
        http.close();
      }
    };
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public Session openSession() {
    return sessions.open(tally);
  }

  @Override
  public void close() throws Exception {
    tally.close();
  }
}
