package dev.tally.store.jdbc;

import dev.tally.core.store.WorkspaceLimits;
import java.time.Duration;
import java.time.InstantSource;

/** How the writer batches and waits, and the per-workspace caps it enforces: for every store. */
public record WriterSettings(
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    InstantSource clock,
    WorkspaceLimits limits) {

  /**
   * The defaults of every store: a write waits up to 30 s, a batch holds up to 512 writes, 8,192
   * may wait, idempotency keys are kept a day, on the system clock, with {@link
   * WorkspaceLimits#DEFAULTS}.
   */
  public static WriterSettings defaults() {
    return new WriterSettings(
        Duration.ofSeconds(30),
        512,
        8192,
        Duration.ofHours(24),
        InstantSource.system(),
        WorkspaceLimits.DEFAULTS);
  }
}
