package dev.tally.store.postgres.doctor;

/**
 * A foreign-key column that references (directly or through other keys) the column a finding is
 * about.
 */
public record DependentForeignKey(
    String constraint,
    String table,
    String column,
    String type,
    String referencedTable,
    String referencedColumn) {}
