package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * The generations behind the alias, for whoever manages rebuilds: which one serves, making the
 * next, moving the alias, dropping old ones. A thin public face of {@link Generations}.
 */
public final class OpenSearchGenerations implements AutoCloseable {
  private final OpenSearchOptions options;
  private final OpenSearchHttp http;
  private final Generations generations;

  public OpenSearchGenerations(OpenSearchOptions options) {
    this.options = options;
    this.http = new OpenSearchHttp(options);
    this.generations = new Generations(http, options);
  }

  /** The generation the alias points to (generation 1, with the alias, is made when there is none). */
  public String serving() {
    List<String> names = generations.serving();
    if (names.isEmpty()) {
      generations.ensureServing();
      names = generations.serving();
    }
    return names.get(0);
  }

  /** A new empty generation, without replicas and refreshes while it is loaded. */
  public String createNext() {
    return generations.createNext();
  }

  /** Deletes {@code name} (never the serving one) and makes it anew, empty, ready to be loaded. */
  public void recreate(String name) {
    generations.drop(name);
    http.expectOk("PUT", "/" + name, Mapping.createIndex(options, true));
  }

  /** Serving settings on {@code name}, then the alias moved onto it alone in one request. */
  public void promote(String name) {
    generations.promote(name);
  }

  public void drop(String name) {
    generations.drop(name);
  }

  public boolean exists(String name) {
    return http.send("HEAD", "/" + name, (JsonNode) null).status() == 200;
  }

  /** Every generation numbered below the serving one. */
  public List<String> older() {
    String serving = serving();
    int current = number(serving);
    OpenSearchHttp.Response r = http.send("GET", "/" + options.alias() + "-*/_settings/index.provided_name", (JsonNode) null);
    if (!r.ok()) {
      throw http.failure("GET", "/" + options.alias() + "-*", r);
    }
    List<String> out = new ArrayList<>();
    for (Iterator<String> it = r.body().fieldNames(); it.hasNext(); ) {
      String name = it.next();
      if (number(name) > 0 && number(name) < current) {
        out.add(name);
      }
    }
    return out;
  }

  /** The layout this code writes. */
  public static String layout() {
    return Mapping.LAYOUT;
  }

  /** The layout {@code name} was created with (from its mapping's _meta), or null when it does not exist. */
  public String layoutOf(String name) {
    OpenSearchHttp.Response r = http.send("GET", "/" + name + "/_mapping", (JsonNode) null);
    if (r.status() == 404) {
      return null;
    }
    if (!r.ok()) {
      throw http.failure("GET", "/" + name + "/_mapping", r);
    }
    return r.body().path(name).path("mappings").path("_meta").path("tally_layout").asText("opensearch-1");
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
    http.close();
  }
}
