package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns the JSON body of Intercom's create-contact and update-contact requests into a {@link
 * ContactPatch}, or refuses it with a 400 that names the field and says what was expected. Fields
 * of Intercom's contact object that only Intercom sets (id, created_at, tags, ...) are accepted and
 * ignored, so a client can send back an object it read; anything else unknown is an error.
 */
public final class ContactPatchParser {

  /**
   * Longest string a standard field or custom attribute may hold (Intercom's limit for attributes).
   */
  public static final int MAX_STRING = 255;

  public static final int MAX_URL = 2048;
  public static final int MAX_CUSTOM_ATTRIBUTES = 250;

  /** One @ between a local part and a domain of non-empty dot-separated labels, no spaces. */
  private static final Pattern EMAIL = Pattern.compile("[^@\\s]+@[^@\\s.]+(\\.[^@\\s.]+)*");

  private static final Set<String> READ_ONLY =
      Set.of(
          "type",
          "id",
          "workspace_id",
          "email_domain",
          "created_at",
          "updated_at",
          "formatted_phone",
          "social_profiles",
          "has_hard_bounced",
          "marked_email_as_spam",
          "last_email_opened_at",
          "last_email_clicked_at",
          "browser_version",
          "android_app_name",
          "android_app_version",
          "android_device",
          "android_os_version",
          "android_sdk_version",
          "android_last_seen_at",
          "ios_app_name",
          "ios_app_version",
          "ios_device",
          "ios_os_version",
          "ios_sdk_version",
          "ios_last_seen_at",
          "tags",
          "notes",
          "companies",
          "opted_out_subscription_types",
          "opted_in_subscription_types",
          "utm_campaign",
          "utm_content",
          "utm_medium",
          "utm_source",
          "utm_term",
          "referrer",
          "enabled_push_messaging");
  private static final Set<String> LOCATION_READ_ONLY =
      Set.of("type", "country_code", "continent_code");

  /** Whether the patch creates a contact (one of email, external_id or role is then required). */
  public enum Mode {
    CREATE,
    UPDATE
  }

  private ContactPatchParser() {}

  /** Whether {@code s} looks like an email address: one @, a domain of dotted labels, no spaces. */
  public static boolean isEmail(String s) {
    return EMAIL.matcher(s).matches();
  }

