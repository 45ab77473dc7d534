package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Snapshots of a generation through an OpenSearch snapshot repository (an `fs` repository under the
 * node's path.repo, registered on first use). OpenSearch checks every file's checksum on restore,
 * so a damaged snapshot fails its restore and the caller goes on to an older one or a rebuild. Each
 * snapshot records the oplog position its index holds, read from the index's position document.
 */
public final class OpenSearchSnapshots implements AutoCloseable {
  /** One snapshot: its name, the oplog position it holds, when it was taken, its size. */
  public record Snapshot(String name, long position, Instant takenAt, long bytes) {}

  /** One snapshot as every index engine describes it. */
  static IndexEngine.SnapshotInfo info(Snapshot s) {
    return new IndexEngine.SnapshotInfo(s.name(), s.position(), s.takenAt(), s.bytes());
  }

  private final OpenSearchOptions options;
  private final OpenSearchHttp http;
  private final String repository;

  public OpenSearchSnapshots(OpenSearchOptions options, String repository) {
    this.options = options;
    this.http = new OpenSearchHttp(options);
    this.repository = repository;
  }

  /** Snapshots {@code generation} (waits until it is complete). */
  public Snapshot take(String generation) {
    ensureRepository();
    http.expectOk("POST", "/" + generation + "/_refresh", null);
    long position = OpenSearchIndex.openGeneration(options, generation).appliedPositionAndClose();
    Instant now = Instant.now();
    String name = String.format("snap-%020d-%d", position, now.toEpochMilli());
    ObjectNode body =
        OpenSearchHttp.JSON
            .createObjectNode()
            .put("indices", generation)
            .put("include_global_state", false);
    body.putObject("metadata").put("position", position).put("generation", generation);
    JsonNode r =
        http.expectOk(
            "PUT", "/_snapshot/" + repository + "/" + name + "?wait_for_completion=true", body);
    String state = r.path("snapshot").path("state").asText();
    if (!state.equals("SUCCESS")) {
      throw TallyException.unavailable(
          "snapshot_failed",
          "the OpenSearch snapshot " + name + " ended " + state + ": " + r,
          null);
    }
    return new Snapshot(name, position, now, 0);
  }

  /** Complete snapshots, newest first. */
  public List<Snapshot> list() {
    OpenSearchHttp.Response r =
        http.send("GET", "/_snapshot/" + repository + "/_all", (JsonNode) null);
    if (r.status() == 404) {
      return List.of(); // no repository yet: no snapshots
    }
    if (!r.ok()) {
      throw http.failure("GET", "/_snapshot/" + repository + "/_all", r);
    }
    List<Snapshot> out = new ArrayList<>();
    for (JsonNode s : r.body().path("snapshots")) {
      if (s.path("state").asText().equals("SUCCESS") && s.path("metadata").has("position")) {
        out.add(
            new Snapshot(
                s.path("snapshot").asText(),
                s.path("metadata").path("position").asLong(),
                Instant.ofEpochMilli(s.path("start_time_in_millis").asLong()),
                0));
      }
    }
    out.sort(
        Comparator.comparingLong(Snapshot::position).thenComparing(Snapshot::takenAt).reversed());
    return out;
  }

  /**
   * Restores the snapshot {@code name} as the index {@code target}, which must not exist; the
   * reason when OpenSearch refuses, else null.
   */
  public String restore(String name, String target) {
    OpenSearchHttp.Response found =
        http.send("GET", "/_snapshot/" + repository + "/" + name, (JsonNode) null);
    if (found.status() == 404) {
      return "snapshot " + name + " is gone from the repository " + repository;
    }
    JsonNode info = found.body();
    String source = info.path("snapshots").path(0).path("indices").path(0).asText();
    ObjectNode body =
        OpenSearchHttp.JSON
            .createObjectNode()
            .put("indices", source)
            .put("include_global_state", false)
            .put("include_aliases", false)
            .put("rename_pattern", "^" + java.util.regex.Pattern.quote(source) + "$")
            .put("rename_replacement", target);
    OpenSearchHttp.Response r =
        http.send(
            "POST",
            "/_snapshot/" + repository + "/" + name + "/_restore?wait_for_completion=true",
            body);
    if (!r.ok() || r.body().path("snapshot").path("shards").path("failed").asInt(0) > 0) {
      return "OpenSearch could not restore snapshot "
          + name
          + ": "
          + OpenSearchHttp.reason(r.body());
    }
    return null;
  }

  public void prune(int keep) {
    List<Snapshot> all = list();
    for (int i = keep; i < all.size(); i++) {
      OpenSearchHttp.Response r =
          http.send(
              "DELETE", "/_snapshot/" + repository + "/" + all.get(i).name(), (JsonNode) null);
      if (!r.ok() && r.status() != 404) {
        throw http.failure("DELETE", "/_snapshot/" + repository + "/" + all.get(i).name(), r);
      }
    }
  }

  /**
   * Registers the repository (an fs repository named after itself under the node's path.repo) when
   * it is missing.
   */
  private void ensureRepository() {
    if (http.send("GET", "/_snapshot/" + repository, (JsonNode) null).ok()) {
      return;
    }
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode().put("type", "fs");
    body.putObject("settings").put("location", repository);
    OpenSearchHttp.Response r = http.send("PUT", "/_snapshot/" + repository, body);
    if (!r.ok()) {
      throw new TallyException(
          TallyException.Kind.CONFLICT,
          "snapshot_repository_missing",
          null,
          "OpenSearch at "
              + http.url()
              + " has no snapshot repository "
              + repository
              + " and could not make one ("
              + OpenSearchHttp.reason(r.body())
              + "); set path.repo on the nodes, or register the repository yourself");
    }
  }

  @Override
  public void close() {
    http.close();
  }
}
