package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
      System.err.println("tally: " + url + "/health/ready answered " + r.statusCode() + " with something that is not JSON");
      return ExitCodes.UNREACHABLE;
    }
    boolean ready = "ready".equals(j.path("status").asText());
    JsonNode ix = j.path("index");
    System.out.println("Tally at " + url + " is " + (ready ? "READY" : "NOT READY") + ".");
    printEngines(j);
    System.out.println("  Store: oplog head at position " + j.path("oplog_head").asText() + "; entries up to "
        + j.path("oplog_floor").asText("0") + " were pruned by retention.");
    for (JsonNode warning : j.path("warnings")) {
      System.out.println("  WARNING: " + warning.asText());
    }
    System.out.println("  Index: searches see position " + ix.path("visible_position").asText() + " (durable up to "
        + ix.path("applied_position").asText() + "), " + ix.path("lag_positions").asLong() + " positions and "
        + ix.path("lag_seconds").asLong() + " s behind the store.");
    for (JsonNode w : ix.path("workspaces")) {
      long inIndex = w.path("index_documents").asLong();
      long inStore = w.path("store_documents").asLong();
      System.out.println("  Workspace " + w.path("id").asText() + ": " + inIndex + " contacts in the index, " + inStore + " in the store"
          + (inIndex == inStore ? "." : "  <-- they differ"));
    }
    if (!ready) {
      System.out.println("  Why not ready:");
      for (JsonNode reason : j.path("reasons")) {
        System.out.println("    - " + reason.asText());
      }
      System.out.println("  Meanwhile searches answer 503 (never a partial result) and writes are still accepted.");
    }
    return ready ? ExitCodes.OK : ExitCodes.PROBLEM;
  }

  /** Which engines serve, and who applies the oplog: on a shared index a stand-by is healthy, not stuck. */
  private static void printEngines(JsonNode j) {
    String store = j.path("store").path("engine").asText("");
    JsonNode ix = j.path("index");
    String index = ix.path("engine").asText("");
    if (store.isEmpty() || index.isEmpty()) {
      return; // an older Tally that does not say
    }
    System.out.println("  Engines: store " + storeWords(store) + "; index " + indexWords(index) + ".");
    System.out.println("  Projector: " + switch (ix.path("projector").asText()) {
      case "leading" -> "this process LEADS: it holds the projector lease and applies the oplog to the shared index.";
      case "standing_by" -> "this process STANDS BY: another process holds the projector lease and applies the oplog; this one "
          + "takes over within seconds if that one stops.";
      default -> "this process applies the oplog to its own embedded index.";
    });
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
