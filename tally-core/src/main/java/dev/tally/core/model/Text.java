package dev.tally.core.model;

import dev.tally.core.TallyException;

/**
 * What a string Tally stores may hold: no C0 control characters (NUL and the like were accepted in
 * identities and names, where nobody can see or type them), except tab, newline and carriage return
 * in free text such as a name.
 */
public final class Text {
  private Text() {}

  /**
   * Refuses {@code s} at {@code field} when it is longer than {@code max} characters or holds a
   * control character other than tab and line breaks.
   */
  public static String bounded(String field, String s, int max) {
    if (s.length() > max) {
      throw TallyException.invalid(
          field, field + " is " + s.length() + " characters long; at most " + max + " are allowed");
    }
    return checked(field, s, true);
  }

  /**
   * Refuses {@code s} at {@code field} when it holds a control character; {@code freeText} allows
   * tab and line breaks.
   */
  public static String checked(String field, String s, boolean freeText) {
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      boolean allowed = freeText && (c == '\t' || c == '\n' || c == '\r');
      if ((c < 0x20 || c == 0x7f) && !allowed) {
        throw TallyException.invalid(
            field,
            field
                + " holds the control character U+"
                + String.format("%04X", (int) c)
                + " at position "
                + i
                + "; "
                + (freeText
                    ? "only tab and line breaks are allowed in text"
                    : "an identifier holds printable characters only"));
      }
    }
    return s;
  }
}
