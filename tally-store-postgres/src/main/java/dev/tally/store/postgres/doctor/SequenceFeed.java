package dev.tally.store.postgres.doctor;

/**
 * A sequence and the column it feeds (through OWNED BY / serial, an identity column, or a column
 * default calling nextval). A sequence that feeds no column has a null column.
 *
 * @param sequenceType the sequence's own type ("bigint", "integer", "smallint")
 * @param lastValue pg_sequences.last_value: null if never used or not readable by this user
 * @param identity true when the column is an identity column owning the sequence
 */
public record SequenceFeed(
    String sequence,
    String sequenceSql,
    String sequenceType,
    long startValue,
    long minValue,
    long maxValue,
    long increment,
    boolean cycle,
    Long lastValue,
    ColumnRef column,
    boolean identity) {

  public boolean ascending() {
    return increment > 0;
  }

  /**
   * The last value the column (if any) and the sequence can both hold, in the sequence's direction.
   */
  public long limit() {
    IntegerWidth columnWidth = column == null ? null : column.width().orElse(null);
    if (ascending()) return columnWidth == null ? maxValue : Math.min(maxValue, columnWidth.max());
    return columnWidth == null ? minValue : Math.max(minValue, columnWidth.min());
  }

  /** True when the sequence can hand out values its integer column cannot hold. */
  public boolean widerThanColumn() {
    if (column == null) return false;
    return column
        .width()
        .map(w -> ascending() ? maxValue > w.max() : minValue < w.min())
        .orElse(false);
  }

  /** True when the sequence's type is narrower than bigint. */
  public boolean narrowSequenceType() {
    return IntegerWidth.of(sequenceType).map(IntegerWidth::narrowerThanBigint).orElse(false);
  }
}
