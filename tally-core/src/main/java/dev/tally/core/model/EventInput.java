package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.missing;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.Ids;
import java.util.Iterator;
import java.util.Map;

/** A validated POST /events request: which contact, what happened, when, and its metadata. */
public record EventInput(ContactRef contact, String name, long createdAt, String metadataJson) {

  public static final int MAX_METADATA_KEYS = 10;
  private static final java.util.List<String> FIELDS =
      java.util.List.of("event_name", "created_at", "user_id", "id", "email", "metadata", "type");

  public static EventInput parse(JsonNode body) {
    JsonFields.requireObject(body, "event_name, created_at and one of user_id, id or email");
    JsonFields.onlyKnown(body, "", FIELDS, "an event");
    String name = eventName(body.get("event_name"), "event_name");
    JsonNode created = body.get("created_at");
    if (created == null || created.isNull()) {
      throw missing(
          "created_at", "created_at is required: when the event happened, in Unix seconds");
    }
    if (!FieldType.DATE.accepts(created)) {
      throw invalid(
          "created_at",
          "created_at must be "
              + FieldType.TIMESTAMP_WORDS
              + ", got "
              + ContactPatchParser.shown(created));
    }
    return new EventInput(
        contactRef(body), name, created.longValue(), metadata(body.get("metadata")));
  }

  /** An event's name at {@code path}: required, 1 to 255 characters, no control characters. */
  public static String eventName(JsonNode name, String path) {
    if (name == null || name.isNull()) {
      throw missing(path, path + " is required, e.g. \"placed-order\"");
    }
    if (!name.isTextual()
        || name.textValue().isBlank()
        || name.textValue().length() > ContactPatchParser.MAX_STRING) {
      throw invalid(
          path,
          path
              + " must be a non-empty string of at most "
              + ContactPatchParser.MAX_STRING
              + " characters, got "
              + ContactPatchParser.shown(name));
    }
    Text.checked(path, name.textValue(), false);
    return name.textValue();
  }

  /** The contact a body names with one of id, user_id or email (in that order of precedence). */
  static ContactRef contactRef(JsonNode body) {
    JsonNode id = body.get("id");
    JsonNode userId = body.get("user_id");
    JsonNode email = body.get("email");
    if (id != null && !id.isNull()) {
      if (!id.isTextual() && !id.isIntegralNumber()) {
        throw invalid(
            "id", "id must be a contact id (a string), got " + ContactPatchParser.shown(id));
      }
      return ContactRef.byId(Ids.parseField("id", id.asText()));
    }
    if (userId != null && !userId.isNull()) {
      if (!userId.isTextual()) {
        throw invalid(
            "user_id",
            "user_id must be a string (the contact's external_id), got "
                + ContactPatchParser.shown(userId));
      }
      return ContactRef.byExternalId(userId.textValue());
    }
    if (email != null && !email.isNull()) {
      if (!email.isTextual()) {
        throw invalid("email", "email must be a string, got " + ContactPatchParser.shown(email));
      }
      return ContactRef.byEmail(email.textValue());
    }
    throw missing("user_id", "an event needs one of user_id, id or email to name its contact");
  }

  private static String metadata(JsonNode m) {
    if (m == null || m.isNull()) {
      return "{}";
    }
    if (!m.isObject()) {
      throw invalid("metadata", "metadata must be an object, got " + ContactPatchParser.shown(m));
    }
    // Intercom keeps the first 10 keys and ignores the rest (its spec: "extra keys are ignored"),
    // so a client that sends more is not refused; the ignored ones are not checked either.
    com.fasterxml.jackson.databind.node.ObjectNode kept =
        com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.objectNode();
    for (Iterator<Map.Entry<String, JsonNode>> it = m.fields();
        it.hasNext() && kept.size() < MAX_METADATA_KEYS; ) {
      Map.Entry<String, JsonNode> e = it.next();
      kept.set(e.getKey(), e.getValue());
      JsonNode v = e.getValue();
      boolean scalar = v.isTextual() || v.isNumber() || v.isBoolean() || v.isNull();
      boolean richObject = v.isObject() && v.size() <= 2 && allScalar(v);
      if (!scalar && !richObject) {
        throw invalid(
            "metadata." + e.getKey(),
            "metadata."
                + e.getKey()
                + " must be a string, number, boolean, "
                + "a link {\"url\", \"value\"} or an amount {\"amount\", \"currency\"}, got "
                + ContactPatchParser.shown(v));
      }
      String path = "metadata." + e.getKey();
      if (v.isObject()) {
        v.fields()
            .forEachRemaining(
                f -> value(path + "." + f.getKey(), f.getValue(), f.getKey().equals("url")));
      } else {
        value(path, v, false);
      }
    }
    return kept.toString();
  }

  /**
   * The rules every stored value follows (as a custom attribute's): a number is finite (1e400 was
   * kept as "Infinity"), a string is at most 255 characters (2,048 for a link's url) without
   * control characters other than tab and line breaks.
   */
  private static void value(String path, JsonNode v, boolean url) {
    if (v.isNumber() && !FieldType.FLOAT.accepts(v)) {
      throw invalid(path, path + " must be a finite number, got " + ContactPatchParser.shown(v));
    }
    if (v.isTextual()) {
      Text.bounded(
          path, v.textValue(), url ? ContactPatchParser.MAX_URL : ContactPatchParser.MAX_STRING);
    }
  }

  private static boolean allScalar(JsonNode object) {
    for (JsonNode v : object) {
      if (v.isContainerNode()) {
        return false;
      }
    }
    return true;
  }
}
