package dev.tally.core.store;

import dev.tally.core.model.Admin;
import dev.tally.core.model.Company;
import dev.tally.core.model.CompanyInput;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.CustomAttributeTyping;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.DataAttributeUpdate;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.EventSummariesInput;
import dev.tally.core.model.Segment;
import dev.tally.core.model.Tag;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.query.Field;

/** The operations of one write transaction. Each throws a TallyException for a client mistake. */
public interface WriteTx {

  Workspace createWorkspace(String name);

  /** Deletes a workspace and everything in it. */
  void deleteWorkspace(long workspaceId);

  /**
   * Sets the workspace's time zone (an IANA name the caller checked with {@link
   * Workspace#checkTimeZone}); raises its version with an oplog entry unless it had that zone. 404
   * for a workspace that does not exist.
   */
  Workspace setWorkspaceTimeZone(long workspaceId, String timeZone);

  TokenInfo addToken(long workspaceId, String tokenHash, String prefix);

  /**
   * Adds a token that acts for the teammate {@code adminId} of the workspace (0: for none); a 400
   * naming admin_id when the workspace has no such teammate.
   */
  TokenInfo addToken(long workspaceId, String tokenHash, String prefix, long adminId);

  void revokeToken(long workspaceId, long tokenId);

  void addAdminToken(String tokenHash);

  /**
   * The server's key named {@code name}: the stored one, else {@code candidate}, stored now. The
   * first writer wins, so every process that asks reads the same key (the unsubscribe links' HMAC
   * key, for one).
   */
  String serverKey(String name, String candidate);

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

  /**
   * Archives a contact: it leaves search, segments, lists and the workspace's contact count, keeps
   * all its data, and its identities stay reserved. Raises the contact's version with an {@code
   * archive} oplog entry, so the index drops it; archiving an archived contact changes nothing. 404
   * when the contact is not the workspace's.
   */
  Contact archiveContact(long workspaceId, long contactId);

  /**
   * Brings an archived contact back (version raised, {@code unarchive} oplog entry, re-projected);
   * unarchiving a live contact changes nothing. 404 when the contact is not the workspace's.
   */
  Contact unarchiveContact(long workspaceId, long contactId);

  /**
   * Merges the lead {@code fromId} into the user {@code intoId} of the same workspace, in this one
   * transaction: the user gains the lead's events (a duplicate of one it has is dropped), event
   * summaries, tags and notes; the lead's fields and custom attributes fill only the user's empty
   * ones (its email and external_id so become the user's identities where the user has none, with
   * no moment where neither holds them); the lead is deleted (oplog {@code merge}) and the user
   * updated (oplog {@code update}). 400 naming {@code from} or {@code into} when it is not a lead
   * or a user, or both are one contact; 404 naming it when it is not the workspace's; 409 when an
   * identity the user would gain is held by a third contact. Returns the merged user.
   */
  Contact mergeContacts(long workspaceId, long fromId, long intoId);

  /** Records an event; false when the same (contact, name, created_at) was recorded before. */
  boolean recordEvent(long workspaceId, EventInput event);

  /**
   * Sets the contact's summaries of these events (count, first, last), as if that history had been
   * recorded: each name is registered in the workspace, each summary replaces the one the contact
   * had (so a retried request changes nothing more), later events add to it. The contact is
   * re-projected.
   */
  void setEventSummaries(long workspaceId, EventSummariesInput input);

  /**
   * Defines a custom attribute of {@code input.model()}: a 400 naming {@code name} when the
   * workspace has one of that name and model (the other model's names are free), or {@code
   * custom_data_limit_reached} when it has {@link WorkspaceLimits#maxCustomAttributes()} of that
   * model.
   */
  DataAttribute createDataAttribute(long workspaceId, DataAttributeInput input);

  /**
   * The workspace's custom-attribute definitions of one model, to type a document's {@code
   * custom_attributes} inside this write: {@code CustomAttributeTyping.resolve(custom,
   * tx.definitions(ws, DataAttribute.MODEL_COMPANY))} for a company's, {@code MODEL_CONTACT} for a
   * contact's (what the contact writes here do). Each model is typed against its own definitions
   * only. A name the model does not have is defined by its first value (a data_attributes row of
   * that model and an oplog entry, in this transaction), if {@link
   * dev.tally.core.model.DataAttributeNames#checkNew} allows the name and the model is under its
   * cap ({@code custom_data_limit_reached} otherwise). Valid only inside this write.
   *
   * @param model {@link DataAttribute#MODEL_CONTACT} or {@link DataAttribute#MODEL_COMPANY}
   */
  CustomAttributeTyping.Definitions definitions(long workspaceId, String model);

  /**
   * Adds a note to a contact (404 naming the contact when it is not the workspace's), written by
   * the teammate {@code adminId} (null: the workspace's app; 404 naming {@code admin_id} when not
   * the workspace's teammate).
   */
  dev.tally.core.model.Note createNote(long workspaceId, long contactId, Long adminId, String body);

