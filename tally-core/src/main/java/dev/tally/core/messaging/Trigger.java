package dev.tally.core.messaging;

/**
 * What makes a contact enter a campaign, and so what one occurrence is (docs/messaging.md): an
 * event's id, the oplog position of a segment entry, or 0 for a broadcast.
 */
public sealed interface Trigger {

  /** Each new, non-duplicate event of this name is an occurrence. */
  record Event(String eventName) implements Trigger {}

  /**
   * Each time a contact enters the segment is an occurrence; the final check requires the contact
   * to be in the segment still.
   */
  record SegmentEntry(long segmentId) implements Trigger {}

  /** One occurrence for every contact matching when the campaign starts. */
  record Broadcast() implements Trigger {}

  /**
   * An admin's one message ({@code POST /messages}): its one send is queued when it is created, to
   * one contact with occurrence 0; there is nothing to fan out. Read from the store only: {@code
   * POST /campaigns} refuses it.
   */
  record Message() implements Trigger {}
}
