package dev.tally.store.postgres.doctor;

import java.util.List;

/**
 * One problem, with what to run to fix it.
 *
 * @param sequence the sequence involved, or null
 * @param capacity the sequence's capacity when a sequence is involved, or null
 * @param dependentForeignKeys foreign-key columns that must be widened with this column
 * @param summary one or two sentences in plain words
 * @param migration statements to run in order (dependent foreign keys first); empty if no type
 *     change can help
 */
public record Finding(
    FindingKind kind,
    Severity severity,
    boolean atRisk,
    String table,
    String column,
    String columnType,
    String sequence,
    SequenceCapacity capacity,
    List<DependentForeignKey> dependentForeignKeys,
    String summary,
    List<String> migration) {}
