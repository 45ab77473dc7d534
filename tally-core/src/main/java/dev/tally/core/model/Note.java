package dev.tally.core.model;

/**
 * A note a teammate wrote about a contact (Intercom's note): its body, when, and its author (null
 * when written as the workspace's app, or when the teammate was deleted since).
 */
public record Note(
    long id, long workspaceId, long contactId, Long adminId, String body, long createdAt) {

  /** The longest body a note may have, in characters. */
  public static final int MAX_BODY = 65_535;

  /** How many of a contact's notes, and the newest ones' ids (for the contact object's list). */
  public record Summary(long count, java.util.List<Long> newestIds) {
    public static final Summary NONE = new Summary(0, java.util.List.of());
  }
}
