package dev.tally.server.http;

import dev.tally.core.TallyException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * An opaque page cursor: where the previous page ended (its last id, and for sorted searches its
 * last sort key and whether that contact had no value) and that page's number.
 */
record Cursor(long afterId, int page, long sortKey, boolean missing) {

  Cursor(long afterId, int page) {
    this(afterId, page, 0, false);
  }

  String encode() {
    String s = afterId + ":" + page + ":" + sortKey + ":" + (missing ? 1 : 0);
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  static Cursor decode(String field, String raw) {
    if (raw == null || raw.isEmpty()) {
      return new Cursor(0, 0);
    }
    try {
      String[] parts =
          new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8).split(":");
      long id = Long.parseLong(parts[0]);
      int page = Integer.parseInt(parts[1]);
      long key = parts.length > 2 ? Long.parseLong(parts[2]) : 0;
      boolean missing = parts.length > 3 && parts[3].equals("1");
      // Out of range is refused, not wrapped: the next page starts after id + 1 and is numbered
      // page + 1, and either would overflow (a page of id Long.MAX_VALUE restarted at page one).
      boolean flag = parts.length <= 3 || parts[3].equals("0") || parts[3].equals("1");
      if (id >= 0
          && id < Long.MAX_VALUE
          && page >= 0
          && page < Integer.MAX_VALUE - 1
          && parts.length <= 4
          && flag) {
        return new Cursor(id, page, key, missing);
      }
    } catch (RuntimeException ignored) {
      // fall through to the error
    }
    throw TallyException.invalid(
        field,
        field
            + " "
            + TallyException.quote(raw)
            + " is not a cursor Tally gave out; use pages.next.starting_after from the previous page");
  }

  /** Reads per_page: an integer from 1 to max, {@code dflt} when absent. */
  static int perPage(String field, String raw, int dflt, int max) {
    if (raw == null || raw.isEmpty()) {
      return dflt;
    }
    try {
      int n = Integer.parseInt(raw.trim());
      if (n >= 1 && n <= max) {
        return n;
      }
    } catch (NumberFormatException ignored) {
      // fall through to the error
    }
    throw TallyException.invalid(
        field,
        field + " must be an integer from 1 to " + max + ", got " + TallyException.quote(raw));
  }

  /**
   * Reads page: an integer from 1 (1 when absent) whose first item is no deeper than {@code
   * maxOffset}; past it, the 400 points to {@code deeper}, the way to go further.
   */
  static int pageNumber(String raw, int perPage, int maxOffset, String deeper) {
    if (raw == null || raw.isEmpty()) {
      return 1;
    }
    int page;
    try {
      page = Integer.parseInt(raw.trim());
    } catch (NumberFormatException e) {
      page = 0;
    }
    if (page < 1) {
      throw TallyException.invalid(
          "page", "page must be an integer from 1, got " + TallyException.quote(raw));
    }
    if ((long) (page - 1) * perPage > maxOffset) {
      throw TallyException.invalid(
          "page",
          "page "
              + page
              + " starts past the first "
              + maxOffset
              + " items; page numbers reach no further (use "
              + deeper
              + " to go through everything)");
    }
    return page;
  }
}
