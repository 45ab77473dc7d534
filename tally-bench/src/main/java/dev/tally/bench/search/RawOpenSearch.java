package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The peers' own OpenSearch client: the JDK's HttpClient (HTTP/1.1, kept-alive connections, as
 * Tally's OpenSearchIndex uses) and Jackson, nothing of Tally's. Bodies are sent as given; answers
 * are parsed, and anything but 2xx fails loudly.
 */
final class RawOpenSearch implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();

  final String url;
  private final HttpClient client =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  RawOpenSearch(String url) {
    this.url = url.endsWith("/") ? url.substring(0, url.length() - 1) : url;
  }

  /** Sends a request and returns the parsed answer; throws unless the status is 2xx. */
  JsonNode send(String method, String path, String body, String contentType) {
    try {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(url + path)).timeout(Duration.ofSeconds(120));
      if (body == null) {
        b.method(method, HttpRequest.BodyPublishers.noBody());
      } else {
        b.header("Content-Type", contentType)
            .method(method, HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
      }
      HttpResponse<byte[]> r = client.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
      if (r.statusCode() / 100 != 2) {
        throw new IllegalStateException(
            method
                + " "
                + url
                + path
                + " answered "
                + r.statusCode()
                + ": "
                + new String(r.body(), StandardCharsets.UTF_8));
      }
      return r.body().length == 0 ? JSON.createObjectNode() : JSON.readTree(r.body());
    } catch (IOException e) {
      throw new IllegalStateException(
          "OpenSearch at " + url + " (bin/opensearch start): " + method + " " + path + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  JsonNode json(String method, String path, String body) {
    return send(method, path, body, "application/json");
  }

  /** Status only (for HEAD and deletes that may find nothing). */
  int status(String method, String path) {
    try {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(url + path))
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      throw new IllegalStateException("OpenSearch at " + url + ": " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** Deletes every index whose name starts with {@code prefix} (the bench's own names only). */
  void deleteAll(String prefix) {
    status("DELETE", "/" + prefix + "*");
  }

  /** The OpenSearch version and heap, for the report. */
  String describe() {
    JsonNode root = json("GET", "/", null);
    JsonNode nodes = json("GET", "/_nodes/_local/jvm", null).path("nodes");
    JsonNode jvm =
        nodes.elements().hasNext() ? nodes.elements().next().path("jvm") : JSON.createObjectNode();
    return "OpenSearch "
        + root.path("version").path("number").asText()
        + " (single node, heap "
        + jvm.path("mem").path("heap_max_in_bytes").asLong() / (1 << 20)
        + " MB, JVM "
        + jvm.path("version").asText()
        + ")";
  }

  /** Segments of an index (for the report). */
  int segments(String index) {
    JsonNode s = json("GET", "/" + index + "/_segments", null).path("indices");
    int n = 0;
    for (JsonNode idx : s) {
      for (JsonNode shard : idx.path("shards")) {
        for (JsonNode copy : shard) {
          n += copy.path("segments").size();
        }
      }
    }
    return n;
  }

  @Override
  public void close() {
    client.close();
  }
}
