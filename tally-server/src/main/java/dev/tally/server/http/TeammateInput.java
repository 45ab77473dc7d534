package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.Text;

/**
 * A new teammate's name and email, checked the same way from the admin API and the CLI working on a
 * stopped Tally: each a non-empty string of at most 255 characters without control characters, the
 * email shaped like one.
 */
public record TeammateInput(String name, String email) {
  static final int MAX = ContactPatchParser.MAX_STRING;

  public TeammateInput {
    name = checked("name", name);
    email = checked("email", email);
    if (!ContactPatchParser.isEmail(email)) {
      throw TallyException.invalid(
          "email",
          "email must be an email address like name@example.com, got "
              + TallyException.quote(email));
    }
  }

  /** From the admin API's body {@code {"name": …, "email": …}}. */
  static TeammateInput parse(JsonNode body) {
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body",
          "the request body must be a JSON object like {\"name\": \"Ann\", \"email\": \"ann@example.com\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("name") && !f.equals("email")) {
                throw TallyException.invalid(
                    f,
                    "unknown field "
                        + TallyException.quote(f)
                        + "; a teammate has only a name and an email");
              }
            });
    return new TeammateInput(text(body, "name"), text(body, "email"));
  }

  private static String text(JsonNode body, String field) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw TallyException.missing(field, field + " is required: the teammate's " + field);
    }
    if (!v.isTextual()) {
      throw TallyException.invalid(
          field, field + " must be a string, got " + v.getNodeType().name().toLowerCase());
    }
    return v.textValue();
  }

  private static String checked(String field, String value) {
    if (value == null) {
      throw TallyException.missing(field, field + " is required: the teammate's " + field);
    }
    if (value.isBlank() || value.length() > MAX) {
      throw TallyException.invalid(
          field, field + " must be a non-empty string of at most " + MAX + " characters");
    }
    return Text.checked(field, value, false);
  }
}
