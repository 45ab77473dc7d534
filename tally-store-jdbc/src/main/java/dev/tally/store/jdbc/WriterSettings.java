package dev.tally.store.jdbc;

import java.time.Duration;
import java.time.InstantSource;

/** How the writer batches and waits: the same settings for every store. */
public record WriterSettings(
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    InstantSource clock) {

  /**
   * The defaults of every store: a write waits up to 30 s, a batch holds up to 512 writes, 8,192
   * may wait, idempotency keys are kept a day, on the system clock.
   */
  public static WriterSettings defaults() {
    return new WriterSettings(
        Duration.ofSeconds(30), 512, 8192, Duration.ofHours(24), InstantSource.system());
  }
}
