package dev.tally.testkit;

/**
 * Where the real servers of the integration tests are, looked up once for every module:
 * TALLY_TEST_PG_URL and TALLY_TEST_OPENSEARCH_URL (a system property, else the environment), by
 * default the local PostgreSQL (trust auth) and the OpenSearch that bin/test starts.
 */
public final class TestServers {
  public static final String DEFAULT_POSTGRES_URL = "jdbc:postgresql://127.0.0.1:5432/test";
  public static final String DEFAULT_OPENSEARCH_URL = "http://127.0.0.1:9200";

  private TestServers() {}

  public static String postgresUrl() {
    return setting("TALLY_TEST_PG_URL", DEFAULT_POSTGRES_URL);
  }

  public static String openSearchUrl() {
    return setting("TALLY_TEST_OPENSEARCH_URL", DEFAULT_OPENSEARCH_URL);
  }

  private static String setting(String name, String fallback) {
    String v = System.getProperty(name);
    if (v == null || v.isBlank()) {
      v = System.getenv(name);
    }
    return v == null || v.isBlank() ? fallback : v;
  }
}
