package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.function.BooleanSupplier;

/**
 * The engines this process runs on, as /health/ready reports them. With a shared index only the
 * process holding the projector lease applies the oplog; saying which one this is lets an operator
 * tell a healthy stand-by from a leader that has stalled.
 *
 * @param store "sqlite" or "postgres"
 * @param index "lucene" or "opensearch"
 * @param leadsProjector for a shared index, whether this process holds the projector lease now;
 *     null for an embedded index, whose projector always runs in this process
 */
public record EnginesInUse(String store, String index, BooleanSupplier leadsProjector) {

  /** "embedded" (this process's own index), "leading" or "standing_by". */
  public String projectorRole() {
    if (leadsProjector == null) {
      return "embedded";
    }
    return leadsProjector.getAsBoolean() ? "leading" : "standing_by";
  }

  void writeTo(ObjectNode ready, ObjectNode indexJson) {
    ready.putObject("store").put("engine", store);
    indexJson
        .put("engine", index)
        .put("shared", leadsProjector != null)
        .put("projector", projectorRole());
  }
}
