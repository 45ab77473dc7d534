package dev.tally.store.postgres.doctor;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Writes the ALTER statements that widen a column: first every foreign-key column that references
 * it (transitively, the deepest first), then the column itself, then its sequence when that
 * sequence is narrower too. An identity column's sequence follows its column's type on its own.
 */
final class MigrationPlanner {

  private static final String BIGINT = "bigint";

  private final List<KeyColumn> foreignKeys;

  MigrationPlanner(List<KeyColumn> keyColumns) {
    this.foreignKeys = keyColumns.stream().filter(KeyColumn::foreignKey).toList();
  }

  /**
   * Foreign-key columns that reference {@code column}, directly or through other foreign keys,
   * nearest first.
   */
  List<KeyColumn> dependents(ColumnRef column) {
    List<KeyColumn> found = new ArrayList<>();
    List<ColumnRef> seen = new ArrayList<>(List.of(column));
    Deque<ColumnRef> queue = new ArrayDeque<>(List.of(column));
    while (!queue.isEmpty()) {
      ColumnRef target = queue.poll();
      for (KeyColumn fk : foreignKeys) {
        if (fk.referenced().sameColumn(target)
            && seen.stream().noneMatch(fk.column()::sameColumn)) {
          seen.add(fk.column());
          found.add(fk);
          queue.add(fk.column());
        }
      }
    }
    return found;
  }

  /** Widen {@code column} (and its dependents) to bigint; {@code sequence} may be null. */
  MigrationPlan widenToBigint(ColumnRef column, SequenceFeed sequence) {
    MigrationPlan plan = changeType(column, BIGINT);
    if (sequence == null || sequence.identity() || !sequence.narrowSequenceType()) return plan;
    List<String> statements = new ArrayList<>(plan.statements());
    statements.add(alterSequenceToBigint(sequence));
    return new MigrationPlan(plan.dependentForeignKeys(), plan.columnsTouched(), statements);
  }

  /**
   * Change {@code column} and every dependent foreign-key column not already of that type to {@code
   * type}.
   */
  MigrationPlan changeType(ColumnRef column, String type) {
    List<KeyColumn> dependents = dependents(column);
    List<DependentForeignKey> described = new ArrayList<>();
    List<ColumnRef> touched = new ArrayList<>();
    touched.add(column);
    for (KeyColumn fk : dependents) {
      described.add(
          new DependentForeignKey(
              fk.constraint(),
              fk.column().table(),
              fk.column().column(),
              fk.column().type(),
              fk.referenced().table(),
              fk.referenced().column()));
      touched.add(fk.column());
    }
    List<String> statements = new ArrayList<>();
    for (int i = dependents.size() - 1; i >= 0; i--) {
      ColumnRef dependent = dependents.get(i).column();
      if (!dependent.type().equals(type)) statements.add(alterColumnType(dependent, type));
    }
    if (!column.type().equals(type)) statements.add(alterColumnType(column, type));
    return new MigrationPlan(described, touched, statements);
  }

  static String alterSequenceToBigint(SequenceFeed sequence) {
    return "ALTER SEQUENCE " + sequence.sequenceSql() + " AS bigint;";
  }

  private static String alterColumnType(ColumnRef column, String type) {
    return "ALTER TABLE "
        + column.tableSql()
        + " ALTER COLUMN "
        + column.columnSql()
        + " TYPE "
        + type
        + ";";
  }
}
