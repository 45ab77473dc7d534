package dev.tally.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * A contact document as the store keeps it: its identity (id, workspace, version), its standard
 * fields keyed by {@link ContactField} and its custom attributes (String, Long, Double or Boolean
 * values). Absent and null are the same: a field without a value is not in the map. Immutable.
 */
public record Contact(
    long id,
    long workspaceId,
    long version,
    Map<ContactField, Object> fields,
    Map<String, Object> custom) {

  public Contact {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
  }

  public Object get(ContactField f) {
    return fields.get(f);
  }

  public String string(ContactField f) {
    return (String) fields.get(f);
  }

  public Long number(ContactField f) {
    Object v = fields.get(f);
    return v == null ? null : (Long) v;
  }

  public String role() {
    String role = string(ContactField.ROLE);
    return role == null ? Role.USER : role;
  }

  public boolean isUser() {
    return Role.USER.equals(role());
  }

  /** Contact roles, as Intercom names them. */
  public static final class Role {
    public static final String USER = "user";
    public static final String LEAD = "lead";

    private Role() {}

    public static boolean valid(String role) {
      return USER.equals(role) || LEAD.equals(role);
    }
  }
}
