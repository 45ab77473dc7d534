package dev.tally.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.ThreadLocalRandom;

/**
 * What one run owns on the shared servers: a PostgreSQL schema of its own (and, for Tally with
 * OpenSearch, an index alias with its generations), named uniquely so that runs never meet each
 * other or other engineers' tests on the same servers, and removed when the run ends.
 */
final class ServerSpace implements AutoCloseable {
  final String pgUrl;
  final String schema;
  final String openSearchUrl;  // null: nothing on OpenSearch
  final String alias;

  ServerSpace(String pgUrl, String openSearchUrl, String prefix) {
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    this.pgUrl = pgUrl;
    this.schema = prefix.replace('-', '_') + "_" + suffix;
    this.openSearchUrl = openSearchUrl;
    this.alias = prefix.replace('_', '-') + "-" + suffix;
  }

  Connection connect() throws SQLException {
    return DriverManager.getConnection(pgUrl);
  }

  void createSchema() throws SQLException {
    sql("CREATE SCHEMA " + schema);
  }

  void sql(String statement) throws SQLException {
    try (Connection c = connect(); Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  @Override
  public void close() throws Exception {
    sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    if (openSearchUrl != null) {
      try (HttpClient client = HttpClient.newHttpClient()) {
        client.send(HttpRequest.newBuilder(URI.create(openSearchUrl + "/" + alias + "-*")).DELETE().build(),
            HttpResponse.BodyHandlers.discarding());
      }
    }
  }
}
