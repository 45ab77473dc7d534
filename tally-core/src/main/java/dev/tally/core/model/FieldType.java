package dev.tally.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/**
 * The types a contact field or custom attribute can have. Dates are Unix seconds (64-bit). The same
 * type rules serve writes (is this value allowed?) and, later, the query language.
 */
public enum FieldType {
  STRING("string"),
  INTEGER("integer"),
  FLOAT("float"),
  BOOLEAN("boolean"),
  DATE("date");

  private final String apiName;

  FieldType(String apiName) {
    this.apiName = apiName;
  }

  public String apiName() {
    return apiName;
  }

  /** Parses Intercom's data_type; "datetime" is accepted as Tally's date (Unix seconds). */
  public static FieldType fromApiName(String name) {
    if (name == null) {
      return null;
    }
    return switch (name.toLowerCase(Locale.ROOT)) {
      case "string" -> STRING;
      case "integer" -> INTEGER;
      case "float" -> FLOAT;
      case "boolean" -> BOOLEAN;
      case "date", "datetime" -> DATE;
      default -> null;
    };
  }

  /**
   * The type a first value defines an attribute as (Intercom's rule: integers named *_at are
   * dates).
   */
  public static FieldType inferFrom(String attributeName, JsonNode value) {
    if (value.isTextual()) {
      return STRING;
    }
    if (value.isBoolean()) {
      return BOOLEAN;
    }
    if (value.isIntegralNumber()) {
      return attributeName.endsWith("_at") ? DATE : INTEGER;
    }
    if (value.isNumber()) {
      return FLOAT;
    }
    return null;
  }

  /** The name of the JSON value's own type, for error messages. */
  public static String describe(JsonNode value) {
    if (value.isTextual()) {
      return "string";
    }
    if (value.isBoolean()) {
      return "boolean";
    }
    if (value.isIntegralNumber()) {
      return "integer";
    }
    if (value.isNumber()) {
      return "float";
    }
    if (value.isObject()) {
      return "object";
    }
    if (value.isArray()) {
      return "array";
    }
    return value.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /**
   * The latest timestamp Tally accepts, 9999-12-31T23:59:59Z: every date Tally stores can be
   * rendered as an ISO date (a later one was a 500 on every read of it) and compared.
   */
  public static final long MAX_TIMESTAMP = 253_402_300_799L;

  /** How a date is described in errors. */
  public static final String TIMESTAMP_WORDS =
      "a Unix timestamp in seconds from 0 to " + MAX_TIMESTAMP + " (9999-12-31T23:59:59Z)";

  /** Whether a JSON value may be stored in a field of this type (null is handled by the caller). */
  public boolean accepts(JsonNode value) {
    return switch (this) {
      case STRING -> value.isTextual();
      case BOOLEAN -> value.isBoolean();
      case INTEGER -> value.isIntegralNumber() && value.canConvertToLong();
      case DATE ->
          value.isIntegralNumber()
              && value.canConvertToLong()
              && value.asLong() >= 0
              && value.asLong() <= MAX_TIMESTAMP;
      case FLOAT -> value.isNumber() && Double.isFinite(value.asDouble());
    };
  }

  /** The Java value stored for an accepted JSON value: String, Long, Double or Boolean. */
  public Object toJava(JsonNode value) {
    return switch (this) {
      case STRING -> value.textValue();
      case BOOLEAN -> value.booleanValue();
      case INTEGER, DATE -> value.longValue();
      case FLOAT ->
          value.doubleValue() + 0.0; // -0.0 becomes 0.0: "= 0" must find it, and one zero is stored
    };
  }
}
