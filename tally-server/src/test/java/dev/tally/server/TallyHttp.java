package dev.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A test client for Tally's HTTP API. */
public final class TallyHttp {
  static final ObjectMapper JSON = new ObjectMapper();
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  private final String base;

  public TallyHttp(int port) {
    this.base = "http://127.0.0.1:" + port;
  }

  /**
   * A response: status, headers and the body parsed as JSON (MissingNode when empty or not JSON).
   */
  public record Res(int status, HttpResponse<String> raw, JsonNode json) {
    public String header(String name) {
      return raw.headers().firstValue(name).orElse(null);
    }

    public long position() {
      return Long.parseLong(header("Tally-Position"));
    }

    /** The first error's code, for error responses. */
    public String code() {
      return json.path("errors").path(0).path("code").asText(null);
    }

    public String field() {
      return json.path("errors").path(0).path("field").asText(null);
    }

    public String message() {
      return json.path("errors").path(0).path("message").asText(null);
    }

    @Override
    public String toString() {
      return status + " " + raw.body();
    }
  }

  public Res call(String method, String path, String token, String body) {
    return call(method, path, token, body, Map.of());
  }

  public Res call(
      String method, String path, String token, String body, Map<String, String> headers) {
    return call(
        method,
        path,
        token,
        body == null ? null : body.getBytes(java.nio.charset.StandardCharsets.UTF_8),
        headers);
  }

  /** The body sent as these very bytes (another encoding, malformed UTF-8). */
  public Res call(
      String method, String path, String token, byte[] body, Map<String, String> headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    headers.forEach(b::header);
    b.method(
        method,
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(body));
    if (body != null
        && headers.keySet().stream().noneMatch(h -> h.equalsIgnoreCase("Content-Type"))) {
      b.header("Content-Type", "application/json");
    }
    try {
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json;
      try {
        json = r.body().isEmpty() ? MissingNode.getInstance() : JSON.readTree(r.body());
      } catch (IOException e) {
        json = MissingNode.getInstance();
      }
      return new Res(r.statusCode(), r, json);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
