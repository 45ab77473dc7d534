package dev.tally.testkit;

import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.GroupPrincipal;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.UserPrincipalLookupService;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A PostgreSQL cluster of a test's own: initdb into a temporary directory, its own free port,
 * started and stopped with pg_ctl (as the postgres OS user when the test runs as root), removed
 * afterwards. Fault tests stop and crash it; the machine's shared PostgreSQL is never touched.
 * Nothing here skips: without PostgreSQL's binaries the test fails and says what is missing.
 */
public final class ThrowawayPostgres implements AutoCloseable {
  private final Path dir;
  private final Path pgdata;
  private final Path bin;
  private final int port;
  private final boolean asPostgresUser;

  private ThrowawayPostgres(Path dir, Path bin, int port, boolean asPostgresUser) {
    this.dir = dir;
    this.pgdata = dir.resolve("data");
    this.bin = bin;
    this.port = port;
    this.asPostgresUser = asPostgresUser;
  }

  /** initdb (trust authentication, superuser "postgres") and start. */
  public static ThrowawayPostgres create() throws IOException {
    Path bin = findBin();
    boolean root = "root".equals(System.getProperty("user.name"));
    Path dir = Files.createTempDirectory("tally-pg-");
    if (root) {
      UserPrincipalLookupService users = dir.getFileSystem().getUserPrincipalLookupService();
      PosixFileAttributeView view = Files.getFileAttributeView(dir, PosixFileAttributeView.class);
      view.setOwner(users.lookupPrincipalByName("postgres"));
      GroupPrincipal group = users.lookupPrincipalByGroupName("postgres");
      view.setGroup(group);
    }
    ThrowawayPostgres pg = new ThrowawayPostgres(dir, bin, freePort(), root);
    pg.run(
        60,
        pg.bin.resolve("initdb").toString(),
        "-D",
        pg.pgdata.toString(),
        "-A",
        "trust",
        "-U",
        "postgres",
        "-E",
        "UTF8",
        "--no-sync");
    pg.start();
    return pg;
  }

  public int port() {
    return port;
  }

  /** A JDBC URL for the cluster's {@code postgres} database. */
  public String url() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/postgres?user=postgres";
  }

  public void start() throws IOException {
    run(
        90,
        bin.resolve("pg_ctl").toString(),
        "-D",
        pgdata.toString(),
        "-l",
        dir.resolve("postgres.log").toString(),
        "-w",
        "-t",
        "60",
        "-o",
        "-p " + port + " -c listen_addresses=127.0.0.1 -k " + dir + " -c max_connections=60",
        "start");
  }

  /**
   * pg_ctl stop: {@code fast} (a clean shutdown, sessions terminated) or {@code immediate} (a
   * crash; recovery at the next start).
   */
  public void stop(String mode) throws IOException {
    run(
        60,
        bin.resolve("pg_ctl").toString(),
        "-D",
        pgdata.toString(),
        "-m",
        mode,
        "-w",
        "-t",
        "60",
        "stop");
  }

  /** Starts the cluster unless it runs (after a test that failed while it was stopped). */
  public void ensureRunning() throws IOException {
    if (!running()) {
      start();
    }
  }

  public boolean running() throws IOException {
    try {
      run(30, bin.resolve("pg_ctl").toString(), "-D", pgdata.toString(), "status");
      return true;
    } catch (IOException e) {
      if (e.getMessage().contains("exit code 3")) {
        return false;
      }
      throw e;
    }
  }

  public String log() {
    try {
      return Files.readString(dir.resolve("postgres.log"));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    try {
      if (running()) {
        stop("immediate");
      }
    } catch (IOException | RuntimeException e) {
      System.err.println("could not stop the test's PostgreSQL: " + e);
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      System.err.println("could not remove " + dir + ": " + e);
    }
  }

  private void run(int timeoutSeconds, String... command) throws IOException {
    List<String> cmd = new ArrayList<>();
    if (asPostgresUser) {
      cmd.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    cmd.addAll(List.of(command));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try {
      if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new IOException(
            String.join(" ", cmd) + " did not finish within " + timeoutSeconds + " s");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.exitValue() != 0) {
      throw new IOException(
          String.join(" ", cmd)
              + " failed with exit code "
              + p.exitValue()
              + ":\n"
              + out
              + "\n"
              + log());
    }
  }

  /** TALLY_TEST_PG_BIN, or the newest /usr/lib/postgresql/N/bin that has initdb. */
  private static Path findBin() {
    String given = System.getenv("TALLY_TEST_PG_BIN");
    if (given != null && !given.isBlank()) {
      return Path.of(given);
    }
    return PgTools.newestBin("initdb");
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }
}
