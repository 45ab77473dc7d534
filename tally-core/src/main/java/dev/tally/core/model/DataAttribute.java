package dev.tally.core.model;

import java.util.List;

/**
 * A typed custom attribute of one model (contacts or companies) in one workspace: Intercom's
 * data_attribute with {@code custom: true}. Names are unique per (workspace, model): a contact
 * attribute and a company attribute may share a name, since each is typed against its own model's
 * definitions. The built-in attributes ({@code custom: false}) are not stored: see {@link
 * BuiltInAttributes}.
 */
public record DataAttribute(
    long id,
    long workspaceId,
    String model,
    String name,
    FieldType type,
    String description,
    List<String> options,
    boolean messengerWritable,
    boolean archived,
    long createdAt,
    long updatedAt) {

  /** Attributes of contacts (users and leads): Intercom's "people data". */
  public static final String MODEL_CONTACT = "contact";

  /** Attributes of companies. */
  public static final String MODEL_COMPANY = "company";

  /** The models a custom attribute may belong to, in the order GET /data_attributes lists them. */
  public static final List<String> MODELS = List.of(MODEL_CONTACT, MODEL_COMPANY);

  public DataAttribute {
    requireModel(model);
    options = List.copyOf(options);
  }

  /** The model, checked: one of {@link #MODELS} (a programming error otherwise). */
  public static String requireModel(String model) {
    if (!MODELS.contains(model)) {
      throw new IllegalArgumentException(
          "a data attribute's model is contact or company, got " + model);
    }
    return model;
  }

  /** How Intercom's messages name the model's data: "people" for contacts, "company". */
  public static String dataWord(String model) {
    return MODEL_CONTACT.equals(model) ? "people" : "company";
  }
}
