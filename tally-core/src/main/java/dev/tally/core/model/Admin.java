package dev.tally.core.model;

/**
 * A teammate of one workspace (Intercom's admin): whom a token may act for and who may own
 * contacts. Its id is allocated below 2^53 ({@link #MAX_ID}), because Intercom's API writes it as a
 * JSON number (a contact's {@code owner_id}), which JavaScript reads as a double.
 */
public record Admin(
    long id, long workspaceId, String name, String email, long version, long createdAt) {

  /** The largest id a teammate may have: 2^53 - 1, the largest integer a double holds exactly. */
  public static final long MAX_ID = (1L << 53) - 1;
}
