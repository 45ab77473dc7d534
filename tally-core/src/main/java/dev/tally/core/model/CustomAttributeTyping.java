package dev.tally.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Checks custom attribute values against the workspace's data attributes of one model (a contact's
 * against contact attributes, a company's against company attributes). An attribute used before it
 * is defined is defined from its first value, if its name may be born ({@link
 * DataAttributeNames#checkNew}); a later value of another type is refused, naming the attribute and
 * both types. Runs inside the write transaction, so two writers cannot define one attribute with
 * two types.
 */
public final class CustomAttributeTyping {

  /**
   * The store's view of the workspace's attribute definitions of one model, inside the current
   * transaction.
   */
  public interface Definitions {
    /** The model these definitions type: {@link DataAttribute#MODEL_CONTACT} or company. */
    String model();

    /** The declared type, or null when the attribute is not defined yet. */
    FieldType typeOf(String name);

    /**
     * Defines an attribute of {@link #model()} (its name already checked), counted against the
     * workspace's cap of that model.
     */
    void define(String name, FieldType type);
  }

  private CustomAttributeTyping() {}

  /** Attribute name → typed Java value (null clears the attribute). */
  public static Map<String, Object> resolve(Map<String, JsonNode> custom, Definitions defs) {
    Map<String, Object> typed = new LinkedHashMap<>();
    custom.forEach(
        (name, value) -> {
          if (value.isNull()) {
            typed.put(name, null);
            return;
          }
          FieldType declared = defs.typeOf(name);
          if (declared == null) {
            DataAttributeNames.checkNew("custom_attributes." + name, defs.model(), name);
            declared = FieldType.inferFrom(name, value);
            defs.define(name, declared);
          } else if (!declared.accepts(value)) {
            String path = "custom_attributes." + name;
            throw TallyException.invalid(
                path,
                path
                    + " has type "
                    + declared.apiName()
                    + ", but the value sent has type "
                    + FieldType.describe(value)
                    + ": "
                    + TallyException.quote(value.isTextual() ? value.textValue() : value.toString())
                    + (declared == FieldType.DATE
                        ? " (dates are " + FieldType.TIMESTAMP_WORDS + ")"
                        : ""));
          }
          typed.put(name, declared.toJava(value));
        });
    return typed;
  }
}
