package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import dev.tally.core.TallyException;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The one place that talks HTTP to OpenSearch. Retries what a retry can fix — 429 (OpenSearch
 * shedding load), 5xx and refused or reset connections — with doubling backoff, then gives up with
 * a retriable 503 that names the URL. Every write Tally sends is idempotent (external versions), so
 * resending a request whose answer was lost is safe.
 */
final class OpenSearchHttp {
  static final ObjectMapper JSON = new ObjectMapper();

  /** An answer: HTTP status and the parsed body (a missing node when there was none). */
  record Response(int status, JsonNode body) {
    boolean ok() {
      return status >= 200 && status < 300;
    }
  }

  private final OpenSearchOptions options;
  private final HttpClient client;

  OpenSearchHttp(OpenSearchOptions options) {
    this.options = options;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(2))
            .build();
  }

  void close() {
    client.close();
  }

  URI url() {
    return options.url();
  }

  /**
   * Sends a request with a JSON body (or none), retrying as above; any status that is not retried
   * is returned.
   */
  Response send(String method, String path, String body, String contentType) {
    long backoff = options.initialBackoff().toMillis();
    for (int attempt = 0; ; attempt++) {
      boolean last = attempt >= options.retries();
      try {
        Response r = once(method, path, body, contentType);
        if (!retriable(r.status()) || last) {
          if (retriable(r.status())) {
            throw TallyException.unavailable(
                "index_unavailable",
                "OpenSearch at "
                    + options.url()
                    + " answered "
                    + r.status()
                    + " to "
                    + method
                    + " "
                    + path
                    + " after "
                    + (attempt + 1)
                    + " attempts: "
                    + reason(r.body()),
                null);
          }
          return r;
        }
      } catch (IOException e) {
        if (last) {
          throw TallyException.unavailable(
              "index_unavailable",
              "OpenSearch is unreachable at "
                  + options.url()
                  + " ("
                  + method
                  + " "
                  + path
                  + ", "
                  + (attempt + 1)
                  + " attempts): "
                  + e,
              e);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw TallyException.unavailable(
            "index_unavailable", "interrupted while waiting for OpenSearch at " + options.url(), e);
      }
      sleep(backoff);
      backoff *= 2;
    }
  }

  Response send(String method, String path, JsonNode body) {
    return send(method, path, body == null ? null : body.toString(), "application/json");
  }

  /** Like {@link #send} but fails with a diagnosis unless the status is 2xx. */
  JsonNode expectOk(String method, String path, JsonNode body) {
    Response r = send(method, path, body);
    if (!r.ok()) {
      throw failure(method, path, r);
    }
    return r.body();
  }

  TallyException failure(String method, String path, Response r) {
    return new TallyException(
        TallyException.Kind.INTERNAL,
        "index_request_failed",
        null,
        "OpenSearch at "
            + options.url()
            + " refused "
            + method
            + " "
            + path
            + " with "
            + r.status()
            + ": "
            + reason(r.body()));
  }

  static String reason(JsonNode body) {
    JsonNode error = body.path("error");
    if (error.isObject()) {
      return error.path("type").asText() + ": " + error.path("reason").asText();
    }
    String s = body.toString();
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  private Response once(String method, String path, String body, String contentType)
      throws IOException, InterruptedException {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(options.url() + path)).timeout(options.requestTimeout());
    if (body == null) {
      b.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      b.header("Content-Type", contentType)
          .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
    }
    HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    return new Response(r.statusCode(), parse(r.body()));
  }

  /**
   * The body as JSON; a proxy's HTML error page becomes a text node rather than a parse failure.
   */
  private static JsonNode parse(byte[] body) {
    if (body.length == 0) {
      return MissingNode.getInstance();
    }
    try {
      return JSON.readTree(body);
    } catch (IOException notJson) {
      return JSON.getNodeFactory().textNode(new String(body, StandardCharsets.UTF_8));
    }
  }

  private static boolean retriable(int status) {
    return status == 429 || status >= 500;
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable(
          "index_unavailable", "interrupted while backing off from OpenSearch", e);
    }
  }
}
