package dev.tally.bench;

import java.util.List;
import java.util.Locale;
import java.util.Map;

/** The results side by side, as a terminal table and as Markdown, with the goals checked. */
final class Report {
  /** Tally's writes/s over the bare loop's must reach these, by client count (group commit should win at 8). */
  static final Map<Integer, Double> GOALS = Map.of(1, 0.5, 8, 1.0);

  /** Tally and the bare loop at one client count. */
  record Row(Measurement tally, Measurement bare) {
    int clients() {
      return tally.clients();
    }

    double ratio() {
      return tally.writesPerSecond() / bare.writesPerSecond();
    }

    String goal() {
      Double goal = GOALS.get(clients());
      if (goal == null) {
        return "-";
      }
      return String.format(Locale.ROOT, ">= %.1fx %s", goal, ratio() >= goal ? "met" : "NOT met");
    }
  }

  private final List<Row> rows;

  Report(List<Row> rows) {
    this.rows = rows;
  }

  String text() {
    StringBuilder sb = new StringBuilder();
    String header = "%7s | %11s %8s %8s | %11s %8s %8s %7s | %10s | %s%n";
    String row = "%7d | %11.0f %8.2f %8.2f | %11.0f %8.2f %8.2f %7d | %9.2fx | %s%n";
    sb.append(String.format(Locale.ROOT, header, "", "Tally", "", "", "bare JDBC", "", "", "", "", ""));
    sb.append(String.format(Locale.ROOT, header, "clients", "writes/s", "p50 ms", "p99 ms", "writes/s", "p50 ms", "p99 ms", "busy",
        "Tally/bare", "goal"));
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, row, r.clients(), r.tally().writesPerSecond(), r.tally().p50Millis(),
          r.tally().p99Millis(), r.bare().writesPerSecond(), r.bare().p50Millis(), r.bare().p99Millis(), r.bare().busyRetries(),
          r.ratio(), r.goal()));
    }
    return sb.toString();
  }

  String markdown() {
    StringBuilder sb = new StringBuilder();
    sb.append("| clients | Tally writes/s | Tally p50 ms | Tally p99 ms | bare writes/s | bare p50 ms | bare p99 ms "
        + "| bare SQLITE_BUSY retries | Tally / bare | goal |\n");
    sb.append("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Row r : rows) {
      sb.append(String.format(Locale.ROOT, "| %d | %.0f | %.2f | %.2f | %.0f | %.2f | %.2f | %d | %.2f× | %s |%n", r.clients(),
          r.tally().writesPerSecond(), r.tally().p50Millis(), r.tally().p99Millis(), r.bare().writesPerSecond(),
          r.bare().p50Millis(), r.bare().p99Millis(), r.bare().busyRetries(), r.ratio(), r.goal().replace(">=", "≥")));
    }
    return sb.toString();
  }
}
