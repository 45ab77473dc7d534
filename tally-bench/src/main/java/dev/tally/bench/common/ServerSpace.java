package dev.tally.bench.common;

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
public final class ServerSpace implements AutoCloseable {
  public final String pgUrl; // null: nothing on PostgreSQL
  public final String schema;
  public final String openSearchUrl; // null: nothing on OpenSearch
  public final String alias;

  /**
   * {@code prefix} names the schema ({@code prefix_<random>}) and the alias ({@code
   * prefix-<random>}, its indexes below it).
   */
  public ServerSpace(String pgUrl, String openSearchUrl, String prefix) {
    String suffix = Long.toHexString(ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    this.pgUrl = pgUrl;
    this.schema = prefix.replace('-', '_') + "_" + suffix;
    this.openSearchUrl = openSearchUrl;
    this.alias = prefix.replace('_', '-') + "-" + suffix;
  }

  public Connection connect() throws SQLException {
    return DriverManager.getConnection(pgUrl);
  }

  public void createSchema() throws SQLException {
    sql("CREATE SCHEMA " + schema);
  }

  public void sql(String statement) throws SQLException {
    try (Connection c = connect();
        Statement s = c.createStatement()) {
      s.execute(statement);
    }
  }

  /**
   * Drops the schema and deletes every index under the alias's name (its generations and the peers'
   * indexes named after it).
   */
  @Override
  public void close() throws Exception {
    if (pgUrl != null) {
      sql("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
    }
    if (openSearchUrl != null) {
      try (HttpClient client = HttpClient.newHttpClient()) {
        client.send(
            HttpRequest.newBuilder(URI.create(openSearchUrl + "/" + alias + "-*")).DELETE().build(),
            HttpResponse.BodyHandlers.discarding());
      }
    }
  }
}
