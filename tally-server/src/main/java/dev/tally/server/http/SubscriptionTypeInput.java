package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.SubscriptionType;
import dev.tally.core.model.Text;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * A new subscription type from the admin API's body: {@code name} and {@code consent_type}
 * required; {@code description} (default empty), {@code locale} (default {@code en}), {@code
 * content_types} (default {@code ["email"]}) and {@code state} (default {@code live}) optional.
 * Intercom has no API to create them (its UI does), so this is Tally's own.
 */
final class SubscriptionTypeInput {
  private static final Set<String> FIELDS =
      Set.of("name", "description", "locale", "consent_type", "content_types", "state");
  private static final int MAX = ContactPatchParser.MAX_STRING;

  private SubscriptionTypeInput() {}

  static SubscriptionType.New parse(JsonNode body) {
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body",
          "the request body must be a JSON object like {\"name\": \"Newsletters\","
              + " \"consent_type\": \"opt_in\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                throw TallyException.invalid(
                    f,
                    "unknown field "
                        + TallyException.quote(f)
                        + "; a subscription type has "
                        + String.join(", ", FIELDS.stream().sorted().toList()));
              }
            });
    String name = text(body, "name", null, false);
    if (name.isBlank()) {
      throw TallyException.invalid("name", "name must not be blank");
    }
    return new SubscriptionType.New(
        name,
        text(body, "description", "", true),
        text(body, "locale", "en", false),
        oneOf(body, "consent_type", null, SubscriptionType.CONSENT_TYPES),
        contentTypes(body.get("content_types")),
        oneOf(body, "state", SubscriptionType.LIVE, SubscriptionType.STATES));
  }

  /**
   * A string field of at most 255 characters, no control characters (but tab and line breaks in
   * {@code freeText}); absent: {@code fallback}.
   */
  private static String text(JsonNode body, String field, String fallback, boolean freeText) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      if (fallback == null) {
        throw TallyException.missing(field, field + " is required");
      }
      return fallback;
    }
    if (!v.isTextual()) {
      throw TallyException.invalid(
          field, field + " must be a string, got " + v.getNodeType().name().toLowerCase());
    }
    return Text.checked(field, Text.bounded(field, v.textValue(), MAX), freeText);
  }

  private static String oneOf(JsonNode body, String field, String fallback, List<String> allowed) {
    String v = text(body, field, fallback, false);
    if (!allowed.contains(v)) {
      throw TallyException.invalid(
          field,
          field
              + " must be one of "
              + String.join(", ", allowed)
              + ", got "
              + TallyException.quote(v));
    }
    return v;
  }

  private static List<String> contentTypes(JsonNode v) {
    if (v == null || v.isNull()) {
      return List.of(SubscriptionType.EMAIL);
    }
    if (!v.isArray() || v.isEmpty()) {
      throw TallyException.invalid(
          "content_types",
          "content_types must be a non-empty list of "
              + String.join(", ", SubscriptionType.CONTENT_TYPES)
              + ", like [\"email\"]");
    }
    List<String> out = new ArrayList<>();
    for (int i = 0; i < v.size(); i++) {
      JsonNode t = v.get(i);
      String field = "content_types[" + i + "]";
      if (!t.isTextual() || !SubscriptionType.CONTENT_TYPES.contains(t.textValue())) {
        throw TallyException.invalid(
            field,
            field
                + " must be one of "
                + String.join(", ", SubscriptionType.CONTENT_TYPES)
                + ", got "
                + TallyException.quote(t));
      }
      if (!out.contains(t.textValue())) {
        out.add(t.textValue());
      }
    }
    return out;
  }
}
