package dev.tally.store.postgres.doctor;

import java.time.Instant;

/** A sequence's last value at one moment; two of them give its growth rate. */
public record SequenceSample(String sequence, long lastValue, Instant observedAt) {}
