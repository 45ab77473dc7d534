package dev.tally.core.verify;

import java.util.Map;
import java.util.TreeMap;

/**
 * The digest of one bucket of contact ids ({@code 2^12} consecutive ids): how many contacts it
 * holds and the sum of a hash of each one's (id, version). The store computes it in SQL from a
 * covering index and the index from doc values, so equal buckets are compared without reading a
 * document; only the buckets whose digests differ are compared id by id.
 *
 * <p>The hash squares a linear mix so that two differences cannot cancel out in the sum (with a
 * plain linear hash, one contact a version ahead and another a version behind would). Every step
 * stays below 2^63 so that SQL engines compute the same numbers with 64-bit integers.
 */
public record VersionDigest(long bucket, long count, long hash) {
  public static final int BUCKET_BITS = 12;

  /**
   * The SQL expression of {@link #hash(long, long)} over columns {@code id} and {@code version}.
   */
  public static final String SQL_HASH =
      "((((id % 2147483629) * 40503 + version) % 2147483647) * (((id % 2147483629) * 40503 + version) % 2147483647)) % 2147483629";

  public static long bucket(long id) {
    return id >>> BUCKET_BITS;
  }

  public static long firstId(long bucket) {
    return bucket << BUCKET_BITS;
  }

  public static long hash(long id, long version) {
    long h = ((id % 2147483629L) * 40503L + version) % 2147483647L;
    return (h * h) % 2147483629L;
  }

  /** Accumulates digests bucket by bucket from (id, version) pairs in any order. */
  public static final class Builder {
    private final Map<Long, long[]> buckets = new TreeMap<>();

    public void add(long id, long version) {
      long[] b = buckets.computeIfAbsent(bucket(id), k -> new long[2]);
      b[0]++;
      b[1] += hash(id, version);
    }

    public java.util.List<VersionDigest> build() {
      return buckets.entrySet().stream()
          .map(e -> new VersionDigest(e.getKey(), e.getValue()[0], e.getValue()[1]))
          .toList();
    }
  }
}
