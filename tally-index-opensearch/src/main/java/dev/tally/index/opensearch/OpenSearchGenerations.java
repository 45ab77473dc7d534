package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The generations behind the alias: {@code <alias>-1}, {@code <alias>-2}, ... A rebuild creates the
 * next one beside the serving one, fills it, then moves the alias in one _aliases request (an
 * atomic swap: searches see the old generation or the new one, never neither); the old one is
 * deleted only afterwards (create before destroy).
 */
public final class OpenSearchGenerations implements AutoCloseable {
  private final OpenSearchOptions options;
  private final OpenSearchHttp http;

  /** Whether this instance made (and so closes) its HTTP client. */
  private final boolean ownsHttp;

  public OpenSearchGenerations(OpenSearchOptions options) {
    this(new OpenSearchHttp(options), options, true);
  }

  OpenSearchGenerations(OpenSearchHttp http, OpenSearchOptions options) {
    this(http, options, false);
  }

  private OpenSearchGenerations(OpenSearchHttp http, OpenSearchOptions options, boolean ownsHttp) {
    this.http = http;
    this.options = options;
    this.ownsHttp = ownsHttp;
  }

  String name(int generation) {
    return options.alias() + "-" + generation;
  }

  /**
   * The generation the alias points to (generation 1, with the alias, is made when there is none).
   */
  public String serving() {
    List<String> names = aliasHolders();
    if (names.isEmpty()) {
      ensureServing();
      names = aliasHolders();
    }
    return names.get(0);
  }

  /** The indexes the alias points to (one, unless someone changed it by hand). */
  List<String> aliasHolders() {
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

  /**
   * Creates generation 1 with the alias on it when the alias does not exist yet; safe if several
   * processes race.
   */
  void ensureServing() {
    if (!aliasHolders().isEmpty()) {
      return;
    }
    ObjectNode body = Mapping.createIndex(options, false);
    body.putObject("aliases").putObject(options.alias());
    int next = highest() + 1;
    OpenSearchHttp.Response r = http.send("PUT", "/" + name(next), body);
    boolean raced =
        r.status() == 400
            && r.body()
                .path("error")
                .path("type")
                .asText()
                .equals("resource_already_exists_exception");
    if (!r.ok() && !raced) {
      throw http.failure("PUT", "/" + name(next), r);
    }
    if (aliasHolders().isEmpty()) {
      throw new TallyException(
          TallyException.Kind.INTERNAL,
          "index_alias_missing",
          null,
          "OpenSearch at "
              + http.url()
              + " has "
              + name(next)
              + " but no alias "
              + options.alias()
              + " on it; add it (POST /_aliases) or delete the index");
    }
  }

  /**
   * A new empty generation, without the alias, replicas and refreshes while it is loaded; returns
   * its name.
   */
  public String createNext() {
    String name = name(highest() + 1);
    http.expectOk("PUT", "/" + name, Mapping.createIndex(options, true));
    return name;
  }

  /** Deletes {@code name} (never the serving one) and makes it anew, empty, ready to be loaded. */
  public void recreate(String name) {
    drop(name);
    http.expectOk("PUT", "/" + name, Mapping.createIndex(options, true));
  }

  /**
   * Gives {@code name} its serving settings, then moves the alias onto it alone in one request;
   * returns the previous holders.
   */
  public List<String> promote(String name) {
    http.expectOk("PUT", "/" + name + "/_settings", Mapping.serving(options));
    http.expectOk("POST", "/" + name + "/_refresh", null);
    List<String> previous = aliasHolders();
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

  /** Deletes a generation that no longer serves; refuses one the alias points to. */
  public void drop(String name) {
    if (aliasHolders().contains(name)) {
      throw new IllegalStateException(
          "refusing to delete " + name + ": the alias " + options.alias() + " still points to it");
    }
    OpenSearchHttp.Response r = http.send("DELETE", "/" + name, (JsonNode) null);
    if (!r.ok() && r.status() != 404) {
      throw http.failure("DELETE", "/" + name, r);
    }
  }

  public boolean exists(String name) {
    return http.send("HEAD", "/" + name, (JsonNode) null).status() == 200;
  }

  /** The highest generation number that exists, 0 when none does. */
  int highest() {
    return numbered().stream().mapToInt(this::number).max().orElse(0);
  }

  /** Every generation numbered below the serving one. */
  public List<String> older() {
    int current = number(serving());
    return numbered().stream().filter(n -> number(n) < current).toList();
  }

  /** Every index named {@code <alias>-N}. */
  private List<String> numbered() {
    OpenSearchHttp.Response r =
        http.send(
            "GET", "/" + options.alias() + "-*/_settings/index.provided_name", (JsonNode) null);
    if (!r.ok()) {
      throw http.failure("GET", "/" + options.alias() + "-*", r);
    }
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = r.body().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (number(name) > 0) {
        out.add(name);
      }
    }
    return out;
  }

  /** The layout this code writes. */
  public static String layout() {
    return Mapping.LAYOUT;
  }

  /**
   * The layout {@code name} was created with (from its mapping's _meta), or null when it does not
   * exist.
   */
  public String layoutOf(String name) {
    OpenSearchHttp.Response r = http.send("GET", "/" + name + "/_mapping", (JsonNode) null);
    if (r.status() == 404) {
      return null;
    }
    if (!r.ok()) {
      throw http.failure("GET", "/" + name + "/_mapping", r);
    }
    return r.body()
        .path(name)
        .path("mappings")
        .path("_meta")
        .path("tally_layout")
        .asText("opensearch-1");
  }

  public String url() {
    return http.url().toString();
  }

  private int number(String name) {
    String suffix = name.substring(Math.min(name.length(), options.alias().length() + 1));
    return suffix.matches("[0-9]{1,9}") ? Integer.parseInt(suffix) : 0;
  }

  @Override
  public void close() {
    if (ownsHttp) {
      http.close();
    }
  }
}
