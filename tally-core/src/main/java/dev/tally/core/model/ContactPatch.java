package dev.tally.core.model;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * A validated change to a contact: standard fields to set (a null value clears one) and custom
 * attributes to set (a JSON null clears one). Produced by {@link ContactPatchParser}; applied by
 * {@link #applyTo}. Custom attribute values are still JSON here because their type is checked
 * against the workspace's data attributes inside the write transaction.
 */
public record ContactPatch(Map<ContactField, Object> fields, Map<String, JsonNode> custom) {

  public ContactPatch {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
  }

  public boolean sets(ContactField f) {
    return fields.containsKey(f);
  }

  /**
   * The new field and custom maps after this patch, with typed custom values already resolved by
   * the caller ({@code typedCustom}: attribute → Java value, or null to clear).
   */
  public Contact applyTo(Contact base, long newVersion, long now, Map<String, Object> typedCustom) {
    Map<ContactField, Object> f = new LinkedHashMap<>(base.fields());
    fields.forEach(
        (k, v) -> {
          if (v == null) {
            f.remove(k);
          } else {
            f.put(k, v);
          }
        });
    String email = (String) f.get(ContactField.EMAIL);
    if (email == null) {
      f.remove(ContactField.EMAIL_DOMAIN);
    } else {
      f.put(
          ContactField.EMAIL_DOMAIN,
          email.substring(email.lastIndexOf('@') + 1).toLowerCase(Locale.ROOT));
    }
    f.putIfAbsent(ContactField.ROLE, Contact.Role.USER);
    f.putIfAbsent(ContactField.UNSUBSCRIBED_FROM_EMAILS, Boolean.FALSE);
    f.putIfAbsent(ContactField.CREATED_AT, now);
    f.put(ContactField.UPDATED_AT, now);
    Map<String, Object> c = new LinkedHashMap<>(base.custom());
    typedCustom.forEach(
        (k, v) -> {
          if (v == null) {
            c.remove(k);
          } else {
            c.put(k, v);
          }
        });
    return new Contact(base.id(), base.workspaceId(), newVersion, f, c);
  }
}
