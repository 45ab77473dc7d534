package dev.tally.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * Prints a {@link Query} back as the JSON it was parsed from, canonically: parse(print(q)) equals
 * q.
 */
public final class QueryPrinter {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;
  private static final ObjectMapper JSON = new ObjectMapper();

  private QueryPrinter() {}

  public static JsonNode print(Query q) {
    return switch (q) {
      case Query.Group g -> {
        ObjectNode o = F.objectNode();
        o.put("operator", g.logic().name());
        ArrayNode a = o.putArray("value");
        g.children().forEach(c -> a.add(print(c)));
        yield o;
      }
      case Query.Not n -> {
        // Only segment_id != / NIN make one, and the language has no NOT: this form is for
        // messages, and does not parse back.
        ObjectNode o = F.objectNode();
        o.put("operator", "NOT");
        o.putArray("value").add(print(n.child()));
        yield o;
      }
      case Query.Filter f -> {
        ObjectNode o = F.objectNode();
        o.put("field", f.field().path());
        o.put("operator", f.operator().symbol());
        if (f.isNull()) {
          o.putNull("value");
        } else if (f.operator().isList()) {
          ArrayNode a = o.putArray("value");
          f.values().forEach(v -> a.add(value(f.field(), v)));
        } else {
          o.set("value", value(f.field(), f.value()));
        }
        yield o;
      }
    };
  }

  private static JsonNode value(Field field, Object v) {
    if (field instanceof Field.Id || field instanceof Field.Members) {
      return F.textNode(Long.toString((Long) v));
    }
    if (v instanceof RelativeTime r) {
      return F.textNode(r.text());
    }
    return JSON.valueToTree(v);
  }
}
