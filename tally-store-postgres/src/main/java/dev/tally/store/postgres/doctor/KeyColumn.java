package dev.tally.store.postgres.doctor;

/**
 * A column that takes part in a primary key, unique or foreign-key constraint.
 *
 * @param referenced for a foreign key, the key column it references (same position); else null
 */
public record KeyColumn(String constraint, Kind kind, ColumnRef column, ColumnRef referenced) {

  public enum Kind {
    PRIMARY_KEY,
    UNIQUE,
    FOREIGN_KEY
  }

  public boolean foreignKey() {
    return kind == Kind.FOREIGN_KEY;
  }
}