  public static ContactPatch parse(JsonNode body, Mode mode) {
    if (body == null || !body.isObject()) {
      throw invalid("body", "the request body must be a JSON object with the contact's fields");
    }
    Map<ContactField, Object> fields = new LinkedHashMap<>();
    Map<String, JsonNode> custom = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = e.getKey();
      JsonNode value = e.getValue();
      if (name.equals("custom_attributes")) {
        parseCustom(value, custom);
      } else if (name.equals("location")) {
        parseLocation(value, fields);
      } else if (READ_ONLY.contains(name)) {
        continue;
      } else {
        ContactField f = ContactField.byName(name);
        if (f == null || !f.clientWritable() || name.contains(".")) {
          throw invalid(
              name,
              "unknown field "
                  + quote(name)
                  + " in a contact; writable fields are role, external_id, email, "
                  + "phone, name, avatar, owner_id, signed_up_at, last_seen_at, unsubscribed_from_emails, custom_attributes, "
                  + "and Tally's last_replied_at, last_contacted_at, language_override, browser, browser_language, os, location");
        }
        fields.put(f, parseField(f, name, value));
      }
    }
    if (mode == Mode.CREATE
        && !fields.containsKey(ContactField.EMAIL)
        && !fields.containsKey(ContactField.EXTERNAL_ID)
        && !fields.containsKey(ContactField.ROLE)) {
      throw TallyException.missing(
          "email", "a new contact needs at least one of email, external_id or role");
    }
    return new ContactPatch(fields, custom);
  }

  private static Object parseField(ContactField f, String name, JsonNode value) {
    if (value.isNull()) {
      if (f == ContactField.ROLE || f == ContactField.UNSUBSCRIBED_FROM_EMAILS) {
        throw invalid(name, name + " cannot be null; expected " + expected(f));
      }
      return null;
    }
    return switch (f) {
      case ROLE -> {
        if (!value.isTextual() || !Contact.Role.valid(value.textValue())) {
          throw invalid(name, "role must be \"user\" or \"lead\", got " + shown(value));
        }
        yield value.textValue();
      }
      case EMAIL -> {
        String s = Text.checked(name, string(name, value, MAX_STRING), false);
        if (s.isEmpty()) {
          // The contact object writes "" for no email (a string in the spec), so a client that
          // sends back what it read means none.
          yield null;
        }
        if (!EMAIL.matcher(s).matches()) {
          throw invalid(
              name, "email must be an email address like name@example.com, got " + quote(s));
        }
        yield s;
      }
      case EXTERNAL_ID -> {
        String s = Text.checked(name, string(name, value, MAX_STRING), false);
        if (s.isEmpty()) {
          throw invalid(name, "external_id must not be empty; send null to remove it");
        }
        yield s;
      }
      case AVATAR -> string(name, value, MAX_URL);
      case OWNER_ID -> ownerId(name, value);
      default ->
          switch (f.type()) {
            case STRING -> Text.checked(name, string(name, value, MAX_STRING), true);
            case DATE, INTEGER, FLOAT, BOOLEAN -> {
              if (!f.type().accepts(value)) {
                throw invalid(name, name + " must be " + expected(f) + ", got " + shown(value));
              }
              yield f.type().toJava(value);
            }
          };
    };
  }

  private static Long ownerId(String name, JsonNode value) {
    if (value.isIntegralNumber() && value.canConvertToLong() && value.longValue() > 0) {
      return value.longValue();
    }
    if (value.isTextual()) {
      try {
        long id = Long.parseLong(value.textValue());
        if (id > 0) {
          return id;
        }
      } catch (NumberFormatException ignored) {
        // fall through to the error
      }
    }
    throw invalid(
        name,
        "owner_id must be an admin id (a positive 64-bit integer, as a number or a string), got "
            + shown(value));
  }

  private static void parseLocation(JsonNode value, Map<ContactField, Object> fields) {
    if (value.isNull()) {
      fields.put(ContactField.LOCATION_COUNTRY, null);
      fields.put(ContactField.LOCATION_REGION, null);
      fields.put(ContactField.LOCATION_CITY, null);
      return;
    }
    if (!value.isObject()) {
      throw invalid(
          "location",
          "location must be an object with country, region and city, got " + shown(value));
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String name = "location." + e.getKey();
      if (LOCATION_READ_ONLY.contains(e.getKey())) {
        continue;
      }
      ContactField f = ContactField.byName(name);
      if (f == null) {
        throw invalid(
            name, "unknown field " + quote(name) + "; location has country, region and city");
      }
      fields.put(
          f,
          e.getValue().isNull()
              ? null
              : Text.checked(name, string(name, e.getValue(), MAX_STRING), true));
    }
  }

  /**
   * Checks a request's custom_attributes object (null: none) into {@code custom}, values still
   * JSON.
   */
  public static void parseCustom(JsonNode value, Map<String, JsonNode> custom) {
    if (value.isNull()) {
      return;
    }
    if (!value.isObject()) {
      throw invalid(
          "custom_attributes",
          "custom_attributes must be an object of attribute names to values, got " + shown(value));
    }
    if (value.size() > MAX_CUSTOM_ATTRIBUTES) {
      throw invalid(
          "custom_attributes",
          "custom_attributes has "
              + value.size()
              + " attributes; at most "
              + MAX_CUSTOM_ATTRIBUTES
              + " may be sent at once");
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = value.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String key = e.getKey();
      String path = "custom_attributes." + key;
      DataAttributeNames.check(path, key);
      JsonNode v = e.getValue();
      if (v.isTextual()) {
        Text.bounded(path, v.textValue(), MAX_STRING);
      }
      if (!(v.isNull()
          || v.isTextual()
          || v.isBoolean()
          || (v.isNumber() && FieldType.FLOAT.accepts(v)))) {
        throw invalid(path, path + " must be a string, number, boolean or null, got " + shown(v));
      }
      if (v.isIntegralNumber() && !v.canConvertToLong()) {
        throw invalid(path, path + " is outside the 64-bit integer range: " + v.asText());
      }
      custom.put(key, v);
    }
  }

  private static String string(String name, JsonNode value, int max) {
    if (!value.isTextual()) {
      throw invalid(name, name + " must be a string, got " + shown(value));
    }
    String s = value.textValue();
    if (s.length() > max) {
      throw invalid(
          name, name + " is " + s.length() + " characters long; at most " + max + " are allowed");
    }
    return s;
  }

  private static String expected(ContactField f) {
    return switch (f.type()) {
      case DATE -> FieldType.TIMESTAMP_WORDS;
      case BOOLEAN -> "true or false";
      case INTEGER -> "an integer";
      case FLOAT -> "a number";
      case STRING -> "a string";
    };
  }

  /** How a rejected value is shown in a message: its JSON type and a short rendering. */
  public static String shown(JsonNode value) {
    return FieldType.describe(value)
        + " "
        + quote(value.isTextual() ? value.textValue() : value.toString());
  }
}
