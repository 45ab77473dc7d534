package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * A validated PUT /data_attributes/{id} body: what to change (null: unchanged). Name and type never
 * change (Intercom's rule); options apply to string attributes only, checked against the stored
 * type by the store.
 */
public record DataAttributeUpdate(
    String description, JsonNode options, Boolean messengerWritable, Boolean archived) {
  private static final List<String> FIELDS =
      List.of("description", "options", "messenger_writable", "archived");

  public static DataAttributeUpdate parse(JsonNode body) {
    JsonFields.requireObject(body, "description, options, messenger_writable or archived");
    for (String fixed : List.of("name", "data_type")) {
      if (body.has(fixed)) {
        throw invalid(fixed, "a data attribute's " + fixed + " never changes (Intercom's rule)");
      }
    }
    JsonFields.onlyKnown(body, "", FIELDS, "a data attribute update");
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
