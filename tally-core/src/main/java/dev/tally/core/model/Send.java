package dev.tally.core.model;

import java.util.Set;

/**
 * One step of one contact's pass through a campaign for one occurrence: the send queue's row,
 * unique by (campaign, step, contact, occurrence). Times are epoch milliseconds. Holds no personal
 * data: what is sent is rendered from the store's document at delivery.
 */
public record Send(
    long id,
    long workspaceId,
    long campaignId,
    int step,
    long contactId,
    long occurrence,
    String state,
    String reason,
    long dueAt,
    long expiresAt,
    int attempts,
    Integer lastStatus,
    long createdAt,
    long updatedAt,
    Long sentAt) {

  public static final String QUEUED = "queued";
  public static final String HELD = "held";
  public static final String SENT = "sent";
  public static final String SKIPPED = "skipped";
  public static final String EXPIRED = "expired";
  public static final String FAILED = "failed";

  public static final Set<String> STATES = Set.of(QUEUED, HELD, SENT, SKIPPED, EXPIRED, FAILED);

  /** States a send leaves no more. */
  public static final Set<String> FINAL = Set.of(SENT, SKIPPED, EXPIRED, FAILED);

  public boolean isFinal() {
    return FINAL.contains(state);
  }

  /**
   * The sends due by a moment (queued or held, due at or before it) across every workspace, and
   * when the oldest of them was due (0 when none is): what the sender has not caught up with.
   */
  public record Backlog(long due, long oldestDueAt) {}

  /**
   * How many sends wait (queued or held, due or not) in one state with one reason (null: none): the
   * queue's depth, by why.
   */
  public record Waiting(String state, String reason, long count) {}

  /** A send to queue (its key and when it is due and expires). */
  public record New(
      long workspaceId,
      long campaignId,
      int step,
      long contactId,
      long occurrence,
      long dueAt,
      long expiresAt) {}

  /**
   * What a sender records about a claimed send: its new state, the reason (null for none), the
   * receiver's status (null for none), when it is due again (for {@link #QUEUED} and {@link
   * #HELD}), whether a delivery was attempted, and the next step's send to queue in the same
   * transaction (null for none).
   */
  public record Outcome(
      String state, String reason, Integer status, Long dueAt, boolean attempted, New next) {

    public static Outcome sent(int status, New next) {
      return new Outcome(SENT, null, status, null, true, next);
    }

    public static Outcome skipped(String reason, New next) {
      return new Outcome(SKIPPED, reason, null, null, false, next);
    }

    /** Due again at {@code dueAt} after a delivery that can be retried (5xx, 429, a timeout). */
    public static Outcome retry(long dueAt, String reason, Integer status) {
      return new Outcome(QUEUED, reason, status, dueAt, true, null);
    }

    /**
     * Not checked or not delivered for a reason of Tally's (the store away, paused, quiet hours).
     */
    public static Outcome held(long dueAt, String reason) {
      return new Outcome(HELD, reason, null, dueAt, false, null);
    }

    public static Outcome expired(String reason) {
      return new Outcome(EXPIRED, reason, null, null, false, null);
    }

    public static Outcome failed(int status, String reason) {
      return new Outcome(FAILED, reason, status, null, true, null);
    }
  }
}
