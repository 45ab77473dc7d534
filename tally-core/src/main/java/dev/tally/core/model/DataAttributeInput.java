package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.missing;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;

/**
 * A validated create-data-attribute request (Intercom's POST /data_attributes): the name follows
 * {@link DataAttributeNames#checkNew} for its model.
 */
public record DataAttributeInput(
    String model,
    String name,
    FieldType type,
    String description,
    List<String> options,
    boolean messengerWritable) {

  /** The most options a list attribute may offer (each at most 255 characters). */
  public static final int MAX_OPTIONS = 500;

  public static DataAttributeInput parse(JsonNode body) {
    JsonFields.requireObject(body, "name, model and data_type");
    JsonFields.onlyKnown(
        body,
        "",
        List.of("name", "model", "data_type", "description", "options", "messenger_writable"),
        "a data attribute");
    JsonNode name = body.get("name");
    if (name == null || name.isNull()) {
      throw missing("name", "name is required: the custom attribute's name");
    }
    if (!name.isTextual()) {
      throw invalid("name", "name must be a string, got " + ContactPatchParser.shown(name));
    }
    JsonNode model = body.get("model");
    if (model == null || model.isNull()) {
      throw missing("model", "model is required: \"contact\" or \"company\"");
    }
    if (!model.isTextual() || !DataAttribute.MODELS.contains(model.textValue())) {
      throw invalid(
          "model",
          "The Data Attribute model field must be either contact or company, got "
              + ContactPatchParser.shown(model));
    }
    DataAttributeNames.checkNew("name", model.textValue(), name.textValue());
    JsonNode dataType = body.get("data_type");
    if (dataType == null || dataType.isNull()) {
      throw missing(
          "data_type", "data_type is required: one of string, integer, float, boolean, date");
    }
    FieldType type = dataType.isTextual() ? FieldType.fromApiName(dataType.textValue()) : null;
    if (type == null) {
      throw invalid(
          "data_type",
          "data_type must be one of string, integer, float, boolean, date (or datetime), got "
              + ContactPatchParser.shown(dataType));
    }
    String description = description(body.get("description"));
    List<String> options = options(body.get("options"), type);
    Boolean m = bool(body.get("messenger_writable"), "messenger_writable");
    boolean messengerWritable = m != null && m;
    return new DataAttributeInput(
        model.textValue(),
        name.textValue(),
        type,
        description,
        options == null ? List.of() : options,
        messengerWritable);
  }

  /** A description: null when absent, else a string of at most 255 characters. */
  static String description(JsonNode d) {
    if (d == null || d.isNull()) {
      return null;
    }
    if (!d.isTextual() || d.textValue().length() > ContactPatchParser.MAX_STRING) {
      throw invalid(
          "description",
          "description must be a string of at most "
              + ContactPatchParser.MAX_STRING
              + " characters, got "
              + ContactPatchParser.shown(d));
    }
    return Text.checked("description", d.textValue(), true);
  }

  /**
   * A list attribute's options, as strings or {@code {"value": string}}: null when absent; only for
   * string attributes; at most {@link #MAX_OPTIONS}, each 255 characters.
   */
  static List<String> options(JsonNode o, FieldType type) {
    if (o == null || o.isNull()) {
      return null;
    }
    if (!o.isArray()) {
      throw invalid(
          "options",
          "options must be an array of strings or of {\"value\": string}, got "
              + ContactPatchParser.shown(o));
    }
    if (type != FieldType.STRING) {
      throw invalid("options", "options are only allowed when data_type is string");
    }
    if (o.size() > MAX_OPTIONS) {
      throw invalid(
          "options",
          "options has " + o.size() + " values; at most " + MAX_OPTIONS + " are allowed");
    }
    List<String> options = new ArrayList<>();
    for (int i = 0; i < o.size(); i++) {
      JsonNode item = o.get(i);
      JsonNode v = item.isObject() ? item.get("value") : item;
      if (v == null || !v.isTextual()) {
        throw invalid(
            "options[" + i + "]",
            "options["
                + i
                + "] must be a string or {\"value\": string}, got "
                + ContactPatchParser.shown(item));
      }
      options.add(Text.bounded("options[" + i + "]", v.textValue(), ContactPatchParser.MAX_STRING));
    }
    return options;
  }

  /** A boolean field: null when absent. */
  static Boolean bool(JsonNode m, String field) {
    if (m == null || m.isNull()) {
      return null;
    }
    if (!m.isBoolean()) {
      throw invalid(field, field + " must be true or false, got " + ContactPatchParser.shown(m));
    }
    return m.booleanValue();
  }
}
