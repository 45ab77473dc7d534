package dev.tally.store.postgres.doctor;

import java.util.Locale;

/** The doctor's report for people: one block per finding, then the sequences, then a verdict. */
public final class DoctorTextRenderer {

  private DoctorTextRenderer() {}

  public static String render(DoctorReport report) {
    StringBuilder out = new StringBuilder();
    long atRisk = report.findings().stream().filter(Finding::atRisk).count();
    out.append("tally doctor: schema \"")
        .append(report.schema())
        .append("\", examined at ")
        .append(report.examinedAt())
        .append('\n');
    out.append(report.findings().size())
        .append(report.findings().size() == 1 ? " finding, " : " findings, ")
        .append(atRisk)
        .append(" at risk.\n");
    for (Finding finding : report.findings()) renderFinding(finding, out);
    renderSequences(report, out);
    long narrow = report.keyColumns().stream().filter(k -> k.column().narrowInteger()).count();
    out.append('\n')
        .append("Key columns checked: ")
        .append(report.keyColumns().size())
        .append(", ")
        .append(narrow)
        .append(" narrower than bigint.\n");
    for (String note : report.notes()) out.append("Note: ").append(note).append('\n');
    out.append(
        report.atRisk()
            ? "Result: AT RISK (exit code 1). Run the migrations above, in the order given.\n"
            : "Result: nothing at risk (exit code 0).\n");
    return out.toString();
  }

  private static void renderFinding(Finding finding, StringBuilder out) {
    out.append('\n')
        .append('[')
        .append(finding.severity())
        .append(finding.atRisk() ? ", at risk" : "")
        .append("] ")
        .append(finding.kind())
        .append('\n');
    out.append("  ").append(finding.summary()).append('\n');
    if (!finding.table().isEmpty()) {
      out.append("  Table:  ").append(finding.table()).append('\n');
      out.append("  Column: ")
          .append(finding.column())
          .append(" (")
          .append(finding.columnType())
          .append(")\n");
    }
    if (finding.sequence() != null)
      out.append("  Sequence: ").append(finding.sequence()).append('\n');
    if (finding.dependentForeignKeys().isEmpty()) {
      out.append("  Foreign keys that reference it: none\n");
    } else {
      out.append("  Foreign keys that must change with it:\n");
      for (DependentForeignKey fk : finding.dependentForeignKeys()) {
        out.append("    ")
            .append(fk.table())
            .append('.')
            .append(fk.column())
            .append(" (")
            .append(fk.type())
            .append(") -> ")
            .append(fk.referencedTable())
            .append('.')
            .append(fk.referencedColumn())
            .append(", constraint ")
            .append(fk.constraint())
            .append('\n');
      }
    }
    if (finding.migration().isEmpty()) {
      out.append("  Migration: none available by changing a type.\n");
    } else {
      out.append(
              "  Migration (in this order; each ALTER TABLE ... TYPE rewrites its table and its indexes")
          .append(" under an ACCESS EXCLUSIVE lock):\n");
      for (String statement : finding.migration())
        out.append("    ").append(statement).append('\n');
    }
  }

  private static void renderSequences(DoctorReport report, StringBuilder out) {
    if (report.sequences().isEmpty()) return;
    out.append('\n').append("Sequences:\n");
    for (SequenceCapacity capacity : report.sequences()) {
      out.append("  ")
          .append(capacity.sequence())
          .append(" (")
          .append(capacity.sequenceType())
          .append(')');
      if (capacity.column() != null) {
        out.append(" feeds ")
            .append(capacity.column().label())
            .append(" (")
            .append(capacity.column().type())
            .append(')');
      }
      out.append(": ").append(FindingsBuilder.capacityWords(capacity));
      if (capacity.atRisk())
        out.append(
            String.format(
                Locale.ROOT,
                " AT RISK (>= %.0f%% used or < %.0f days left).",
                SequenceCapacity.AT_RISK_PERCENT,
                SequenceCapacity.AT_RISK_DAYS));
      out.append('\n');
    }
  }
}
