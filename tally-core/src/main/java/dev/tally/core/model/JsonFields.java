package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.List;

/**
 * The checks every request body starts with: that it is a JSON object, and that it names only the
 * fields its kind has (a misspelt field is a 400 naming it, never silently ignored).
 */
public final class JsonFields {
  private JsonFields() {}

  /** Refuses a body that is not a JSON object; {@code expected} says what it should hold. */
  public static void requireObject(JsonNode body, String expected) {
    if (body == null || !body.isObject()) {
      throw invalid("body", "the request body must be a JSON object with " + expected);
    }
  }

  /**
   * Refuses the first field of {@code node} not in {@code fields} (listed in the message in that
   * order), named {@code path.field} ({@code field} when {@code path} is empty); {@code what} names
   * the kind of object ("an event").
   */
  public static void onlyKnown(JsonNode node, String path, List<String> fields, String what) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!fields.contains(key)) {
        throw invalid(
            path.isEmpty() ? key : path + "." + key,
            "unknown field "
                + quote(key)
                + " in "
                + what
                + "; expected "
                + String.join(", ", fields));
      }
    }
  }
}
