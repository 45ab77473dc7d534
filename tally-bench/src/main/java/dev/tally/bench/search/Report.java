package dev.tally.bench.search;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;

/**
 * A benchmark's Markdown section, printed to stdout and appended to {@code --out}. Each section
 * says when it ran and how loaded the machine was, since on 2 cores other work moves the numbers.
 */
final class Report {
  private final StringBuilder md = new StringBuilder();

  Report(String title) {
    md.append("\n### ").append(title).append("\n\n");
    line("- run at " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + " (UTC); load average before: " + loadAverage());
  }

  Report line(String s) {
    md.append(s).append('\n');
    return this;
  }

  Report table(List<String> header, List<List<String>> rows) {
    md.append('\n').append("| ").append(String.join(" | ", header)).append(" |\n|");
    header.forEach(h -> md.append("---|"));
    md.append('\n');
    for (List<String> r : rows) {
      md.append("| ").append(String.join(" | ", r)).append(" |\n");
    }
    md.append('\n');
    return this;
  }

  /** The 1, 5 and 15 minute load averages, from /proc/loadavg. */
  static String loadAverage() {
    try {
      String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return f[0] + ", " + f[1] + ", " + f[2];
    } catch (IOException | RuntimeException e) {
      return "unknown";
    }
  }

  void finish(Path out) throws IOException {
    line("- load average after: " + loadAverage());
    String text = md.toString();
    System.out.print(text);
    System.out.flush();
    if (out != null) {
      Files.writeString(out, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }
  }

  static String ratio(double a, double b) {
    return b == 0 ? "n/a" : String.format("%.2f×", a / b);
  }

  static void progress(String s) {
    System.err.println("[bench-search] " + s);
  }
}
