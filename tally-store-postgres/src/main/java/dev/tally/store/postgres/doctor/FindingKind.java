package dev.tally.store.postgres.doctor;

/** What the doctor found wrong. */
public enum FindingKind {
  /** An integer column is fed by a sequence that can hand out values the column cannot hold. */
  SEQUENCE_WIDER_THAN_COLUMN,
  /** A smallint or integer column is fed by a sequence of the same width. */
  NARROW_SEQUENCE_COLUMN,
  /** A sequence is narrower than bigint (the column it feeds is not). */
  NARROW_SEQUENCE,
  /** A foreign-key column's type differs from the type of the key it references. */
  FOREIGN_KEY_TYPE_MISMATCH,
  /** A primary-key, unique or foreign-key integer column is narrower than bigint. */
  NARROW_KEY_COLUMN,
  /** A sequence has used much of what its column can hold, or will run out soon. */
  SEQUENCE_CAPACITY
}
