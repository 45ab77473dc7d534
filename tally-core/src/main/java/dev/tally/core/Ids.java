package dev.tally.core;

/**
 * Every id in Tally is a 64-bit number, written in JSON as a decimal string so that JavaScript
 * clients keep every digit (2^53 is far below the ids the test suite uses).
 */
public final class Ids {
  private Ids() {}

  public static String format(long id) {
    return Long.toString(id);
  }

  /**
   * Parses an id from a URL path: anything that is not one of our ids cannot name a record (404).
   */
  public static long parsePath(String what, String raw) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw TallyException.notFound(what, raw);
  }

  /**
   * Parses an id given in a request field: a positive 64-bit integer as a string or a JSON number.
   */
  public static long parseField(String field, String raw) {
    try {
      long id = Long.parseLong(raw);
      if (id > 0) {
        return id;
      }
    } catch (NumberFormatException ignored) {
      // fall through
    }
    throw TallyException.invalid(
        field,
        field
            + " must be an id (a positive 64-bit integer, as a string), got "
            + TallyException.quote(raw));
  }
}
