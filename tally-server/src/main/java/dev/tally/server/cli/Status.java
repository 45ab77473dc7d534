package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Store;
import dev.tally.server.config.Config;
import dev.tally.server.wiring.DataDir;
import dev.tally.server.wiring.StoppedTally;
import java.io.IOException;
import java.net.http.HttpResponse;

/** {@code tally status}: readiness in words a tired on-call engineer understands. */
public final class Status {
  private Status() {}

  public static int print(TallyClient client, String url) {
    HttpResponse<String> r = client.call("GET", "/health/ready", null);
    if (r == null) {
      return ExitCodes.UNREACHABLE;
    }
    JsonNode j;
    try {
      j = new ObjectMapper().readTree(r.body());
    } catch (IOException e) {
      System.err.println(
          "tally: "
              + url
              + "/health/ready answered "
              + r.statusCode()
              + " with something that is not JSON");
      return ExitCodes.UNREACHABLE;
    }
    boolean ready = "ready".equals(j.path("status").asText());
    JsonNode ix = j.path("index");
    System.out.println("Tally at " + url + " is " + (ready ? "READY" : "NOT READY") + ".");
    printEngines(j);
    System.out.println(
        "  Store: oplog head at position "
            + j.path("oplog_head").asText()
            + "; entries up to "
            + j.path("oplog_floor").asText("0")
            + " were pruned by retention.");
    printMessaging(j.path("messaging"));
    for (JsonNode warning : j.path("warnings")) {
      System.out.println("  WARNING: " + warning.asText());
    }
    System.out.println(
        "  Index: searches see position "
            + ix.path("visible_position").asText()
            + " (durable up to "
            + ix.path("applied_position").asText()
            + "), "
            + ix.path("lag_positions").asLong()
            + " positions and "
            + ix.path("lag_seconds").asLong()
            + " s behind the store.");
    for (JsonNode w : ix.path("workspaces")) {
      long inIndex = w.path("index_documents").asLong();
      long inStore = w.path("store_documents").asLong();
      System.out.println(
          "  Workspace "
              + w.path("id").asText()
              + ": "
              + inIndex
              + " contacts in the index, "
              + inStore
              + " in the store"
              + (inIndex == inStore ? "." : "  <-- they differ"));
    }
    if (!ready) {
      System.out.println("  Why not ready:");
      for (JsonNode reason : j.path("reasons")) {
        System.out.println("    - " + reason.asText());
      }
      System.out.println(
          "  Meanwhile searches answer 503 (never a partial result) and writes are still accepted.");
    }
    return ready ? ExitCodes.OK : ExitCodes.PROBLEM;
  }

