package dev.tally.core.model;

import dev.tally.core.TallyException;

/**
 * What a custom attribute may be called. Two rules, checked at different times:
 *
 * <ul>
 *   <li>{@link #check}, on every name a write or query sends: 1 to {@value #MAX_LENGTH} characters,
 *       no '.' (it would make query paths ambiguous), no '$', no control characters (Intercom's
 *       rule for custom attribute keys).
 *   <li>{@link #checkNew}, when a name is defined (POST /data_attributes, or a first value in
 *       {@code custom_attributes}): also Intercom's rule for data attribute names, "alphanumeric
 *       characters, currency symbols, and hyphens" plus the spaces and underscores Intercom's own
 *       examples use ("Mithril Shirt", "paid_subscriber"); and not a built-in attribute of the same
 *       model ({@link BuiltInAttributes#reserves}). Names defined before these rules keep working:
 *       only a name being born is checked.
 * </ul>
 */
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

  /**
   * The rules for a name being defined as a custom attribute of {@code model}: {@link #check}, then
   * Intercom's characters, then no built-in's name. {@code field} is where the request named it.
   */
  public static void checkNew(String field, String model, String name) {
    check(field, name);
    int bad = -1;
    for (int i = 0; i < name.length(); ) {
      int cp = name.codePointAt(i);
      if (!allowed(cp)) {
        bad = cp;
        break;
      }
      i += Character.charCount(cp);
    }
    if (bad >= 0) {
      throw TallyException.invalid(
          field,
          "Your name for this attribute must only contain alphanumeric characters, currency "
              + "symbols, and hyphens (and spaces and underscores), got "
              + TallyException.quote(name)
              + " with "
              + TallyException.quote(new String(Character.toChars(bad))));
    }
    if (name.isBlank()) {
      throw TallyException.invalid(
          field, "a custom attribute name must have a letter, digit or symbol, not only spaces");
    }
    if (BuiltInAttributes.reserves(model, name)) {
      String data = DataAttribute.dataWord(model);
      throw TallyException.invalid(
          field,
          TallyException.quote(name)
              + " is one of our standard attributes for your "
              + data
              + " data. To save this as new "
              + data
              + " data, use a different name (GET /data_attributes?model="
              + model
              + " lists them)");
    }
  }

  /**
   * Letters and digits of any script, currency symbols but '$' (see {@link #check}), - _ and space.
   */
  private static boolean allowed(int cp) {
    return Character.isLetterOrDigit(cp)
        || cp == '-'
        || cp == '_'
        || cp == ' '
        || (cp != '$' && Character.getType(cp) == Character.CURRENCY_SYMBOL);
  }
}
