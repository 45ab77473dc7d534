package dev.tally.bench.common;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A table of strings, rendered for the terminal (aligned columns) or as Markdown (figures
 * right-aligned).
 */
public final class Table {
  private final List<String> headers;
  private final List<List<String>> rows = new ArrayList<>();

  public Table(String... headers) {
    this.headers = List.of(headers);
  }

  public static Table of(List<String> headers, List<List<String>> rows) {
    Table t = new Table(headers.toArray(String[]::new));
    rows.forEach(r -> t.row(r.toArray(String[]::new)));
    return t;
  }

  public Table row(String... cells) {
    if (cells.length != headers.size()) {
      throw new IllegalArgumentException(
          "row has " + cells.length + " cells, the table " + headers.size() + " columns");
    }
    rows.add(List.of(cells));
    return this;
  }

  public String text() {
    int[] widths = new int[headers.size()];
    for (int c = 0; c < widths.length; c++) {
      widths[c] = headers.get(c).length();
      for (List<String> r : rows) {
        widths[c] = Math.max(widths[c], r.get(c).length());
      }
    }
    StringBuilder sb = new StringBuilder();
    appendAligned(sb, headers, widths);
    String[] rules = new String[widths.length];
    for (int c = 0; c < widths.length; c++) {
      rules[c] = "-".repeat(widths[c]);
    }
    appendAligned(sb, Arrays.asList(rules), widths);
    rows.forEach(r -> appendAligned(sb, r, widths));
    return sb.toString();
  }

  /** The first column left-aligned (labels), the others right-aligned (figures). */
  private static void appendAligned(StringBuilder sb, List<String> cells, int[] widths) {
    for (int c = 0; c < cells.size(); c++) {
      String cell = cells.get(c);
      String pad = " ".repeat(widths[c] - cell.length());
      sb.append(c == 0 ? cell + pad : pad + cell).append(c == cells.size() - 1 ? "\n" : "  ");
    }
  }

  public String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| ").append(String.join(" | ", headers)).append(" |\n|");
    for (int c = 0; c < headers.size(); c++) {
      sb.append(c == 0 ? "---|" : "---:|");
    }
    sb.append('\n');
    rows.forEach(r -> sb.append("| ").append(String.join(" | ", r)).append(" |\n"));
    return sb.toString();
  }
}
