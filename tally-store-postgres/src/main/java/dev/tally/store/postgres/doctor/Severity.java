package dev.tally.store.postgres.doctor;

/** How urgent a finding is. */
public enum Severity {
  INFO,
  WARNING,
  CRITICAL
}
