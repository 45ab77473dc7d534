package dev.tally.store.postgres.doctor;

import java.time.Duration;
import java.util.List;

/**
 * How the doctor runs.
 *
 * @param statementTimeout set with SET LOCAL statement_timeout on every transaction the doctor
 *     opens
 * @param recordSamples whether to store this run's sequence values in tally_doctor_samples
 * @param previousSamples earlier samples to measure growth against; they win over stored ones
 */
public record DoctorSettings(
    Duration statementTimeout, boolean recordSamples, List<SequenceSample> previousSamples) {

  public static final Duration DEFAULT_STATEMENT_TIMEOUT = Duration.ofSeconds(5);

  public DoctorSettings {
    if (statementTimeout.isNegative() || statementTimeout.isZero()) {
      throw new IllegalArgumentException(
          "statement timeout must be positive, got " + statementTimeout);
    }
    previousSamples = List.copyOf(previousSamples);
  }

  public static DoctorSettings defaults() {
    return new DoctorSettings(DEFAULT_STATEMENT_TIMEOUT, true, List.of());
  }

  public DoctorSettings withStatementTimeout(Duration timeout) {
    return new DoctorSettings(timeout, recordSamples, previousSamples);
  }

  public DoctorSettings withRecordSamples(boolean record) {
    return new DoctorSettings(statementTimeout, record, previousSamples);
  }

  public DoctorSettings withPreviousSamples(List<SequenceSample> samples) {
    return new DoctorSettings(statementTimeout, recordSamples, samples);
  }
}
