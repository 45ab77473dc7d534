package dev.tally.store.postgres;

import dev.tally.core.store.WorkspaceLimits;
import dev.tally.store.jdbc.WriterSettings;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * How to open the PostgreSQL store. {@code user} and {@code password} may be null (then the URL's
 * or the driver's defaults apply); {@code schema} null means the connection's default schema.
 * {@code testIdOffsets} starts every id sequence at its own offset above 2^53 (so also above 2^32,
 * reliability test T8), so a narrow column or an int anywhere fails loudly. Driver and pool
 * timeouts are set in {@link PgConnections}; a timeout named in the URL wins. {@code limits} caps
 * distinct event names and custom attributes per workspace.
 */
public record PostgresOptions(
    String url,
    String user,
    String password,
    String schema,
    boolean testIdOffsets,
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    int poolSize,
    InstantSource clock,
    WorkspaceLimits limits) {

  private static final Pattern SCHEMA = Pattern.compile("[a-z_][a-z0-9_]{0,62}");

  public PostgresOptions {
    Objects.requireNonNull(url, "url");
    if (!url.startsWith("jdbc:postgresql:")) {
      throw new IllegalArgumentException(
          "the store URL must start with jdbc:postgresql:, got " + url);
    }
    if (schema != null && !SCHEMA.matcher(schema).matches()) {
      throw new IllegalArgumentException(
          "the schema must be a lower-case SQL identifier ([a-z_][a-z0-9_]*), got " + schema);
    }
    if (maxBatch < 1 || queueCapacity < 1 || poolSize < 1) {
      throw new IllegalArgumentException("maxBatch, queueCapacity and poolSize must be positive");
    }
  }

  public WriterSettings writerSettings() {
    return new WriterSettings(
        writeTimeout, maxBatch, queueCapacity, idempotencyWindow, clock, limits);
  }

  /**
   * The URL as it may be logged or shown: a password in it (a {@code password=} parameter, or
   * {@code user:password@} before the host) is replaced by {@code ***}.
   */
  public String redactedUrl() {
    return redact(url);
  }

  static String redact(String url) {
    if (url == null) {
      return null;
    }
    return url.replaceAll("(?i)([?&;]password=)[^&;]*", "$1***")
        .replaceAll("//([^/@:]*):[^/@]*@", "//$1:***@");
  }

  public static PostgresOptions defaults(String url) {
    WriterSettings w = WriterSettings.defaults();
    int poolSize = 8;
    return new PostgresOptions(
        url,
        null,
        null,
        null,
        false,
        w.writeTimeout(),
        w.maxBatch(),
        w.queueCapacity(),
        w.idempotencyWindow(),
        poolSize,
        w.clock(),
        w.limits());
  }

  public PostgresOptions withUrl(String u) {
    return new PostgresOptions(
        u,
        user,
        password,
        schema,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        limits);
  }

  public PostgresOptions withCredentials(String u, String p) {
    return new PostgresOptions(
        url,
        u,
        p,
        schema,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        limits);
  }

  public PostgresOptions withSchema(String s) {
    return new PostgresOptions(
        url,
        user,
        password,
        s,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        limits);
  }

  public PostgresOptions withTestIdOffsets(boolean on) {
    return new PostgresOptions(
        url,
        user,
        password,
        schema,
        on,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        limits);
  }

  public PostgresOptions withWriteTimeout(Duration d) {
    return new PostgresOptions(
        url,
        user,
        password,
        schema,
        testIdOffsets,
        d,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        limits);
  }

  public PostgresOptions withPoolSize(int n) {
    return new PostgresOptions(
        url,
        user,
        password,
        schema,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        n,
        clock,
        limits);
  }

  public PostgresOptions withClock(InstantSource c) {
    return new PostgresOptions(
        url,
        user,
        password,
        schema,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        c,
        limits);
  }

  public PostgresOptions withLimits(WorkspaceLimits l) {
    return new PostgresOptions(
        url,
        user,
        password,
        schema,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        poolSize,
        clock,
        l);
  }

  /** Never prints the password. */
  @Override
  public String toString() {
    return "PostgresOptions[url="
        + url
        + ", user="
        + user
        + ", password="
        + (password == null ? "null" : "***")
        + ", schema="
        + schema
        + ", testIdOffsets="
        + testIdOffsets
        + ", writeTimeout="
        + writeTimeout
        + ", maxBatch="
        + maxBatch
        + ", queueCapacity="
        + queueCapacity
        + ", idempotencyWindow="
        + idempotencyWindow
        + ", poolSize="
        + poolSize
        + ", limits="
        + limits
        + "]";
  }
}
