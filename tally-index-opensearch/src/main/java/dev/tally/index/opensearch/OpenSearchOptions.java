package dev.tally.index.opensearch;

import java.net.URI;
import java.time.Duration;

/**
 * How Tally reaches and lays out its OpenSearch index. Immutable; {@link #defaults(String)} gives
 * the values below and each {@code withX} returns a copy with one value changed.
 *
 * @param url where OpenSearch answers, e.g. {@code http://127.0.0.1:9200}
 * @param alias the name searches and writes use; generations are {@code <alias>-<n>} behind it
 * @param refreshInterval how often new writes become searchable (set explicitly on the index, so a
 *     shard without searches keeps refreshing and freshness stays bounded)
 * @param shards primary shards of a new generation
 * @param replicas replicas of a new generation (0 for a single test node)
 * @param fieldLimit {@code index.mapping.total_fields.limit}: custom attributes and event names
 *     each become fields, shared by all workspaces of the index
 * @param requestTimeout how long one HTTP request may take
 * @param retries how often a request is retried on 429, 5xx or a refused connection
 * @param initialBackoff the first wait before a retry; it doubles per retry
 */
public record OpenSearchOptions(
    URI url,
    String alias,
    Duration refreshInterval,
    int shards,
    int replicas,
    int fieldLimit,
    Duration requestTimeout,
    int retries,
    Duration initialBackoff) {

  public OpenSearchOptions {
    if (!alias.matches("[a-z0-9][a-z0-9_-]*")) {
      throw new IllegalArgumentException(
          "the OpenSearch alias must be lowercase letters, digits, '-' and '_', got \""
              + alias
              + "\"");
    }
    if (shards < 1 || replicas < 0 || retries < 0 || fieldLimit < 100) {
      throw new IllegalArgumentException(
          "OpenSearch options out of range: shards "
              + shards
              + " (>= 1), replicas "
              + replicas
              + " (>= 0), retries "
              + retries
              + " (>= 0), fieldLimit "
              + fieldLimit
              + " (>= 100)");
    }
    String s = url.toString();
    url = URI.create(s.endsWith("/") ? s.substring(0, s.length() - 1) : s);
  }

  public static OpenSearchOptions defaults(String url) {
    return new OpenSearchOptions(
        URI.create(url),
        "tally-contacts",
        Duration.ofSeconds(1),
        1,
        1,
        10_000,
        Duration.ofSeconds(30),
        4,
        Duration.ofMillis(100));
  }

  public OpenSearchOptions withAlias(String a) {
    return new OpenSearchOptions(
        url,
        a,
        refreshInterval,
        shards,
        replicas,
        fieldLimit,
        requestTimeout,
        retries,
        initialBackoff);
  }

  public OpenSearchOptions withRefreshInterval(Duration d) {
    return new OpenSearchOptions(
        url, alias, d, shards, replicas, fieldLimit, requestTimeout, retries, initialBackoff);
  }

  public OpenSearchOptions withShards(int n) {
    return new OpenSearchOptions(
        url,
        alias,
        refreshInterval,
        n,
        replicas,
        fieldLimit,
        requestTimeout,
        retries,
        initialBackoff);
  }

  public OpenSearchOptions withReplicas(int n) {
    return new OpenSearchOptions(
        url,
        alias,
        refreshInterval,
        shards,
        n,
        fieldLimit,
        requestTimeout,
        retries,
        initialBackoff);
  }

  public OpenSearchOptions withRetries(int n, Duration backoff) {
    return new OpenSearchOptions(
        url, alias, refreshInterval, shards, replicas, fieldLimit, requestTimeout, n, backoff);
  }

  public OpenSearchOptions withRequestTimeout(Duration d) {
    return new OpenSearchOptions(
        url, alias, refreshInterval, shards, replicas, fieldLimit, d, retries, initialBackoff);
  }
}
