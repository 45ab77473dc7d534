package dev.tally.server;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** PostgreSQL's own client tools (pg_dump, pg_restore), run as an operator would run them. */
final class PgTools {
  private PgTools() {}

  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]*)(\\?.*)?");

  /** The libpq connection URI for a JDBC URL (its parameters, e.g. user, mean the same there). */
  static String libpqUri(String jdbcUrl) {
    return jdbcUrl.substring("jdbc:".length());
  }

  /** The same server, another database. */
  static String withDatabase(String jdbcUrl, String database) {
    Matcher m = JDBC.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException("expected jdbc:postgresql://HOST[:PORT]/DB[?...], got " + jdbcUrl);
    }
    return "jdbc:postgresql://" + m.group(1) + "/" + database + (m.group(3) == null ? "" : m.group(3));
  }

  /** Runs a client tool and fails the test with its output unless it exits 0. */
  static void run(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary(tool)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
    }
  }

  /** On PATH, else the newest under /usr/lib/postgresql/VERSION/bin (Debian installs them there). */
  private static String binary(String tool) throws IOException {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool).toString();
      }
    }
    Path newest = null;
    Path root = Path.of("/usr/lib/postgresql");
    if (Files.isDirectory(root)) {
      try (DirectoryStream<Path> versions = Files.newDirectoryStream(root)) {
        for (Path v : versions) {
          Path candidate = v.resolve("bin").resolve(tool);
          if (Files.isExecutable(candidate) && (newest == null || candidate.compareTo(newest) > 0)) {
            newest = candidate;
          }
        }
      }
    }
    if (newest == null) {
      throw new AssertionError(tool + " is not installed (not on PATH, not under /usr/lib/postgresql/*/bin)");
    }
    return newest.toString();
  }
}
