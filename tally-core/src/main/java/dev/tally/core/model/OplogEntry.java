package dev.tally.core.model;

/**
 * One change, in commit order. Carries ids, the version and the operation, never personal data, so
 * the oplog can be kept and shipped after a contact's data is erased.
 */
public record OplogEntry(
    long position,
    long workspaceId,
    String entity,
    long entityId,
    long version,
    String op,
    long at) {

  public static final String CONTACT = "contact";
  public static final String EVENT = "event";
  public static final String DATA_ATTRIBUTE = "data_attribute";
  public static final String WORKSPACE = "workspace";
  public static final String SEGMENT = "segment";
  public static final String TAG = "tag";
  public static final String ADMIN = "admin";
  public static final String NOTE = "note";
  public static final String COMPANY = "company";
  public static final String CAMPAIGN = "campaign";
  public static final String SEND = "send";
  public static final String SUBSCRIPTION_TYPE = "subscription_type";

  public static final String CREATE = "create";
  public static final String UPDATE = "update";
  public static final String DELETE = "delete";

  /**
   * A contact left search and lists; its data and identities stay (POST /contacts/{id}/archive).
   */
  public static final String ARCHIVE = "archive";

  /** An archived contact came back to search and lists. */
  public static final String UNARCHIVE = "unarchive";

  /**
   * A lead was merged into a user and is gone (a delete); the user's entry of the same transaction
   * is an {@link #UPDATE}.
   */
  public static final String MERGE = "merge";
}
