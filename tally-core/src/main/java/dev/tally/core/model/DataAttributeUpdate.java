package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * A validated PUT /data_attributes/{id} body: what to change (null: unchanged). Name and type never
 * change (Intercom's rule); options apply to string attributes only, checked against the stored
 * type by the store.
 */
public record DataAttributeUpdate(
    String description, JsonNode options, Boolean messengerWritable, Boolean archived) {
  private static final Set<String> FIELDS =
      Set.of("description", "options", "messenger_writable", "archived");

  public static DataAttributeUpdate parse(JsonNode body) {
    if (body == null || !body.isObject()) {
      throw invalid(
          "body",
          "the request body must be a JSON object with description, options, messenger_writable or archived");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!FIELDS.contains(key)) {
        throw invalid(
            key,
            "unknown field "
                + quote(key)
                + " in a data attribute update; expected description, options, messenger_writable, archived"
                + (key.equals("name") || key.equals("data_type")
                    ? " (a data attribute's name and type never change)"
                    : ""));
      }
    }
    JsonNode options = body.get("options");
    if (options != null && !options.isNull()) {
      DataAttributeInput.options(options, FieldType.STRING); // the shape, checked now
    }
    return new DataAttributeUpdate(
        DataAttributeInput.description(body.get("description")),
        options == null || options.isNull() ? null : options,
        DataAttributeInput.bool(body.get("messenger_writable"), "messenger_writable"),
        DataAttributeInput.bool(body.get("archived"), "archived"));
  }

  /** The options for an attribute of this type, or null to keep its own. */
  public List<String> optionsFor(FieldType type) {
    return DataAttributeInput.options(options, type);
  }
}
