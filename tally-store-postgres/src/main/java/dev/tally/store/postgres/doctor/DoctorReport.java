package dev.tally.store.postgres.doctor;

import java.time.Instant;
import java.util.List;

/**
 * Everything one doctor run found in one schema.
 *
 * @param keyColumns every primary-key, unique and foreign-key column with its type
 * @param sequences every sequence with its used capacity and growth
 * @param findings the problems, at-risk ones first
 * @param notes things the doctor could not do (for instance record a sample), in plain words
 */
public record DoctorReport(
    String schema,
    Instant examinedAt,
    List<KeyColumn> keyColumns,
    List<SequenceCapacity> sequences,
    List<Finding> findings,
    List<String> notes) {

  public boolean atRisk() {
    return findings.stream().anyMatch(Finding::atRisk);
  }

  /** The CLI's exit code: 1 when something is at risk, 0 otherwise. */
  public int exitCode() {
    return atRisk() ? 1 : 0;
  }
}