  /** The contact's notes as this transaction sees them: how many, and the newest ids. */
  dev.tally.core.model.Note.Summary noteSummary(long workspaceId, long contactId, int shown);

  /**
   * Changes a data attribute's description, options, messenger_writable or archived (name and type
   * never change); a 404 ({@code field_not_found}, as Intercom's) for one not in the workspace.
   */
  DataAttribute updateDataAttribute(long workspaceId, long id, DataAttributeUpdate change);

  /** Creates a segment (its query already validated); refuses past {@code MAX_SEGMENTS}. */
  Segment createSegment(long workspaceId, String name, String personType, String queryJson);

  /** Changes what is given (null: unchanged); a 404 for a segment not in the workspace. */
  Segment updateSegment(
      long workspaceId, long segmentId, String name, String personType, String queryJson);

  /** Deletes a segment; a 404 for one not in the workspace. */
  Segment deleteSegment(long workspaceId, long segmentId);

  // ---- tags ----

  /** A tag written by {@link #createTag}, and whether it was created (false: it existed). */
  record TagUpsert(Tag tag, boolean created) {}

  /**
   * Creates a tag, or returns the workspace's live tag of that name (ignoring case) unchanged; a
   * workspace has at most {@link WorkspaceLimits#maxTags()} tags.
   */
  TagUpsert createTag(long workspaceId, String name);

  /**
   * Renames a live tag; refused (400 naming {@code name}) when another live tag of the workspace
   * has the name ignoring case. No contact document changes.
   */
  Tag renameTag(long workspaceId, long tagId, String name);

  /**
   * Deletes a live tag at once for every reader (its contacts stop showing it and searches stop
   * matching it) and leaves its memberships to {@link #purgeDeletedTag}; returns the tag as it was.
   */
  Tag deleteTag(long workspaceId, long tagId);

  /**
   * Tags a contact: raises the contact's version with an oplog entry, unless it had the tag already
   * (then nothing changes). 404 naming the contact or the tag when either is not the workspace's;
   * {@code contactField} and {@code tagField} name where the request gave the ids (null: in the
   * path).
   */
  Tag.Applied tagContact(
      long workspaceId, long contactId, String contactField, long tagId, String tagField);

  /**
   * Removes a tag from a contact: raises the contact's version with an oplog entry, unless it did
   * not have the tag (then nothing changes). 404 when the contact or the tag is not the
   * workspace's.
   */
  Tag untagContact(long workspaceId, long contactId, long tagId);

  /** The contact's live tags in tag id order, as this transaction sees them. */
  java.util.List<Tag.Applied> contactTags(long workspaceId, long contactId);

  /** What one {@link #purgeDeleted} did: {@code id} is the deleted tag's (company's). */
  record Purge(long workspaceId, long id, int contacts, boolean finished) {
    public static final Purge NONE = new Purge(0, 0, 0, true);
  }

  /**
   * Takes one bounded step of removing deleted tags (companies): up to {@code limit} contacts of
   * the oldest deleted one lose it, each with a raised version and an oplog entry (so the projector
   * re-projects them); when none is left its row goes. {@link Purge#NONE} when none waits.
   */
  Purge purgeDeleted(Field.Members.Kind kind, int limit);

  default Purge purgeDeletedTag(int limit) {
    return purgeDeleted(Field.Members.Kind.TAG, limit);
  }

  // ---- companies ----

  /** A company written by {@link #upsertCompany}, and whether it was created. */
  record CompanyUpsert(Company company, boolean created) {}

  /**
   * Creates the company with the input's company_id, or updates the workspace's live company that
   * has it (Intercom's POST /companies); a 400 naming company_id when the input has none. Custom
   * attributes are typed by the workspace's company data attributes.
   */
  CompanyUpsert upsertCompany(long workspaceId, CompanyInput input);

  /**
   * Updates a live company by Tally's id; a company_id in the input must be the company's own (it
   * never changes). 404 when the workspace has no such company.
   */
  Company updateCompany(long workspaceId, long companyId, CompanyInput input);

  /**
   * Deletes a live company at once for every reader (its contacts stop showing it, searches stop
   * matching it, its company_id is free) and leaves detaching its contacts to {@link
   * #purgeDeleted}; returns the company as it was.
   */
  Company deleteCompany(long workspaceId, long companyId);

  /**
   * Attaches a contact to a company (user_count + 1, the contact's version raised with an oplog
   * entry) unless it is attached already (then nothing changes). 404 naming the contact or {@code
   * companyField} when either is not the workspace's; 400 past {@link Company#MAX_PER_CONTACT}.
   */
  Company.Attached attachCompany(
      long workspaceId, long contactId, long companyId, String companyField);

