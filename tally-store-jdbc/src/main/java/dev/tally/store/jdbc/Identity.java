package dev.tally.store.jdbc;

import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A unique identity of a user in a workspace: its kind ({@link #EXTERNAL_ID} or {@link #EMAIL},
 * lower-cased) and value. Leads hold none.
 */
public record Identity(String kind, String value) {
  public static final String EXTERNAL_ID = "external_id";
  public static final String EMAIL = "email";

  /** The identities that change from {@code before} (null for a new contact) to {@code after}. */
  record Change(List<Identity> releases, List<Identity> claims) {}

  static Change between(Contact before, Contact after) {
    List<Identity> releases = new ArrayList<>(2);
    List<Identity> claims = new ArrayList<>(2);
    for (ContactField f : new ContactField[] {ContactField.EXTERNAL_ID, ContactField.EMAIL}) {
      String kind = f == ContactField.EMAIL ? EMAIL : EXTERNAL_ID;
      String value = after.isUser() ? value(after, f) : null;
      String old = before == null || !before.isUser() ? null : value(before, f);
      if (value != null && value.equals(old)) {
        continue;
      }
      if (old != null) {
        releases.add(new Identity(kind, old));
      }
      if (value != null) {
        claims.add(new Identity(kind, value));
      }
    }
    return new Change(releases, claims);
  }

  static String value(Contact c, ContactField f) {
    String v = c.string(f);
    if (v == null) {
      return null;
    }
    return f == ContactField.EMAIL ? v.toLowerCase(Locale.ROOT) : v;
  }
}
