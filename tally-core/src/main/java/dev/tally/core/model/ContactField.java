package dev.tally.core.model;

import java.util.HashMap;
import java.util.Map;

/**
 * The standard fields of a contact, declared once: their JSON name (Intercom's), type, and who may
 * write them. Validation, storage, the JSON shape and the query language all read this table.
 */
public enum ContactField {
  ROLE("role", FieldType.STRING, Access.WRITABLE),
  EXTERNAL_ID("external_id", FieldType.STRING, Access.WRITABLE),
  EMAIL("email", FieldType.STRING, Access.WRITABLE),
  PHONE("phone", FieldType.STRING, Access.WRITABLE),
  NAME("name", FieldType.STRING, Access.WRITABLE),
  AVATAR("avatar", FieldType.STRING, Access.WRITABLE),
  OWNER_ID("owner_id", FieldType.INTEGER, Access.WRITABLE),
  SIGNED_UP_AT("signed_up_at", FieldType.DATE, Access.WRITABLE),
  LAST_SEEN_AT("last_seen_at", FieldType.DATE, Access.WRITABLE),
  UNSUBSCRIBED_FROM_EMAILS("unsubscribed_from_emails", FieldType.BOOLEAN, Access.WRITABLE),
  // Set by Intercom's Messenger there; writable here (a Tally extension) since imports need them.
  LAST_REPLIED_AT("last_replied_at", FieldType.DATE, Access.EXTENSION),
  LAST_CONTACTED_AT("last_contacted_at", FieldType.DATE, Access.EXTENSION),
  LANGUAGE_OVERRIDE("language_override", FieldType.STRING, Access.EXTENSION),
  BROWSER("browser", FieldType.STRING, Access.EXTENSION),
  BROWSER_LANGUAGE("browser_language", FieldType.STRING, Access.EXTENSION),
  OS("os", FieldType.STRING, Access.EXTENSION),
  LOCATION_COUNTRY("location.country", FieldType.STRING, Access.EXTENSION),
  LOCATION_REGION("location.region", FieldType.STRING, Access.EXTENSION),
  LOCATION_CITY("location.city", FieldType.STRING, Access.EXTENSION),
  // Kept by Tally itself.
  EMAIL_DOMAIN("email_domain", FieldType.STRING, Access.SYSTEM),
  CREATED_AT("created_at", FieldType.DATE, Access.SYSTEM),
  UPDATED_AT("updated_at", FieldType.DATE, Access.SYSTEM);

  /** Who may write a field. */
  public enum Access {
    /** Intercom's create and update requests accept it. */
    WRITABLE,
    /** Intercom sets it itself; Tally lets clients write it. */
    EXTENSION,
    /** Only Tally sets it. */
    SYSTEM
  }

  private static final Map<String, ContactField> BY_NAME = new HashMap<>();

  static {
    for (ContactField f : values()) {
      BY_NAME.put(f.jsonName, f);
    }
  }

  private final String jsonName;
  private final FieldType type;
  private final Access access;

  ContactField(String jsonName, FieldType type, Access access) {
    this.jsonName = jsonName;
    this.type = type;
    this.access = access;
  }

  public String jsonName() {
    return jsonName;
  }

  public FieldType type() {
    return type;
  }

  public boolean clientWritable() {
    return access != Access.SYSTEM;
  }

  /** The field with this JSON name ("location.city" for nested ones), or null. */
  public static ContactField byName(String name) {
    return BY_NAME.get(name);
  }
}
