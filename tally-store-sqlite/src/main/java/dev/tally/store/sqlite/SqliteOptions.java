package dev.tally.store.sqlite;

import dev.tally.core.store.WorkspaceLimits;
import dev.tally.store.jdbc.WriterSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * How to open the SQLite store. {@code testIdOffsets} starts every id sequence at its own offset
 * above 2^53 (so also above 2^32, reliability test T8), so a narrow column or an int anywhere fails
 * loudly. {@code limits} caps distinct event names and custom attributes per workspace.
 */
public record SqliteOptions(
    Path file,
    boolean testIdOffsets,
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    int readers,
    InstantSource clock,
    WorkspaceLimits limits) {

  public WriterSettings writerSettings() {
    return new WriterSettings(
        writeTimeout, maxBatch, queueCapacity, idempotencyWindow, clock, limits);
  }

  public static SqliteOptions defaults(Path file) {
    WriterSettings w = WriterSettings.defaults();
    int readers = 8;
    return new SqliteOptions(
        file,
        false,
        w.writeTimeout(),
        w.maxBatch(),
        w.queueCapacity(),
        w.idempotencyWindow(),
        readers,
        w.clock(),
        w.limits());
  }

  public SqliteOptions withTestIdOffsets(boolean on) {
    return new SqliteOptions(
        file, on, writeTimeout, maxBatch, queueCapacity, idempotencyWindow, readers, clock, limits);
  }

  public SqliteOptions withClock(InstantSource c) {
    return new SqliteOptions(
        file,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        readers,
        c,
        limits);
  }

  public SqliteOptions withWriteTimeout(Duration d) {
    return new SqliteOptions(
        file, testIdOffsets, d, maxBatch, queueCapacity, idempotencyWindow, readers, clock, limits);
  }

  public SqliteOptions withLimits(WorkspaceLimits l) {
    return new SqliteOptions(
        file,
        testIdOffsets,
        writeTimeout,
        maxBatch,
        queueCapacity,
        idempotencyWindow,
        readers,
        clock,
        l);
  }
}
