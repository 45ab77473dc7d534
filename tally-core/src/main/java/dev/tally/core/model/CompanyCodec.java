package dev.tally.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * How a company's standard fields (other than its name) and custom attributes are stored: one JSON
 * object {@code {"v":1,"f":{…},"c":{…}}}, as a contact's document is.
 */
public final class CompanyCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private CompanyCodec() {}

  public static String encode(Map<String, Object> fields, Map<String, Object> custom) {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", FORMAT);
    ObjectNode f = root.putObject("f");
    fields.forEach((k, v) -> f.set(k, JSON.valueToTree(v)));
    ObjectNode c = root.putObject("c");
    custom.forEach((k, v) -> c.set(k, JSON.valueToTree(v)));
    return root.toString();
  }

  /** A stored document: the standard fields by JSON name, and the custom attributes. */
  public record Stored(Map<String, Object> fields, Map<String, Object> custom) {}

  public static Stored decode(long id, String doc) {
    JsonNode root;
    try {
      root = JSON.readTree(doc);
    } catch (IOException e) {
      throw new UncheckedIOException("company " + id + ": stored document is not JSON", e);
    }
    if (root.path("v").asInt(-1) != FORMAT) {
      throw new IllegalStateException(
          "company " + id + ": stored document has format " + root.path("v") + ", expected 1");
    }
    return new Stored(values(root.path("f")), values(root.path("c")));
  }

  private static Map<String, Object> values(JsonNode node) {
    Map<String, Object> m = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = node.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (!e.getValue().isNull()) {
        m.put(e.getKey(), ContactCodec.javaValue(e.getValue()));
      }
    }
    return m;
  }
}
