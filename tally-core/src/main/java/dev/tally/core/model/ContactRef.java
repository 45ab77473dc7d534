package dev.tally.core.model;

/** How a request names a contact: Tally's id, the external id (Intercom's user_id) or the email. */
public record ContactRef(Kind kind, String value, long id) {

  public enum Kind {
    ID,
    EXTERNAL_ID,
    EMAIL
  }

  public static ContactRef byId(long id) {
    return new ContactRef(Kind.ID, Long.toString(id), id);
  }

  public static ContactRef byExternalId(String externalId) {
    return new ContactRef(Kind.EXTERNAL_ID, externalId, 0);
  }

  public static ContactRef byEmail(String email) {
    return new ContactRef(Kind.EMAIL, email, 0);
  }

  /** The 404 for a contact this names that is not in the workspace. */
  public dev.tally.core.TallyException notFound() {
    return new dev.tally.core.TallyException(
        dev.tally.core.TallyException.Kind.NOT_FOUND, "not_found", null, describe() + " not found");
  }

  public String describe() {
    return switch (kind) {
      case ID -> "contact with id " + dev.tally.core.TallyException.quote(value);
      case EXTERNAL_ID -> "user with user_id " + dev.tally.core.TallyException.quote(value);
      case EMAIL -> "user with email " + dev.tally.core.TallyException.quote(value);
    };
  }
}
