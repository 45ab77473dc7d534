package dev.tally.bench.common;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A benchmark's Markdown section, printed to stdout and appended to {@code --out}. Each section
 * says when it ran and how loaded the machine was, since on 2 cores other work moves the numbers.
 */
public final class Report {
  private final StringBuilder md = new StringBuilder();

  public Report(String title) {
    md.append("\n### ").append(title).append("\n\n");
    line(
        "- run at "
            + Instant.now().truncatedTo(ChronoUnit.SECONDS)
            + " (UTC); load average before: "
            + loadAverage());
  }

  public Report line(String s) {
    md.append(s).append('\n');
    return this;
  }

  public Report table(List<String> header, List<List<String>> rows) {
    md.append('\n').append(Table.of(header, rows).markdown()).append('\n');
    return this;
  }

  public void finish(Path out) throws IOException {
    line("- load average after: " + loadAverage());
    String text = md.toString();
    System.out.print(text);
    System.out.flush();
    if (out != null) {
      Files.writeString(
          out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  /**
   * How busy the machine is, since other work on it skews every figure: the 1, 5 and 15 minute load
   * averages.
   */
  public static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return String.format(
          Locale.ROOT, "%.2f", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    }
  }

  public static String ratio(double a, double b) {
    return b == 0 ? "n/a" : String.format("%.2f×", a / b);
  }

  /** A duration in milliseconds as a table cell: "1.23 ms". */
  public static String ms(double v) {
    return Percentiles.fmt(v) + " ms";
  }

  /**
   * A results row: {@code name}, the median and p99 of {@code p} (as "x ms"), then {@code rest}.
   */
  public static List<String> row(String name, Percentiles p, String... rest) {
    List<String> row = new ArrayList<>(List.of(name, ms(p.ms(50)), ms(p.ms(99))));
    row.addAll(List.of(rest));
    return row;
  }

  /** The "met" cell of a goal "ratio ≤ goal": "yes", or "**no** (N% over)" by how far it misses. */
  public static String met(double ratio, double goal) {
    return ratio <= goal ? "yes" : String.format("**no** (%.0f%% over)", 100 * (ratio / goal - 1));
  }

  /**
   * The "met" cell of a goal "ratio ≥ goal": "yes", or "**no** (N% short)" by how far it misses.
   */
  public static String metAtLeast(double ratio, double goal) {
    return ratio >= goal ? "yes" : String.format("**no** (%.0f%% short)", 100 * (1 - ratio / goal));
  }

  /** What a benchmark is doing, on standard error (the results go to standard output). */
  public static void progress(String s) {
    System.err.println("[bench] " + s);
  }
}
