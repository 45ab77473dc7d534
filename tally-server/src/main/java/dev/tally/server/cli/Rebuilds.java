package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.projection.Rebuild;
import dev.tally.server.config.Config;
import dev.tally.server.search.RebuildRunner;
import dev.tally.server.wiring.DataDir;
import dev.tally.server.wiring.StoppedTally;
import java.io.IOException;
import java.net.http.HttpResponse;
import java.util.concurrent.TimeUnit;

/**
 * {@code tally rebuild}, on a running Tally (through the admin API) or a stopped one (on its data
 * directory).
 */
public final class Rebuilds {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Rebuilds() {}

  public static int online(RemoteAdmin admin) {
    return follow(admin, "/admin/index/rebuild");
  }

  /**
   * {@code tally restore}: the newest usable snapshot plus an oplog replay, else a rebuild from the
   * store; then switch.
   */
  public static int restore(RemoteAdmin admin) {
    return follow(admin, "/admin/index/restore");
  }

  /** Starts a rebuild (or restore) with {@code start} and shows its progress until it is done. */
  static int follow(RemoteAdmin admin, String start) {
    HttpResponse<String> started = admin.client().call("POST", start, "{}");
    if (started == null) {
      return ExitCodes.UNREACHABLE;
    }
    if (started.statusCode() != 202) {
      System.err.println("tally: it did not start: " + started.statusCode() + " " + started.body());
      return started.statusCode() == 401 ? ExitCodes.USAGE : ExitCodes.PROBLEM;
    }
    ProgressBar bar = new ProgressBar(System.err, "rebuild");
    while (true) {
      HttpResponse<String> r = admin.client().call("GET", "/admin/index/rebuild", null);
      if (r == null) {
        return ExitCodes.UNREACHABLE;
      }
      JsonNode s;
      try {
        s = JSON.readTree(r.body());
      } catch (IOException e) {
        return ExitCodes.UNREACHABLE;
      }
      bar.show(s.path("documents").asLong(), s.path("total").asLong(), s.path("rate").asDouble());
      switch (s.path("state").asText()) {
        case "done" -> {
          bar.done(
              s.path("source").asText("store").startsWith("snapshot")
                  ? "restored "
                      + s.path("source").asText()
                      + " into "
                      + s.path("generation").asText()
                      + ", replayed the oplog and switched to it"
                  : "rebuilt "
                      + s.path("documents").asLong()
                      + " documents into "
                      + s.path("generation").asText()
                      + " and switched to it");
          return ExitCodes.OK;
        }
        case "failed" -> {
          bar.done(
              "the rebuild failed; the serving index is unchanged: " + s.path("error").asText());
          return ExitCodes.PROBLEM;
        }
        default -> sleep();
      }
    }
  }

  /**
   * On a stopped Tally, on whatever store and index the settings name: fill the next generation,
   * then switch.
   */
  public static int offline(Config config) {
    try (StoppedTally tally = StoppedTally.open(config)) {
      Rebuild.Progress p = new Rebuild.Progress();
      ProgressBar bar = new ProgressBar(System.err, "rebuild");
      Thread ticker =
          Thread.ofVirtual()
              .start(
                  () -> {
                    while (!Thread.currentThread().isInterrupted()) {
                      bar.show(p.documents.get(), p.total, p.rate());
                      try {
                        TimeUnit.MILLISECONDS.sleep(500);
                      } catch (InterruptedException e) {
                        return;
                      }
                    }
                  });
      RebuildRunner.Status s = RebuildRunner.offline(tally.store(), tally.engine(), p);
      ticker.interrupt();
      bar.show(p.documents.get(), p.total, p.rate());
      bar.done(
          "rebuilt "
              + s.documents()
              + " documents into "
              + s.generation()
              + " ("
              + tally.engine().describe()
              + ") and switched to it");
      return ExitCodes.OK;
    } catch (DataDir.InUseException e) {
      System.err.println("tally: " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    } catch (TallyException e) {
      System.err.println("tally: the rebuild failed: " + e.getMessage());
      return e.kind() == TallyException.Kind.CONFLICT ? ExitCodes.UNREACHABLE : ExitCodes.PROBLEM;
    } catch (IOException | RuntimeException e) {
      System.err.println("tally: the rebuild failed: " + e.getMessage());
      return ExitCodes.PROBLEM;
    }
  }

  private static void sleep() {
    try {
      TimeUnit.MILLISECONDS.sleep(300);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
