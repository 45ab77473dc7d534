package dev.tally.core.store;

import dev.tally.core.model.Admin;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;

/** The operations of one write transaction. Each throws a TallyException for a client mistake. */
public interface WriteTx {

  Workspace createWorkspace(String name);

  /** Deletes a workspace and everything in it. */
  void deleteWorkspace(long workspaceId);

  TokenInfo addToken(long workspaceId, String tokenHash, String prefix);

  /**
   * Adds a token that acts for the teammate {@code adminId} of the workspace (0: for none); a 400
   * naming admin_id when the workspace has no such teammate.
   */
  TokenInfo addToken(long workspaceId, String tokenHash, String prefix, long adminId);

  void revokeToken(long workspaceId, long tokenId);

  void addAdminToken(String tokenHash);

  /**
   * Adds a teammate; its email is unique in the workspace ignoring case (409 naming the holder).
   */
  Admin createAdmin(long workspaceId, String name, String email);

  /**
   * Deletes a teammate. Refused with a 409 that names what still refers to it while it owns
   * contacts or a token acts for it, so no reference is ever left dangling; 404 when the workspace
   * has no such teammate.
   */
  Admin deleteAdmin(long workspaceId, long adminId);

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

  DataAttribute createDataAttribute(long workspaceId, DataAttributeInput input);

  /**
   * Removes oplog entries recorded before {@code beforeEpochSeconds}, never the newest one, and
   * raises the oplog's floor to the highest position removed; returns how many were removed.
   */
  int pruneOplog(long beforeEpochSeconds);
}
