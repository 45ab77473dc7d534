package dev.tally.server;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.TestServers;
import dev.tally.testkit.ThrowawaySchema;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The real servers the engine tests use: PostgreSQL (TALLY_TEST_PG_URL, default the local one) and
 * OpenSearch (TALLY_TEST_OPENSEARCH_URL, default http://127.0.0.1:9200, started by bin/test). Each
 * test gets its own schema and its own index alias, removed afterwards. A server that cannot be
 * reached fails the test: a backend test never skips.
 */
final class TestEngines implements AutoCloseable {
  enum Combo {
    SQLITE_LUCENE("sqlite", "lucene"),
    POSTGRES_LUCENE("postgres", "lucene"),
    SQLITE_OPENSEARCH("sqlite", "opensearch"),
    POSTGRES_OPENSEARCH("postgres", "opensearch");

    final String store;
    final String index;

    Combo(String store, String index) {
      this.store = store;
      this.index = index;
    }
  }

  private final ThrowawaySchema pgSchema = ThrowawaySchema.reserve("tally_it");
  final String schema = pgSchema.name();
  final String alias =
      "tally-it-" + Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
  private boolean schemaMade;
  private boolean aliasUsed;

  static String pgUrl() {
    return TestServers.postgresUrl();
  }

  static String openSearchUrl() {
    return TestServers.openSearchUrl();
  }

  /** The serve settings for {@code combo}, on this test's schema and alias. */
  Map<Setting, String> settings(Combo combo) {
    Map<Setting, String> s = new HashMap<>();
    s.put(Settings.STORE, combo.store);
    s.put(Settings.INDEX, combo.index);
    if (combo.store.equals("postgres")) {
      schemaMade = true;
      s.put(Settings.STORE_URL, pgUrl());
      s.put(Settings.STORE_SCHEMA, schema);
    }
    if (combo.index.equals("opensearch")) {
      aliasUsed = true;
      s.put(Settings.INDEX_URL, openSearchUrl());
      s.put(Settings.INDEX_ALIAS, alias);
      s.put(Settings.INDEX_REFRESH, "200ms");
    }
    return s;
  }

  static void sql(String statement) {
    ThrowawaySchema.execute(statement);
  }

  static int openSearch(String method, String path) {
    try (HttpClient client = HttpClient.newHttpClient()) {
      return client
          .send(
              HttpRequest.newBuilder(URI.create(openSearchUrl() + path))
                  .method(method, HttpRequest.BodyPublishers.noBody())
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (java.io.IOException e) {
      throw new AssertionError(
          "OpenSearch is not reachable at " + openSearchUrl() + " (bin/opensearch start): " + e, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Override
  public void close() {
    if (schemaMade) {
      pgSchema.close();
    }
    if (aliasUsed) {
      openSearch("DELETE", "/" + alias + "-*");
    }
  }
}
