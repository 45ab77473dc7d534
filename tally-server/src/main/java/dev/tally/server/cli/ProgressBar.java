package dev.tally.server.cli;

import java.io.PrintStream;

/** A one-line progress bar on standard error: documents, rate and ETA. */
public final class ProgressBar {
  private final PrintStream out;
  private final String label;

  public ProgressBar(PrintStream out, String label) {
    this.out = out;
    this.label = label;
  }

  public void show(long done, long total, double rate) {
    int width = 30;
    int filled = total <= 0 ? 0 : (int) Math.min(width, done * width / total);
    String eta = rate > 0 && total > done ? Math.round((total - done) / rate) + " s" : "-";
    out.print(
        "\r"
            + label
            + " ["
            + "#".repeat(filled)
            + " ".repeat(width - filled)
            + "] "
            + done
            + "/"
            + total
            + " documents, "
            + Math.round(rate)
            + "/s, ETA "
            + eta
            + "   ");
    out.flush();
  }

  public void done(String message) {
    out.println();
    out.println(message);
  }
}