  /**
   * {@code tally status --offline}: a stopped Tally's store and index as the settings name them,
   * without starting it: where the index stands against the store, and whether they agree. Exit 0
   * when the index holds the store's head with the same counts, 1 otherwise.
   */
  public static int offline(Config config) {
    try (StoppedTally tally = StoppedTally.open(config)) {
      Store store = tally.store();
      IndexEngine engine = tally.engine();
      String generation = engine.current();
      boolean agree = true;
      System.out.println(
          "Tally (stopped): store "
              + config.store().setting()
              + ", index "
              + engine.describe()
              + ".");
      System.out.println(
          "  Store: oplog head at position "
              + store.head()
              + "; entries up to "
              + store.oplogFloor()
              + " were pruned by retention.");
      try (SearchIndex index = engine.open(generation)) {
        long position = index.appliedPosition();
        agree = position >= store.head();
        String layout = engine.layoutOf(generation);
        System.out.println(
            "  Index: generation "
                + generation
                + " (layout "
                + layout
                + (engine.layout().equals(layout)
                    ? ""
                    : ", this Tally writes " + engine.layout() + ": run tally plan")
                + ") holds position "
                + position
                + (agree
                    ? "."
                    : ", "
                        + (store.head() - position)
                        + " positions behind the store; it catches up when Tally starts."));
        for (Workspace ws : store.workspaces()) {
          long inIndex = index.count(ws.id());
          long inStore = store.contactCount(ws.id());
          agree &= inIndex == inStore;
          System.out.println(
              "  Workspace "
                  + ws.id()
                  + ": "
                  + inIndex
                  + " contacts in the index, "
                  + inStore
                  + " in the store"
                  + (inIndex == inStore ? "." : "  <-- they differ"));
        }
      }
      if (engine.supportsSnapshots()) {
        var snapshots = engine.snapshots();
        System.out.println(
            "  Snapshots: "
                + (snapshots.isEmpty()
                    ? "none"
                    : snapshots.size()
                        + ", the newest "
                        + snapshots.get(0).name()
                        + " at position "
                        + snapshots.get(0).position()
                        + ", taken "
                        + snapshots.get(0).takenAt())
                + ".");
      }
      return agree ? ExitCodes.OK : ExitCodes.PROBLEM;
    } catch (DataDir.InUseException e) {
      System.err.println(
          "tally: " + e.getMessage() + "; for a running Tally, use tally status --url");
      return ExitCodes.UNREACHABLE;
    } catch (IOException | RuntimeException e) {
      System.err.println(
          "tally: could not open the stopped Tally's store and index: " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    }
  }

  /**
   * Which engines serve, and who applies the oplog: on a shared index a stand-by is healthy, not
   * stuck.
   */
  private static void printEngines(JsonNode j) {
    String store = j.path("store").path("engine").asText("");
    JsonNode ix = j.path("index");
    String index = ix.path("engine").asText("");
    if (store.isEmpty() || index.isEmpty()) {
      return; // an older Tally that does not say
    }
    System.out.println(
        "  Engines: store " + storeWords(store) + "; index " + indexWords(index) + ".");
    System.out.println(
        "  Projector: "
            + switch (ix.path("projector").asText()) {
              case "leading" ->
                  "this process LEADS: it holds the projector lease and applies the oplog to the shared index.";
              case "standing_by" ->
                  "this process STANDS BY: another process holds the projector lease and applies the oplog; this one "
                      + "takes over within seconds if that one stops.";
              default -> "this process applies the oplog to its own embedded index.";
            });
  }

  /**
   * Whether messaging delivers, is paused (for every workspace or which, since when) or holds sends
   * and why; the queue by state; the oldest due send's wait. Nothing for an older Tally.
   */
  static void printMessaging(JsonNode m) {
    if (m.isMissingNode() || m.isNull()) {
      return;
    }
    JsonNode q = m.path("queue");
    long waiting = q.path("queued").asLong() + q.path("held").asLong();
    String queue =
        waiting == 0
            ? "no send waits"
            : waiting
                + " send(s) wait ("
                + q.path("queued").asLong()
                + " queued, of which "
                + q.path("retrying").asLong()
                + " retrying a refused delivery; "
                + q.path("held").asLong()
                + " held), "
                + m.path("due").asLong()
                + " due now"
                + (m.path("due").asLong() == 0
                    ? ""
                    : ", the oldest waiting "
                        + m.path("oldest_due_age_seconds").asLong()
                        + " s past its due time");
    String headline =
        switch (m.path("state").asText()) {
          case "paused" ->
              "PAUSED for every workspace since "
                  + when(m.path("paused_since"))
                  + " (kill switch): nothing is delivered; POST /admin/messaging/resume delivers again";
          case "held" -> "HOLDING sends (see why below); the rest is delivered";
          case "not_sending" ->
              "NOT SENDING from this process (--sender-interval 0s); another process may deliver";
          case "idle" -> "DELIVERING (nothing is due)";
          default -> "DELIVERING";
        };
    System.out.println("  Messaging: " + headline + "; " + queue + ".");
    for (JsonNode w : m.path("paused_workspaces")) {
      System.out.println(
          "    Paused for workspace "
              + w.path("id").asText()
              + " since "
              + when(w.path("paused_since"))
              + ": its sends wait; POST /admin/workspaces/"
              + w.path("id").asText()
              + "/messaging/resume delivers them.");
    }
    for (JsonNode h : m.path("held")) {
      String reason = h.path("reason").asText();
      System.out.println(
          "    Held: "
              + h.path("count").asLong()
              + " send(s): "
              + (reason.isEmpty() ? "no reason recorded" : reason)
              + (reason.contains("--smtp-url") && !m.path("sender").path("smtp").asBoolean()
                  ? " (this process has none: start it with --smtp-url to deliver them)"
                  : ""));
    }
  }

  private static String when(JsonNode unixSeconds) {
    return unixSeconds.canConvertToLong()
        ? java.time.Instant.ofEpochSecond(unixSeconds.asLong()).toString()
        : "(unknown)";
  }

  private static String storeWords(String engine) {
    return switch (engine) {
      case "sqlite" -> "SQLite (embedded, one process)";
      case "postgres" -> "PostgreSQL (shared: several Tally processes may serve it)";
      default -> engine;
    };
  }

  private static String indexWords(String engine) {
    return switch (engine) {
      case "lucene" -> "Lucene (embedded in this process)";
      case "opensearch" -> "OpenSearch (shared by every Tally process on this store)";
      default -> engine;
    };
  }
}
