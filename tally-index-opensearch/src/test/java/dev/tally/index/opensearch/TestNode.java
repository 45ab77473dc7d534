package dev.tally.index.opensearch;

import dev.tally.testkit.TestServers;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.UUID;

/**
 * The OpenSearch node the integration tests run against: {@link TestServers#openSearchUrl()}. A
 * test that cannot reach it fails — it never skips — and says how to start one.
 */
final class TestNode {
  static final String URL = TestServers.openSearchUrl();

  private TestNode() {}

  /** Options for a fresh alias of this test's own; replicas 0 so a single node is green. */
  static OpenSearchOptions options(String prefix) {
    requireReachable();
    return OpenSearchOptions.defaults(URL)
        .withAlias(prefix + "-" + UUID.randomUUID().toString().substring(0, 8))
        .withReplicas(0);
  }

  static void requireReachable() {
    try (HttpClient c = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build()) {
      HttpResponse<String> r =
          c.send(
              HttpRequest.newBuilder(URI.create(URL + "/")).timeout(Duration.ofSeconds(5)).build(),
              HttpResponse.BodyHandlers.ofString());
      if (r.statusCode() != 200) {
        throw new AssertionError(
            "OpenSearch at " + URL + " answered " + r.statusCode() + ": " + r.body());
      }
    } catch (Exception e) {
      throw new AssertionError(
          "OpenSearch is unreachable at "
              + URL
              + " ("
              + e
              + "); start one with bin/opensearch start, or set "
              + "TALLY_TEST_OPENSEARCH_URL. Backend tests fail rather than skip.",
          e);
    }
  }

  /** Deletes every generation behind an alias (test cleanup). */
  static void deleteAll(OpenSearchOptions o) {
    OpenSearchHttp http = new OpenSearchHttp(o);
    try {
      http.send("DELETE", "/" + o.alias() + "-*", (com.fasterxml.jackson.databind.JsonNode) null);
    } finally {
      http.close();
    }
  }
}
