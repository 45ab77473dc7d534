package dev.tally.bench.search;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import dev.tally.core.query.ReferenceEvaluator;
import java.nio.charset.StandardCharsets;

/**
 * Tally's OpenSearch document layout, restated for the peers (Tally's mapper is package-private,
 * as Lucene's is for {@link RawLuceneLoad}): ws (keyword), live, id, v, has; k_/r_ keywords
 * (folded, reversed), n_ longs, d_ doubles, b_ booleans, each path encoded without dots. The
 * rebuild bench checks that documents written from this layout equal Tally's, source for source.
 */
final class OpenSearchLayout {
  private OpenSearchLayout() {}

  static String field(String prefix, String path) {
    StringBuilder sb = new StringBuilder(prefix);
    for (byte b : path.getBytes(StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-') {
        sb.append(c);
      } else {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16))).append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  static ObjectNode source(ContactDocument cd) {
    Contact c = cd.contact();
    ObjectNode d = RawOpenSearch.JSON.createObjectNode();
    d.put("ws", Long.toString(c.workspaceId()));
    d.put("live", true);
    d.put("id", c.id());
    d.put("v", c.version());
    ArrayNode has = d.putArray("has");
    for (var e : c.fields().entrySet()) {
      add(d, has, e.getKey().jsonName(), e.getValue());
    }
    for (var e : c.custom().entrySet()) {
      add(d, has, "custom_attributes." + e.getKey(), e.getValue());
    }
    for (EventSummary s : cd.events().values()) {
      String base = "events." + s.name() + ".";
      add(d, has, base + "count", s.count());
      add(d, has, base + "first", s.first());
      add(d, has, base + "last", s.last());
    }
    return d;
  }

  private static void add(ObjectNode d, ArrayNode has, String path, Object value) {
    if (value == null) {
      return;
    }
    has.add(path);
    switch (value) {
      case String s -> {
        String folded = ReferenceEvaluator.fold(s);
        d.put(field("k_", path), folded);
        d.put(field("r_", path), new StringBuilder(folded).reverse().toString());
      }
      case Long l -> d.put(field("n_", path), l);
      case Double v -> d.put(field("d_", path), v);
      case Boolean b -> d.put(field("b_", path), b);
      default -> throw new IllegalArgumentException("cannot index " + path + " = " + value);
    }
  }
}
