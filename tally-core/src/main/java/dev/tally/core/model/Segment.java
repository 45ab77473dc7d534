package dev.tally.core.model;

/**
 * A segment: a name and a query in the contact search language (its JSON, as given), over users or
 * leads ({@code personType}: "user" or "contact", Intercom's words). Membership is the query,
 * evaluated when asked, so a segment is never staler than search and relative times move with the
 * clock.
 */
public record Segment(
    long id,
    long workspaceId,
    String name,
    String personType,
    String queryJson,
    long createdAt,
    long updatedAt) {

  public static final String USERS = "user";
  public static final String LEADS = "contact";

  /** The role ({@link Contact.Role}) of the contacts a segment of this person type holds. */
  public String role() {
    return personType.equals(LEADS) ? Contact.Role.LEAD : Contact.Role.USER;
  }
}
