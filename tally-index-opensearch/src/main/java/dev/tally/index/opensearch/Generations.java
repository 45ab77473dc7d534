package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The generations behind the alias: {@code <alias>-1}, {@code <alias>-2}, ... A rebuild creates
 * the next one beside the serving one, fills it, then moves the alias in one _aliases request (an
 * atomic swap: searches see the old generation or the new one, never neither); the old one is
 * deleted only afterwards (create before destroy).
 */
final class Generations {
  private final OpenSearchHttp http;
  private final OpenSearchOptions options;

  Generations(OpenSearchHttp http, OpenSearchOptions options) {
    this.http = http;
    this.options = options;
  }

  String name(int generation) {
    return options.alias() + "-" + generation;
  }

  /** The indexes the alias points to (one, unless someone changed it by hand). */
  List<String> serving() {
    OpenSearchHttp.Response r = http.send("GET", "/_alias/" + options.alias(), (JsonNode) null);
    if (r.status() == 404) {
      return List.of();
    }
    if (!r.ok()) {
      throw http.failure("GET", "/_alias/" + options.alias(), r);
    }
    List<String> names = new ArrayList<>();
    r.body().fieldNames().forEachRemaining(names::add);
    return names;
  }

  /** Creates generation 1 with the alias on it when the alias does not exist yet; safe if several processes race. */
  void ensureServing() {
    if (!serving().isEmpty()) {
      return;
    }
    ObjectNode body = Mapping.createIndex(options, false);
    body.putObject("aliases").putObject(options.alias());
    int next = highest() + 1;
    OpenSearchHttp.Response r = http.send("PUT", "/" + name(next), body);
    boolean raced = r.status() == 400 && r.body().path("error").path("type").asText().equals("resource_already_exists_exception");
    if (!r.ok() && !raced) {
      throw http.failure("PUT", "/" + name(next), r);
    }
    if (serving().isEmpty()) {
      throw new TallyException(TallyException.Kind.INTERNAL, "index_alias_missing", null, "OpenSearch at " + http.url() + " has "
          + name(next) + " but no alias " + options.alias() + " on it; add it (POST /_aliases) or delete the index");
    }
  }

  /** Creates the next generation, without the alias and without refreshes while it is loaded; returns its name. */
  String createNext() {
    String name = name(highest() + 1);
    http.expectOk("PUT", "/" + name, Mapping.createIndex(options, true));
    return name;
  }

  /** Gives {@code name} its serving settings, then moves the alias onto it alone in one request; returns the previous holders. */
  List<String> promote(String name) {
    http.expectOk("PUT", "/" + name + "/_settings", Mapping.serving(options));
    http.expectOk("POST", "/" + name + "/_refresh", null);
    List<String> previous = serving();
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
    ArrayNode actions = body.putArray("actions");
    for (String old : previous) {
      if (!old.equals(name)) {
        actions.addObject().putObject("remove").put("index", old).put("alias", options.alias());
      }
    }
    actions.addObject().putObject("add").put("index", name).put("alias", options.alias());
    http.expectOk("POST", "/_aliases", body);
    return previous.stream().filter(n -> !n.equals(name)).toList();
  }

  /** Deletes a generation that no longer serves. */
  void drop(String name) {
    if (serving().contains(name)) {
      throw new IllegalStateException("refusing to delete " + name + ": the alias " + options.alias() + " still points to it");
    }
    OpenSearchHttp.Response r = http.send("DELETE", "/" + name, (JsonNode) null);
    if (!r.ok() && r.status() != 404) {
      throw http.failure("DELETE", "/" + name, r);
    }
  }

  /** The highest generation number that exists, 0 when none does. */
  int highest() {
    OpenSearchHttp.Response r = http.send("GET", "/" + options.alias() + "-*/_settings/index.provided_name", (JsonNode) null);
    if (!r.ok()) {
      throw http.failure("GET", "/" + options.alias() + "-*", r);
    }
    int max = 0;
    for (Iterator<String> it = r.body().fieldNames(); it.hasNext(); ) {
      String suffix = it.next().substring(options.alias().length() + 1);
      if (suffix.matches("[0-9]{1,9}")) {
        max = Math.max(max, Integer.parseInt(suffix));
      }
    }
    return max;
  }
}
