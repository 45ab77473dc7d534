package dev.tally.store.postgres.doctor;

import java.util.List;

/** The statements that change one column's type, with the foreign keys that must change with it. */
record MigrationPlan(
    List<DependentForeignKey> dependentForeignKeys,
    List<ColumnRef> columnsTouched,
    List<String> statements) {}
