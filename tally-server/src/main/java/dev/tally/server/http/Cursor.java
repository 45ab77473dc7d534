package dev.tally.server.http;

import dev.tally.core.TallyException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/** An opaque page cursor: the last id of the page before, and that page's number. */
record Cursor(long afterId, int page) {

  String encode() {
    return Base64.getUrlEncoder().withoutPadding().encodeToString((afterId + ":" + page).getBytes(StandardCharsets.UTF_8));
  }

  static Cursor decode(String field, String raw) {
    if (raw == null || raw.isEmpty()) {
      return new Cursor(0, 0);
    }
    try {
      String s = new String(Base64.getUrlDecoder().decode(raw), StandardCharsets.UTF_8);
      int colon = s.indexOf(':');
      long id = Long.parseLong(s.substring(0, colon));
      int page = Integer.parseInt(s.substring(colon + 1));
      if (id >= 0 && page >= 0) {
        return new Cursor(id, page);
      }
    } catch (RuntimeException ignored) {
      // fall through to the error
    }
    throw TallyException.invalid(field, field + " " + TallyException.quote(raw)
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
    throw TallyException.invalid(field, field + " must be an integer from 1 to " + max + ", got " + TallyException.quote(raw));
  }
}
