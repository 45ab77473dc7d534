package dev.tally.core.model;

import java.util.List;

/**
 * A subscription type of one workspace (Intercom's): what a contact may opt in to ({@link #OPT_IN})
 * or out of ({@link #OPT_OUT}). A contact's explicit choice is a row: on an opt-in type it means
 * opted in, on an opt-out type opted out; without one the type's default holds (not subscribed to
 * an opt-in type, subscribed to an opt-out one).
 *
 * @param locale the locale of its one translation (Tally keeps one: {@code default_translation})
 * @param contentTypes what messages it covers: {@link #EMAIL}, {@link #SMS_MESSAGE}
 */
public record SubscriptionType(
    long id,
    long workspaceId,
    String name,
    String description,
    String locale,
    String consentType,
    List<String> contentTypes,
    String state,
    long version,
    long createdAt,
    long updatedAt) {

  public static final String OPT_IN = "opt_in";
  public static final String OPT_OUT = "opt_out";
  public static final List<String> CONSENT_TYPES = List.of(OPT_IN, OPT_OUT);

  public static final String LIVE = "live";
  public static final String DRAFT = "draft";
  public static final String ARCHIVED = "archived";
  public static final List<String> STATES = List.of(LIVE, DRAFT, ARCHIVED);

  public static final String EMAIL = "email";
  public static final String SMS_MESSAGE = "sms_message";
  public static final List<String> CONTENT_TYPES = List.of(EMAIL, SMS_MESSAGE);

  public SubscriptionType {
    contentTypes = List.copyOf(contentTypes);
  }

  /** What a new subscription type is made of (checked by the API before it reaches the store). */
  public record New(
      String name,
      String description,
      String locale,
      String consentType,
      List<String> contentTypes,
      String state) {
    public New {
      contentTypes = List.copyOf(contentTypes);
    }
  }
}
