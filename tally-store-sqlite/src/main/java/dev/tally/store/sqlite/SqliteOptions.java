package dev.tally.store.sqlite;

import dev.tally.store.jdbc.WriterSettings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;

/**
 * How to open the SQLite store. {@code testIdOffsets} starts every id sequence at its own offset
 * above 2^53 (so also above 2^32, reliability test T8), so a narrow column or an int anywhere fails
 * loudly.
 */
public record SqliteOptions(
    Path file,
    boolean testIdOffsets,
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    int readers,
    InstantSource clock) {

  public WriterSettings writerSettings() {
    return new WriterSettings(writeTimeout, maxBatch, queueCapacity, idempotencyWindow, clock);
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
        w.clock());
  }

  public SqliteOptions withTestIdOffsets(boolean on) {
    return new SqliteOptions(
        file, on, writeTimeout, maxBatch, queueCapacity, idempotencyWindow, readers, clock);
  }

  public SqliteOptions withClock(InstantSource c) {
    return new SqliteOptions(
        file, testIdOffsets, writeTimeout, maxBatch, queueCapacity, idempotencyWindow, readers, c);
  }

  public SqliteOptions withWriteTimeout(Duration d) {
    return new SqliteOptions(
        file, testIdOffsets, d, maxBatch, queueCapacity, idempotencyWindow, readers, clock);
  }
}
