package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import java.util.ArrayList;
import java.util.List;

/**
 * Writes documents with external versions through _bulk and checks the answer item by item. A
 * version conflict means the index already holds that version or a newer one — a stale replay — and
 * counts as success; an item refused with 429 or 5xx makes the whole request go again after a
 * backoff (re-sending the items that did succeed only yields more conflicts); any other item error
 * fails the batch, naming the contact and OpenSearch's reason.
 */
final class BulkWriter {
  /** One document to write: its _id, the external version, and its source. */
  record Item(String id, long version, ObjectNode source) {}

  private final OpenSearchHttp http;
  private final OpenSearchOptions options;

  BulkWriter(OpenSearchHttp http, OpenSearchOptions options) {
    this.http = http;
    this.options = options;
  }

  /**
   * Writes the items into {@code target}; returns how many were stale (already at or past their
   * version).
   */
  int write(String target, boolean requireAlias, List<Item> items) {
    if (items.isEmpty()) {
      return 0;
    }
    return send(target, requireAlias, ndjson(items), items);
  }

  /**
   * Removes documents outright (a deleted workspace: nothing of it may stay, not even tombstones).
   */
  void delete(String target, boolean requireAlias, List<String> ids) {
    if (ids.isEmpty()) {
      return;
    }
    StringBuilder sb = new StringBuilder();
    List<Item> items = new ArrayList<>();
    for (String id : ids) {
      ObjectNode action = OpenSearchHttp.JSON.createObjectNode();
      action.putObject("delete").put("_id", id);
      sb.append(action).append('\n');
      items.add(new Item(id, -1, null));
    }
    send(target, requireAlias, sb.toString(), items);
  }

  private int send(String target, boolean requireAlias, String body, List<Item> items) {
    String path = "/" + target + "/_bulk" + (requireAlias ? "?require_alias=true" : "");
    long backoff = options.initialBackoff().toMillis();
    for (int attempt = 0; ; attempt++) {
      OpenSearchHttp.Response r = http.send("POST", path, body, "application/x-ndjson");
      if (!r.ok()) {
        throw missingOrRefused(target, path, r);
      }
      Outcome outcome = check(r.body(), items);
      if (outcome.retry == null) {
        return outcome.stale;
      }
      if (attempt >= options.retries()) {
        throw TallyException.unavailable(
            "index_unavailable",
            "OpenSearch at "
                + http.url()
                + " kept refusing bulk items after "
                + (attempt + 1)
                + " attempts: "
                + outcome.retry,
            null);
      }
      sleep(backoff);
      backoff *= 2;
    }
  }

  private TallyException missingOrRefused(String target, String path, OpenSearchHttp.Response r) {
    if (r.status() == 404) {
      return TallyException.unavailable(
          "index_missing",
          "the OpenSearch index "
              + target
              + " does not exist at "
              + http.url()
              + " (deleted?); a rebuild creates it again",
          null);
    }
    return http.failure("POST", path, r);
  }

  private record Outcome(int stale, String retry) {}

  private Outcome check(JsonNode response, List<Item> items) {
    if (!response.path("errors").asBoolean(true)) {
      return new Outcome(0, null);
    }
    int stale = 0;
    String retry = null;
    List<String> failures = new ArrayList<>();
    JsonNode answers = response.path("items");
    for (int i = 0; i < answers.size(); i++) {
      JsonNode item = answers.get(i).elements().next(); // {"index": {...}}
      int status = item.path("status").asInt();
      String type = item.path("error").path("type").asText();
      if ((status >= 200 && status < 300)
          || (status == 404 && type.isEmpty())) { // 404 without error: deleting what is gone
        continue;
      }
      if (type.equals(
          "index_not_found_exception")) { // the alias is gone (require_alias keeps OpenSearch from
        // inventing an index)
        throw TallyException.unavailable(
            "index_missing",
            "the OpenSearch index "
                + item.path("_index").asText()
                + " does not exist at "
                + http.url()
                + " (deleted?); a rebuild creates it again",
            null);
      }
      if (status == 409 && type.equals("version_conflict_engine_exception")) {
        stale++;
      } else if (status == 429 || status >= 500) {
        retry =
            "contact "
                + item.path("_id").asText()
                + ": "
                + status
                + " "
                + type
                + ": "
                + item.path("error").path("reason").asText();
      } else {
        failures.add(
            "contact "
                + item.path("_id").asText()
                + " (version "
                + items.get(i).version()
                + "): "
                + status
                + " "
                + type
                + ": "
                + item.path("error").path("reason").asText());
      }
    }
    if (!failures.isEmpty()) {
      throw new TallyException(
          TallyException.Kind.INTERNAL,
          "index_write_rejected",
          null,
          "OpenSearch at "
              + http.url()
              + " refused "
              + failures.size()
              + " of "
              + items.size()
              + " documents; first: "
              + failures.get(0));
    }
    return new Outcome(stale, retry);
  }

  private static String ndjson(List<Item> items) {
    StringBuilder sb = new StringBuilder(items.size() * 256);
    for (Item item : items) {
      ObjectNode action = OpenSearchHttp.JSON.createObjectNode();
      action
          .putObject("index")
          .put("_id", item.id())
          .put("version", item.version())
          .put("version_type", "external");
      sb.append(action).append('\n').append(item.source()).append('\n');
    }
    return sb.toString();
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw TallyException.unavailable(
          "index_unavailable", "interrupted while backing off from OpenSearch", e);
    }
  }
}
