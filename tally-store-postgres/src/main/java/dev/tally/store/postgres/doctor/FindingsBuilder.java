package dev.tally.store.postgres.doctor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;

/**
 * Turns what the catalog says into findings. Each column is reported once: sequence-fed columns
 * first, then foreign keys whose type differs from their key, then any other narrow key column; a
 * column already named as a dependent foreign key of an earlier finding is not repeated.
 */
final class FindingsBuilder {

  private final MigrationPlanner planner;
  private final List<ColumnRef> covered = new ArrayList<>();
  private final List<Finding> findings = new ArrayList<>();

  private FindingsBuilder(List<KeyColumn> keyColumns) {
    this.planner = new MigrationPlanner(keyColumns);
  }

  static List<Finding> build(
      List<KeyColumn> keyColumns, List<SequenceFeed> feeds, List<SequenceCapacity> capacities) {
    FindingsBuilder builder = new FindingsBuilder(keyColumns);
    for (int i = 0; i < feeds.size(); i++) builder.examineSequence(feeds.get(i), capacities.get(i));
    for (KeyColumn key : keyColumns) if (key.foreignKey()) builder.examineForeignKey(key);
    for (KeyColumn key : keyColumns) if (!key.foreignKey()) builder.examineNarrowKey(key);
    for (KeyColumn key : keyColumns) if (key.foreignKey()) builder.examineNarrowKey(key);
    builder.findings.sort(
        Comparator.comparing(Finding::atRisk)
            .reversed()
            .thenComparing(Comparator.comparing(Finding::severity).reversed())
            .thenComparing(Finding::table)
            .thenComparing(Finding::column));
    return List.copyOf(builder.findings);
  }

  private void examineSequence(SequenceFeed feed, SequenceCapacity capacity) {
    ColumnRef column = feed.column();
    String usage = capacityWords(capacity);
    if (column != null && column.narrowInteger()) {
      if (isCovered(column)) return;
      boolean wider = feed.widerThanColumn();
      String summary =
          wider
              ? "Column %s is %s but is fed by sequence %s, which is %s: inserts fail once the sequence passes %d. %s"
                  .formatted(
                      column.label(),
                      column.type(),
                      feed.sequence(),
                      feed.sequenceType(),
                      column.width().orElseThrow().max(),
                      usage)
              : "Column %s is %s and is fed by sequence %s: inserts fail after %d. %s"
                  .formatted(
                      column.label(), column.type(), feed.sequence(), capacity.limit(), usage);
      Severity severity = wider || capacity.critical() ? Severity.CRITICAL : Severity.WARNING;
      add(
          wider ? FindingKind.SEQUENCE_WIDER_THAN_COLUMN : FindingKind.NARROW_SEQUENCE_COLUMN,
          severity,
          true,
          column,
          feed,
          capacity,
          summary,
          planner.widenToBigint(column, feed));
    } else if (feed.narrowSequenceType()) {
      boolean atRisk = column != null || capacity.atRisk();
      String summary =
          column != null
              ? "Sequence %s is %s although column %s is %s: nextval fails after %d. %s"
                  .formatted(
                      feed.sequence(),
                      feed.sequenceType(),
                      column.label(),
                      column.type(),
                      feed.maxValue(),
                      usage)
              : "Sequence %s is %s and feeds no column the catalog knows of: nextval fails after %d. %s"
                  .formatted(feed.sequence(), feed.sequenceType(), feed.maxValue(), usage);
      MigrationPlan plan =
          new MigrationPlan(
              List.of(),
              column == null ? List.of() : List.of(column),
              List.of(MigrationPlanner.alterSequenceToBigint(feed)));
      add(
          FindingKind.NARROW_SEQUENCE,
          capacity.critical() ? Severity.CRITICAL : Severity.WARNING,
          atRisk,
          column,
          feed,
          capacity,
          summary,
          plan);
    } else if (capacity.atRisk()) {
      String summary =
          "Sequence %s: %s bigint is the widest integer type, so no type change helps; plan new keys."
              .formatted(feed.sequence(), usage);
      MigrationPlan plan =
          new MigrationPlan(List.of(), column == null ? List.of() : List.of(column), List.of());
      add(
          FindingKind.SEQUENCE_CAPACITY,
          capacity.critical() ? Severity.CRITICAL : Severity.WARNING,
          true,
          column,
          feed,
          capacity,
          summary,
          plan);
    }
  }

