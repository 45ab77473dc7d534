package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.projection.Verifier;
import dev.tally.server.config.Config;
import dev.tally.server.http.VerifyJson;
import dev.tally.server.wiring.Engines;
import java.io.IOException;
import java.io.PrintStream;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * {@code tally verify}: compares every contact's (id, version) in the store with the index. Against
 * a running Tally through its admin API (which can also repair); or, read-only, on the data
 * directory of a Tally that may be serving it. Exit 0 only when store and index agree.
 */
public final class Verifications {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Verifications() {}

  public static int online(RemoteAdmin admin, boolean repair, boolean json, PrintStream out) {
    HttpResponse<String> r =
        admin.client().call("POST", "/admin/index/verify", "{\"repair\":" + repair + "}");
    if (r == null) {
      return ExitCodes.UNREACHABLE;
    }
    if (r.statusCode() != 200) {
      System.err.println("tally: verification failed: " + r.statusCode() + " " + r.body());
      return r.statusCode() == 401 ? ExitCodes.USAGE : ExitCodes.PROBLEM;
    }
    try {
      JsonNode report = JSON.readTree(r.body());
      if (json) {
        out.println(report.toPrettyString());
      } else {
        print(report, out);
      }
      return report.path("agree").asBoolean() ? ExitCodes.OK : ExitCodes.PROBLEM;
    } catch (IOException e) {
      System.err.println("tally: unreadable answer from " + admin.client() + ": " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    }
  }

  /**
   * Read-only, on whatever store and index the settings name, beside a Tally that may be serving
   * them: the store's versions through a reader and the index's serving generation through its own.
   */
  public static int offline(Config config, boolean json, PrintStream out) {
    IndexEngine engine = Engines.openIndex(config);
    try (Engines.StoreReader store = Engines.openStoreReader(config);
        IndexEngine.Reader index = engine.openReader()) {
      // The index commits about once a second while it applies; give it time to commit the store's
      // head.
      Verifier.Report report =
          new Verifier(store, store::head, index, index::position, Duration.ofSeconds(30))
              .verify(null);
      JsonNode node = VerifyJson.of(report);
      if (json) {
        out.println(node.toPrettyString());
      } else {
        print(node, out);
      }
      return report.agree() ? ExitCodes.OK : ExitCodes.PROBLEM;
    } catch (RuntimeException e) {
      System.err.println(
          "tally: could not verify " + engine.describe() + " against the store: " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    }
  }

  private static void print(JsonNode r, PrintStream out) {
    out.printf(
        "%s: %,d contacts in %,d buckets of ids compared at position %s; %,d buckets differed%n",
        r.path("agree").asBoolean() ? "store and index agree" : "store and index DIFFER",
        r.path("contacts").asLong(),
        r.path("buckets").asLong(),
        r.path("position").asText(),
        r.path("buckets_differing").asLong());
    if (r.path("repaired").asLong() > 0) {
      out.printf(
          "repaired %,d contacts by re-applying them from the store%n",
          r.path("repaired").asLong());
    }
    for (JsonNode d : r.path("differences")) {
      out.printf(
          "  contact %s: %s (store version %s, index version %s)%n",
          d.path("id").asText(),
          d.path("kind").asText(),
          d.path("store_version").isNull() ? "none" : d.path("store_version").asText(),
          d.path("index_version").isNull() ? "none" : d.path("index_version").asText());
    }
    if (!r.path("note").isNull() && !r.path("note").isMissingNode()) {
      out.println(r.path("note").asText());
    }
  }
}
