package dev.tally.bench;

import dev.tally.bench.common.CpuByThread;
import dev.tally.bench.common.ExternalCpu;
import dev.tally.bench.common.Table;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Stream;

/**
 * The write benchmarks' results side by side, with the goals checked; as terminal tables
 * and as Markdown.
 */
final class WriteComparison {
  /**
   * Tally's writes/s over the bare SQLite loop's must reach these, by client count (group commit
   * should win at 8).
   */
  static final Map<Integer, Double> GOALS = Map.of(1, 0.5, 8, 1.0);

  /**
   * On PostgreSQL the bare loop's commits are group-committed by PostgreSQL itself, so the goal at
   * 8 is lower.
   */
  static final Map<Integer, Double> POSTGRES_GOALS = Map.of(1, 0.5, 8, 0.7);

  /**
   * Everything measured at one client count; {@code store} and {@code noop} are null without
   * --breakdown.
   */
  record ClientRun(
      int clients, Measurement api, Measurement bare, Measurement store, Measurement noop) {
    double ratio() {
      return api.perSecond() / bare.perSecond();
    }

    String goal(Map<Integer, Double> goals) {
      Double goal = goals.get(clients);
      if (goal == null) {
        return "-";
      }
      return String.format(Locale.ROOT, ">= %.1fx: %s", goal, ratio() >= goal ? "met" : "NOT met");
    }
  }

  private final List<ClientRun> runs;
  private final Map<Integer, Double> goals;

  WriteComparison(List<ClientRun> runs, Map<Integer, Double> goals) {
    this.runs = runs;
    this.goals = goals;
  }

  /** Tally's API against the bare loop: the question. */
  Table comparison() {
    return perClientCount(
        List.of(
            "Tally writes/s",
            "Tally p50 ms",
            "Tally p99 ms",
            "bare writes/s",
            "bare p50 ms",
            "bare p99 ms",
            "bare busy retries",
            "Tally / bare",
            "goal"),
        r ->
            List.of(
                rate(r.api()),
                millis(r.api().p50Millis()),
                millis(r.api().p99Millis()),
                rate(r.bare()),
                millis(r.bare().p50Millis()),
                millis(r.bare().p99Millis()),
                Long.toString(r.bare().busyRetries()),
                String.format(Locale.ROOT, "%.2fx", r.ratio()),
                r.goal(goals)));
  }

  /**
   * Where Tally's time goes: a no-op HTTP request, the store alone, the whole API, and the bare
   * floor.
   */
  Table breakdown() {
    return perClientCount(
        List.of(
            "HTTP no-op req/s (p50 ms)",
            "Tally API writes/s (p50 ms)",
            "Tally store only writes/s (p50 ms)",
            "bare writes/s (p50 ms)",
            "store only / bare"),
        r ->
            List.of(
                rateAndP50(r.noop()),
                rateAndP50(r.api()),
                rateAndP50(r.store()),
                rateAndP50(r.bare()),
                String.format(Locale.ROOT, "%.2fx", r.store().perSecond() / r.bare().perSecond())));
  }

  /**
   * A table with a row per client count: "clients", then {@code headers}, filled by {@code cells}.
   */
  private Table perClientCount(List<String> headers, Function<ClientRun, List<String>> cells) {
    List<String> header = new ArrayList<>(List.of("clients"));
    header.addAll(headers);
    List<List<String>> rows = new ArrayList<>();
    for (ClientRun r : runs) {
      List<String> row = new ArrayList<>(List.of(Integer.toString(r.clients())));
      row.addAll(cells.apply(r));
      rows.add(row);
    }
    return Table.of(header, rows);
  }

  /**
   * CPU milliseconds per call by thread group (see {@link CpuByThread}): client and server share
   * the machine, so this is where its capacity goes.
   */
  Table cpu() {
    List<Measurement> all =
        runs.stream().flatMap(r -> Stream.of(r.noop(), r.api(), r.store(), r.bare())).toList();
    // this JVM's thread groups that any run used; then, where measured (server engines), the
    // servers, the whole machine and everyone else on it
    List<String> groups =
        CpuByThread.columns().stream()
            .filter(k -> all.stream().anyMatch(m -> m.cpuNanos().getOrDefault(k, 0L) > 0))
            .toList();
    List<String> external =
        List.of(
                ExternalCpu.POSTGRES,
                ExternalCpu.OPENSEARCH,
                ExternalCpu.MACHINE,
                ExternalCpu.OTHERS)
            .stream()
            .filter(k -> runs.stream().anyMatch(r -> r.api().cpuNanos().containsKey(k)))
            .toList();
    List<String> headers = new ArrayList<>(List.of("clients", "run", "CPUs busy"));
    headers.addAll(groups);
    headers.addAll(external);
    Table t = new Table(headers.toArray(String[]::new));
    for (Measurement m : all) {
      List<String> cells =
          new ArrayList<>(
              List.of(
                  Integer.toString(m.clients()),
                  m.target(),
                  String.format(Locale.ROOT, "%.0f%%", 100 * m.cpuShare())));
      groups.forEach(k -> cells.add(millis3(m.cpuMillisPerCall(k))));
      external.forEach(k -> cells.add(millis3(m.cpuMillisPerCall(k))));
      t.row(cells.toArray(String[]::new));
    }
    return t;
  }

  private static final String CPU_NOTE =
      " (\"CPUs busy\": this JVM's share of all CPUs; where measured, the PostgreSQL server, the"
          + " OpenSearch node, the whole machine, and \"others\" = machine minus this JVM and those servers)";

  boolean hasBreakdown() {
    return runs.stream().allMatch(r -> r.store() != null && r.noop() != null);
  }

  private boolean hasCpu() {
    return runs.stream().noneMatch(r -> r.api().cpuNanos().isEmpty());
  }

  String text() {
    return render(Table::text, "breakdown", "\n");
  }

  String markdown() {
    return render(Table::markdown, "Breakdown", "\n\n");
  }

  /** The tables in one format, each after a title line and {@code gap}. */
  private String render(Function<Table, String> format, String breakdownTitle, String gap) {
    return format.apply(comparison())
        + (hasBreakdown() ? "\n" + breakdownTitle + ":" + gap + format.apply(breakdown()) : "")
        + (hasBreakdown() && hasCpu()
            ? "\nCPU ms per call, by thread group" + CPU_NOTE + ":" + gap + format.apply(cpu())
            : "");
  }

  private static String rate(Measurement m) {
    return String.format(Locale.ROOT, "%.0f", m.perSecond());
  }

  private static String millis(double ms) {
    return String.format(Locale.ROOT, "%.2f", ms);
  }

  private static String millis3(double ms) {
    return String.format(Locale.ROOT, "%.3f", ms);
  }

  private static String rateAndP50(Measurement m) {
    return rate(m) + " (" + millis(m.p50Millis()) + ")";
  }
}
