package dev.tally.core.model;

import java.util.List;

/**
 * A typed custom attribute of contacts in one workspace (Intercom's data_attribute, model
 * "contact").
 */
public record DataAttribute(
    long id,
    long workspaceId,
    String name,
    FieldType type,
    String description,
    List<String> options,
    boolean messengerWritable,
    boolean archived,
    long createdAt,
    long updatedAt) {

  public DataAttribute {
    options = List.copyOf(options);
  }
}