  /**
   * Detaches a contact from a company (user_count - 1, the contact's version raised) unless it was
   * not attached (then nothing changes); 404 when either is not the workspace's.
   */
  Company detachCompany(long workspaceId, long contactId, long companyId);

  /** The contact's live companies in id order, as this transaction sees them. */
  java.util.List<Company.Attached> contactCompanies(long workspaceId, long contactId);

  /**
   * Removes oplog entries recorded before {@code beforeEpochSeconds}, never the newest one, and
   * raises the oplog's floor to the highest position removed; returns how many were removed.
   */
  int pruneOplog(long beforeEpochSeconds);

  // ---- messaging (docs/messaging.md) ----

  /** Creates a campaign in state draft with its checked definition (JSON). */
  dev.tally.core.model.Campaign createCampaign(
      long workspaceId, String name, String definitionJson);

  /**
   * An admin message (docs/messaging.md, "Admin messages"): a campaign of kind message, running and
   * already fanned out, with its one send (step 0, occurrence 0) to the contact queued in the same
   * transaction, due now and expiring {@code expiresAfterMillis} later. 404 for a contact not in
   * the workspace.
   */
  dev.tally.core.model.Campaign createMessage(
      long workspaceId,
      String name,
      String definitionJson,
      long contactId,
      long expiresAfterMillis);

  /**
   * Moves a campaign: draft → running (records the oplog head as its start position), running →
   * paused, paused → running; the state it is in already changes nothing; another move is a 409
   * naming both states; 404 for a campaign not in the workspace.
   */
  dev.tally.core.model.Campaign setCampaignState(long workspaceId, long campaignId, String state);

  /**
   * As {@link #setCampaignState}, but the campaign must be in state {@code from} (or already in
   * {@code to}, which changes nothing): starting moves a draft only, resuming a paused campaign
   * only. Any other state is a 409 naming both.
   */
  dev.tally.core.model.Campaign moveCampaign(
      long workspaceId, long campaignId, String from, String to);

  /**
   * Queues each send unless one with its key (campaign, step, contact, occurrence) exists: running
   * twice queues nothing twice. Returns how many were queued.
   */
  int queueSends(java.util.List<dev.tally.core.model.Send.New> sendsToQueue);

  /**
   * Claims up to {@code limit} sends due by {@code nowMillis} (queued or held) of running campaigns
   * in workspaces whose messaging is not paused and that no live claim holds, oldest due first, for
   * {@code holder} until {@code leaseUntilMillis}.
   */
  java.util.List<dev.tally.core.model.Send> claimSends(
      String holder, long nowMillis, long leaseUntilMillis, int limit);

  /**
   * Records what became of a send {@code holder} claimed, queueing the outcome's next step with it;
   * false, with nothing written, when that claim no longer holds the send.
   */
  boolean recordSend(long sendId, String holder, dev.tally.core.model.Send.Outcome outcome);

  /** Records that a broadcast's audience is queued (the first time only). */
  void markFannedOut(long campaignId);

  /** Records how far the fan-out called {@code name} has read the oplog. */
  void setMessagingCursor(String name, long position);

  /**
   * Records the contact as a member of the segment-entry campaign's segment since {@code
   * occurrence} (nothing if it already is one).
   */
  void addSegmentEntryMember(long campaignId, long contactId, long occurrence);

  /**
   * Records that the contact left the segment-entry campaign's segment (nothing if not a member).
   */
  void removeSegmentEntryMember(long campaignId, long contactId);

  /** Forgets every recorded member of the segment-entry campaign (before it is seeded again). */
  void clearSegmentEntryMembers(long campaignId);

  /** The kill switch: pauses or resumes delivery for a workspace (0: for every workspace). */
  void setMessagingPaused(long workspaceId, boolean paused);

  // ---- subscription types (docs/messaging.md, "Subscription types") ----

  /** Creates a subscription type (its fields checked by the caller); 404 for no such workspace. */
  dev.tally.core.model.SubscriptionType createSubscriptionType(
      long workspaceId, dev.tally.core.model.SubscriptionType.New type);

  /**
   * Records the contact's explicit choice on a subscription type (Intercom's attach: opted in to an
   * opt-in type, opted out of an opt-out one), raising the contact's version with an oplog entry;
   * already recorded: nothing changes. {@code consentType} must be the type's own (400 naming
   * {@code consent_type} otherwise). 404 naming the contact, or {@code id}, when either is not the
   * workspace's.
   */
  dev.tally.core.model.SubscriptionType addContactSubscription(
      long workspaceId, long contactId, long typeId, String consentType);

  /**
   * Removes the contact's choice on a subscription type (back to the type's default), raising the
   * contact's version unless it had none. 404 when the contact or the type is not the workspace's.
   */
  dev.tally.core.model.SubscriptionType removeContactSubscription(
      long workspaceId, long contactId, long typeId);
}
