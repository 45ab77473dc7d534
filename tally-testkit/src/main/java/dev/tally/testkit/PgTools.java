package dev.tally.testkit;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * PostgreSQL's own client tools (pg_dump, pg_restore), run as an operator would run them, and where
 * PostgreSQL's programs are (also for {@link ThrowawayPostgres}).
 */
public final class PgTools {
  private PgTools() {}

  private static final Pattern JDBC = Pattern.compile("jdbc:postgresql://([^/?]+)/([^?]*)(\\?.*)?");

  /** The libpq connection URI for a JDBC URL (its parameters, e.g. user, mean the same there). */
  public static String libpqUri(String jdbcUrl) {
    return jdbcUrl.substring("jdbc:".length());
  }

  /** The same server, another database. */
  public static String withDatabase(String jdbcUrl, String database) {
    Matcher m = JDBC.matcher(jdbcUrl);
    if (!m.matches()) {
      throw new IllegalArgumentException(
          "expected jdbc:postgresql://HOST[:PORT]/DB[?...], got " + jdbcUrl);
    }
    return "jdbc:postgresql://"
        + m.group(1)
        + "/"
        + database
        + (m.group(3) == null ? "" : m.group(3));
  }

  /** Runs a client tool and fails the test with its output unless it exits 0. */
  public static void run(String tool, String... args) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(List.of(binary(tool)));
    command.addAll(List.of(args));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(120, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError(String.join(" ", command) + " did not finish within 120 s");
    }
    if (p.exitValue() != 0) {
      throw new AssertionError(
          String.join(" ", command) + " exited " + p.exitValue() + ":\n" + output);
    }
  }

  /**
   * On PATH, else the newest under /usr/lib/postgresql/VERSION/bin (Debian installs them there).
   */
  private static String binary(String tool) {
    for (String dir : System.getenv().getOrDefault("PATH", "").split(":")) {
      if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, tool))) {
        return Path.of(dir, tool).toString();
      }
    }
    return newestBin(tool).resolve(tool).toString();
  }

  /**
   * The newest /usr/lib/postgresql/VERSION/bin that has {@code tool}; the test fails, saying so,
   * when none has.
   */
  static Path newestBin(String tool) {
    Path base = Path.of("/usr/lib/postgresql");
    try (Stream<Path> versions = Files.isDirectory(base) ? Files.list(base) : Stream.empty()) {
      return versions
          .filter(v -> Files.isExecutable(v.resolve("bin").resolve(tool)))
          .max(
              Comparator.comparingInt(
                  v ->
                      v.getFileName().toString().matches("[0-9]+")
                          ? Integer.parseInt(v.getFileName().toString())
                          : 0))
          .map(v -> v.resolve("bin"))
          .orElseThrow(
              () ->
                  new AssertionError(
                      "no "
                          + tool
                          + " under "
                          + base
                          + "/*/bin; install PostgreSQL's binaries (or set TALLY_TEST_PG_BIN to the directory of initdb and pg_ctl)"));
    } catch (IOException e) {
      throw new AssertionError("no PostgreSQL binaries at " + base + ": " + e, e);
    }
  }
}
