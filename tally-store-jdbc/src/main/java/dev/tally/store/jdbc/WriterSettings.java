package dev.tally.store.jdbc;

import java.time.Duration;
import java.time.InstantSource;

/** How the writer batches and waits: the same settings for every store. */
public record WriterSettings(
    Duration writeTimeout,
    int maxBatch,
    int queueCapacity,
    Duration idempotencyWindow,
    InstantSource clock) {}
