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
 * The stored form of a contact document: {@code {"v":1,"f":{standard fields},"c":{custom}}}. The
 * format version lets a later Tally read documents an earlier one wrote.
 */
public final class ContactCodec {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final int FORMAT = 1;

  private ContactCodec() {}

  public static String encode(Contact c) {
    ObjectNode root = JSON.createObjectNode();
    root.put("v", FORMAT);
    ObjectNode f = root.putObject("f");
    c.fields().forEach((k, v) -> f.set(k.jsonName(), JSON.valueToTree(v)));
    ObjectNode cu = root.putObject("c");
    c.custom().forEach((k, v) -> cu.set(k, JSON.valueToTree(v)));
    return root.toString();
  }

  public static Contact decode(long id, long workspaceId, long version, String doc) {
    JsonNode root;
    try {
      root = JSON.readTree(doc);
    } catch (IOException e) {
      throw new UncheckedIOException("contact " + id + ": stored document is not JSON", e);
    }
    int format = root.path("v").asInt(-1);
    if (format != FORMAT) {
      throw new IllegalStateException(
          "contact "
              + id
              + ": stored document has format "
              + format
              + ", this Tally reads "
              + FORMAT);
    }
    Map<ContactField, Object> fields = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("f").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      ContactField f = ContactField.byName(e.getKey());
      if (f != null && !e.getValue().isNull()) {
        fields.put(f, f.type().toJava(e.getValue()));
      }
    }
    Map<String, Object> custom = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = root.path("c").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      custom.put(e.getKey(), javaValue(e.getValue()));
    }
    return new Contact(id, workspaceId, version, fields, custom);
  }

  /** A stored JSON value as the Java value documents hold (String, Long, Double, Boolean). */
  public static Object javaValue(JsonNode v) {
    if (v.isTextual()) {
      return v.textValue();
    }
    if (v.isBoolean()) {
      return v.booleanValue();
    }
    if (v.isIntegralNumber()) {
      return v.longValue();
    }
    return v.doubleValue();
  }
}
