package dev.tally.core.model;

import dev.tally.core.TallyException;
import java.util.Locale;

/**
 * A tag of one workspace (Intercom's tag). Its name is unique in the workspace ignoring case, as
 * Intercom's are ("Names are case insensitive"): {@link #key} is what uniqueness compares. Contacts
 * refer to a tag by id only, so renaming a tag changes no contact.
 */
public record Tag(long id, long workspaceId, String name, long version, long createdAt) {

  /** The longest tag name, in characters. */
  public static final int MAX_NAME_LENGTH = 255;

  /** The name as uniqueness compares it: lower-cased by the root locale. */
  public static String key(String name) {
    return name.toLowerCase(Locale.ROOT);
  }

  /**
   * Checks a tag name given in request field {@code field}: 1 to {@link #MAX_NAME_LENGTH}
   * characters, not blank, no control characters. Returns it unchanged.
   */
  public static String checkName(String field, String name) {
    if (name == null || name.isBlank()) {
      throw TallyException.invalid(field, field + " must be a non-blank string naming the tag");
    }
    int length = name.codePointCount(0, name.length());
    if (length > MAX_NAME_LENGTH) {
      throw TallyException.invalid(
          field,
          field + " is " + length + " characters long; a tag name is at most " + MAX_NAME_LENGTH);
    }
    if (name.codePoints().anyMatch(Character::isISOControl)) {
      throw TallyException.invalid(
          field, field + " must not contain control characters, got " + TallyException.quote(name));
    }
    return name;
  }

  /** A tag as applied to a contact: when (Unix seconds). */
  public record Applied(Tag tag, long appliedAt) {}
}
