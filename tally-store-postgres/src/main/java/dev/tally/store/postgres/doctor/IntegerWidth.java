package dev.tally.store.postgres.doctor;

import java.util.Optional;

/** The three PostgreSQL integer types, by the range of values they hold. */
public enum IntegerWidth {
  SMALLINT("int2", Short.MIN_VALUE, Short.MAX_VALUE),
  INTEGER("int4", Integer.MIN_VALUE, Integer.MAX_VALUE),
  BIGINT("int8", Long.MIN_VALUE, Long.MAX_VALUE);

  private final String internalName;
  private final long min;
  private final long max;

  IntegerWidth(String internalName, long min, long max) {
    this.internalName = internalName;
    this.min = min;
    this.max = max;
  }

  /**
   * The width for a pg_type.typname such as "int4", or for a name such as "integer"; empty if not
   * an integer type.
   */
  public static Optional<IntegerWidth> of(String typeName) {
    if (typeName == null) return Optional.empty();
    for (IntegerWidth w : values()) {
      if (w.internalName.equals(typeName) || w.name().equalsIgnoreCase(typeName))
        return Optional.of(w);
    }
    return Optional.empty();
  }

  public long min() {
    return min;
  }

  public long max() {
    return max;
  }

  public boolean narrowerThanBigint() {
    return this != BIGINT;
  }

  public boolean narrowerThan(IntegerWidth other) {
    return max < other.max;
  }
}
