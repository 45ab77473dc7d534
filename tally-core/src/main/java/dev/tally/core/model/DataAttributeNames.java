package dev.tally.core.model;

import dev.tally.core.TallyException;

/** What a custom attribute may be called: dots would make query paths ambiguous. */
public final class DataAttributeNames {
  public static final int MAX_LENGTH = 190;

  private DataAttributeNames() {}

  public static void check(String field, String name) {
    if (name.isEmpty() || name.length() > MAX_LENGTH) {
      throw TallyException.invalid(
          field,
          "a custom attribute name must be 1 to "
              + MAX_LENGTH
              + " characters long, got "
              + name.length());
    }
    for (int i = 0; i < name.length(); i++) {
      char c = name.charAt(i);
      if (c == '.' || c == '$' || Character.isISOControl(c)) {
        throw TallyException.invalid(
            field,
            "a custom attribute name must not contain '.', '$' or control characters, got "
                + TallyException.quote(name));
      }
    }
  }
}
