package dev.tally.server;

import dev.tally.testkit.Await;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Tally as a child process, for tests that kill it for real (kill -9) and start it again. */
final class TallyProcess implements AutoCloseable {
  final Process process;
  final int port;

  /** TALLY_TOKEN from the first start's output, or null on a restart. */
  final String token;

  private TallyProcess(Process process, int port, String token) {
    this.process = process;
    this.port = port;
    this.token = token;
  }

  /**
   * Starts Tally on {@code data} (SQLite and Lucene unless {@code extra} says otherwise), its
   * stderr appended to {@code log}; {@code extra} are more serve flags, e.g. "--sender-interval",
   * "100ms".
   */
  static TallyProcess start(Path data, Path log, String... extra) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        new ArrayList<>(
            List.of(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                "dev.tally.server.Main",
                "serve",
                "--data",
                data.toString(),
                "--port",
                Integer.toString(port),
                "--test-id-offsets",
                "true",
                "--log-format",
                "text"));
    cmd.addAll(List.of(extra));
    ProcessBuilder pb =
        new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.appendTo(log.toFile()));
    pb.environment().put("TALLY_ADMIN_TOKEN", ApiTestBase.ADMIN);
    Process p = pb.start();
    // Read the token lines (first start only) without blocking forever on a restart, which prints
    // none.
    CompletableFuture<String> token =
        CompletableFuture.supplyAsync(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                String line;
                String found = null;
                while ((line = r.readLine()) != null) {
                  if (line.startsWith("TALLY_TOKEN=")) {
                    found = line.substring("TALLY_TOKEN=".length()).trim();
                    return found;
                  }
                }
                return found;
              } catch (IOException e) {
                return null;
              }
            });
    TallyHttp http = new TallyHttp(port);
    try {
      Await.until(
          "Tally ready (its log: " + log + ")",
          Duration.ofSeconds(60),
          () -> {
            if (!p.isAlive()) {
              throw new IllegalStateException(
                  "Tally exited with " + p.exitValue() + " during start-up; see " + log);
            }
            try {
              return http.call("GET", "/health/ready", null, null).status();
            } catch (RuntimeException notYet) {
              return -1; // not listening yet
            }
          },
          status -> status == 200);
    } catch (AssertionError notReady) {
      p.destroyForcibly();
      throw notReady;
    }
    String t =
        token.isDone() ? token.get() : token.completeOnTimeout(null, 2, TimeUnit.SECONDS).get();
    return new TallyProcess(p, port, t);
  }

  /** kill -9: no shutdown hook runs, nothing is flushed. */
  void kill() throws InterruptedException {
    process.destroyForcibly();
    process.waitFor(30, TimeUnit.SECONDS);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroy();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    }
  }
}