  private void examineForeignKey(KeyColumn fk) {
    ColumnRef column = fk.column();
    ColumnRef referenced = fk.referenced();
    if (column.type().equals(referenced.type()) || isCovered(column)) return;
    boolean narrower =
        column.width().isPresent()
            && referenced.width().isPresent()
            && column.width().get().narrowerThan(referenced.width().get());
    String summary =
        narrower
            ? "Foreign key %s (%s) is %s but references %s, which is %s: once %s passes %d, new rows cannot point at it."
                .formatted(
                    column.label(),
                    fk.constraint(),
                    column.type(),
                    referenced.label(),
                    referenced.type(),
                    referenced.label(),
                    column.width().get().max())
            : "Foreign key %s (%s) is %s but references %s, which is %s; joins and the constraint compare across types."
                .formatted(
                    column.label(),
                    fk.constraint(),
                    column.type(),
                    referenced.label(),
                    referenced.type());
    add(
        FindingKind.FOREIGN_KEY_TYPE_MISMATCH,
        narrower ? Severity.CRITICAL : Severity.WARNING,
        narrower,
        column,
        null,
        null,
        summary,
        planner.changeType(column, referenced.type()));
  }

  private void examineNarrowKey(KeyColumn key) {
    ColumnRef column = key.column();
    if (!column.narrowInteger() || isCovered(column)) return;
    String summary =
        "%s column %s (%s) is %s; Tally keeps every id 64-bit, and this one stops at %d."
            .formatted(
                describe(key.kind()),
                column.label(),
                key.constraint(),
                column.type(),
                column.width().orElseThrow().max());
    add(
        FindingKind.NARROW_KEY_COLUMN,
        Severity.WARNING,
        false,
        column,
        null,
        null,
        summary,
        planner.widenToBigint(column, null));
  }

  private void add(
      FindingKind kind,
      Severity severity,
      boolean atRisk,
      ColumnRef column,
      SequenceFeed feed,
      SequenceCapacity capacity,
      String summary,
      MigrationPlan plan) {
    covered.addAll(plan.columnsTouched());
    findings.add(
        new Finding(
            kind,
            severity,
            atRisk,
            column == null ? "" : column.table(),
            column == null ? "" : column.column(),
            column == null ? "" : column.type(),
            feed == null ? null : feed.sequence(),
            capacity,
            plan.dependentForeignKeys(),
            summary,
            plan.statements()));
  }

  private boolean isCovered(ColumnRef column) {
    return covered.stream().anyMatch(column::sameColumn);
  }

  private static String describe(KeyColumn.Kind kind) {
    return switch (kind) {
      case PRIMARY_KEY -> "Primary-key";
      case UNIQUE -> "Unique-key";
      case FOREIGN_KEY -> "Foreign-key";
    };
  }

  /**
   * "93.1% of what it can hold is used (last value 2000000000 of 2147483647); about 12 days left at
   * 1000000 a day."
   */
  static String capacityWords(SequenceCapacity capacity) {
    if (capacity.lastValue() == null) return "The sequence has not handed out a value yet.";
    if (capacity.usedPercent() >= 100.0) {
      return "EXHAUSTED: its last value %d is already beyond the %d the column can hold, so the next insert fails."
          .formatted(capacity.lastValue(), capacity.limit());
    }
    String used =
        String.format(
            Locale.ROOT,
            "%.1f%% of what it can hold is used (last value %d of %d)",
            capacity.usedPercent(),
            capacity.lastValue(),
            capacity.limit());
    GrowthEstimate growth = capacity.growth();
    if (!growth.known()) return used + "; growth " + growth.source() + ".";
    if (capacity.daysToExhaustion() == null)
      return used + "; it has not grown (" + growth.source() + ").";
    return used
        + String.format(
            Locale.ROOT,
            "; about %.0f days left at %.0f a day (%s).",
            capacity.daysToExhaustion(),
            growth.perDay(),
            growth.source());
  }
}
