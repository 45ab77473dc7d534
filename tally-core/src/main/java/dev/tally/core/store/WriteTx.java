package dev.tally.core.store;

import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.EventSummariesInput;
import dev.tally.core.model.Segment;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;

/** The operations of one write transaction. Each throws a TallyException for a client mistake. */
public interface WriteTx {

  Workspace createWorkspace(String name);

  /** Deletes a workspace and everything in it. */
  void deleteWorkspace(long workspaceId);

  TokenInfo addToken(long workspaceId, String tokenHash, String prefix);

  void revokeToken(long workspaceId, long tokenId);

  void addAdminToken(String tokenHash);

  Contact createContact(long workspaceId, ContactPatch patch);

  Contact updateContact(long workspaceId, long contactId, ContactPatch patch);

  /** A contact written by {@link #upsertContact}, and whether it was created. */
  record Upserted(Contact contact, boolean created) {}

  /** Updates the user with this external_id, or creates one with the patch. */
  Upserted upsertContact(long workspaceId, String externalId, ContactPatch patch);

  /**
   * Deletes the contact and all its personal data (document, identities, events); returns what was
   * deleted.
   */
  Contact deleteContact(long workspaceId, long contactId);

  /** Records an event; false when the same (contact, name, created_at) was recorded before. */
  boolean recordEvent(long workspaceId, EventInput event);

  /**
   * Sets the contact's summaries of these events (count, first, last), as if that history had been
   * recorded: each name is registered in the workspace, each summary replaces the one the contact
   * had (so a retried request changes nothing more), later events add to it. The contact is
   * re-projected.
   */
  void setEventSummaries(long workspaceId, EventSummariesInput input);

  DataAttribute createDataAttribute(long workspaceId, DataAttributeInput input);

  /** Creates a segment (its query already validated); refuses past {@code MAX_SEGMENTS}. */
  Segment createSegment(long workspaceId, String name, String personType, String queryJson);

  /** Changes what is given (null: unchanged); a 404 for a segment not in the workspace. */
  Segment updateSegment(
      long workspaceId, long segmentId, String name, String personType, String queryJson);

  /** Deletes a segment; a 404 for one not in the workspace. */
  Segment deleteSegment(long workspaceId, long segmentId);

  /**
   * Removes oplog entries recorded before {@code beforeEpochSeconds}, never the newest one, and
   * raises the oplog's floor to the highest position removed; returns how many were removed.
   */
  int pruneOplog(long beforeEpochSeconds);
}
