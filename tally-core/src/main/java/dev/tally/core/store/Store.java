package dev.tally.core.store;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Company;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.Event;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Page;
import dev.tally.core.model.Segment;
import dev.tally.core.model.Tag;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.query.Field;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/**
 * The one door. Every write of a workspace, token, contact, event or data attribute goes through
 * {@link #write}, which runs the work in one transaction that updates the document, its version,
 * the identity rows, event summaries, per-workspace counts and appends one oplog entry per change.
 *
 * <p>Contract every implementation must keep (checked by the testkit's StoreContract suite):
 *
 * <ul>
 *   <li>{@code write} returns only after the transaction is durable; if the work throws, nothing of
 *       it is kept (other writes batched with it are unaffected). The work may run more than once,
 *       only the last run being kept ({@link WriteWork}).
 *   <li>Oplog positions are positive 64-bit numbers that grow in commit order; a reader of {@link
 *       #oplog} never sees position p+k before p once p is committed (the oplog never skips).
 *   <li>external_id and email are unique per workspace among users; concurrent creates of one
 *       identity: exactly one wins, the others get a conflict naming the winner.
 *   <li>Reads never see another workspace's data.
 *   <li>Version digests ({@link dev.tally.core.verify.VersionSource}) are computed without reading
 *       documents, over the contacts the index must hold: archived contacts are left out there, as
 *       in {@link #documents}, {@link #contacts} and {@link #contactCount}.
 * </ul>
 */
public interface Store extends AutoCloseable, dev.tally.core.verify.VersionSource {

  /** Runs {@code work} in one durable write transaction. */
  <T> Written<T> write(WriteWork<T> work);

  /**
   * Runs each work as its own write, all queued together so they share commits (a bulk load costs
   * few fsyncs); one that fails is undone alone. Returns only after all are durable or refused.
   */
  <T> List<Outcome<T>> writeEach(List<WriteWork<T>> works);

  /**
   * Like {@link #write}, but at most once per (workspace, key) within the idempotency window: a
   * retry with the same key and the same request gets the first response, and has no second effect;
   * the same key with a different request is refused.
   */
  Written<StoredResponse> writeOnce(
      long workspaceId, String key, String fingerprint, WriteWork<StoredResponse> work);

  /** The position of the newest committed oplog entry (0 when the oplog is empty). */
  long head();

  List<OplogEntry> oplog(long after, int limit);

  /**
   * The highest oplog position pruned by retention (0 when nothing was): a reader that has applied
   * less than this cannot catch up from the oplog and must be rebuilt from the store.
   */
  long oplogFloor();

  List<Workspace> workspaces();

  Optional<Workspace> workspace(long id);

  List<TokenInfo> tokens(long workspaceId);

  /** The workspace a token (given by its hash) belongs to, if the token exists. */
  default OptionalLong workspaceForToken(String tokenHash) {
    return token(tokenHash).map(t -> OptionalLong.of(t.workspaceId())).orElse(OptionalLong.empty());
  }

  /** A workspace token (given by its hash), with the teammate it acts for, if it exists. */
  Optional<TokenInfo> token(String tokenHash);

  /** The workspace's teammates in id order. */
  List<Admin> admins(long workspaceId);

  /** A teammate of this workspace (another workspace's is not found). */
  Optional<Admin> admin(long workspaceId, long adminId);

  boolean isAdminToken(String tokenHash);

  boolean hasAdminToken();

  /** A contact of the workspace, archived or not. */
  Optional<Contact> contact(long workspaceId, long contactId);

  /**
   * One contact's document with its event summaries and live tags, read in one query, archived or
   * not (unlike {@link #documents}); empty when the contact is not the workspace's.
   */
  Optional<ContactDocument> document(long workspaceId, long contactId);

  Optional<Contact> findContact(long workspaceId, ContactRef ref);

  /** The workspace's live (not archived) contacts in id order after {@code afterId}. */
  Page<Contact> contacts(long workspaceId, long afterId, int limit);

  /**
   * The workspace's count of live (not archived) contacts, kept in the write transactions (no
   * scan): what lists, search and the index count.
   */
  long contactCount(long workspaceId);

  /**
   * A contact's events, newest first, with ids below {@code beforeId} (Long.MAX_VALUE for the first
   * page).
   */
  Page<Event> events(long workspaceId, long contactId, long beforeId, int limit);

  List<EventSummary> eventSummaries(long workspaceId, long contactId);

  /**
   * The workspace's custom data attributes of {@code model} ({@link DataAttribute#MODEL_CONTACT},
   * {@link DataAttribute#MODEL_COMPANY}; null: every model), in id order (bounded by the
   * custom-attribute cap of each model).
   */
  List<DataAttribute> dataAttributes(long workspaceId, String model);

  /** Every custom data attribute of the workspace, of every model, in id order. */
  default List<DataAttribute> dataAttributes(long workspaceId) {
    return dataAttributes(workspaceId, null);
  }

  /** One note of the workspace. */
  java.util.Optional<dev.tally.core.model.Note> note(long workspaceId, long noteId);

  /**
   * A contact's notes, newest first, after the note {@code beforeId} (Long.MAX_VALUE: from the
   * newest).
   */
  Page<dev.tally.core.model.Note> notes(long workspaceId, long contactId, long beforeId, int limit);

  /** For each of these contacts with notes: how many, and the ids of the newest {@code shown}. */
  java.util.Map<Long, dev.tally.core.model.Note.Summary> noteSummaries(
      long workspaceId, java.util.Collection<Long> contactIds, int shown);

  /** The workspace's segments, by id. */
  List<Segment> segments(long workspaceId);

  /** One segment of the workspace. */
  java.util.Optional<Segment> segment(long workspaceId, long segmentId);

  /**
   * The workspace's custom data attributes of {@code model} (null: every model) in id order after
   * {@code afterId}, archived ones only with {@code includeArchived}.
   */
  Page<DataAttribute> dataAttributes(
      long workspaceId, String model, boolean includeArchived, long afterId, int limit);

  /**
   * How many custom data attributes of {@code model} (null: every model) the workspace has,
   * archived ones only with {@code includeArchived}.
   */
  long dataAttributeCount(long workspaceId, String model, boolean includeArchived);

  /** The workspace's live tags in id order (at most {@link WorkspaceLimits#maxTags()}). */
  List<Tag> tags(long workspaceId);

  /** A live tag of the workspace. */
  Optional<Tag> tag(long workspaceId, long tagId);

  /** The contact's live tags in tag id order (empty when the contact is not the workspace's). */
  List<Tag.Applied> contactTags(long workspaceId, long contactId);

  /**
   * The live tag (company) ids of each of these contacts of the workspace (contacts without any are
   * left out), ascending; one query for the set.
   */
  java.util.Map<Long, List<Long>> memberIds(
      long workspaceId, Field.Members.Kind kind, Collection<Long> contactIds);

  default java.util.Map<Long, List<Long>> contactTagIds(
      long workspaceId, Collection<Long> contactIds) {
    return memberIds(workspaceId, Field.Members.Kind.TAG, contactIds);
  }

  /** Which of these ids are live tags (companies) of the workspace; one query for the set. */
  java.util.Set<Long> liveMemberIds(
      long workspaceId, Field.Members.Kind kind, Collection<Long> ids);

  default java.util.Set<Long> liveTagIds(long workspaceId, Collection<Long> tagIds) {
    return liveMemberIds(workspaceId, Field.Members.Kind.TAG, tagIds);
  }

  /**
   * How many deleted tags (companies) still wait for their contacts to lose them (see {@link
   * WriteTx#purgeDeleted}).
   */
  long pendingDeletions(Field.Members.Kind kind);

  default long pendingTagDeletions() {
    return pendingDeletions(Field.Members.Kind.TAG);
  }

  // ---- messaging (docs/messaging.md) ----

  /** A campaign of the workspace. */
  Optional<dev.tally.core.model.Campaign> campaign(long workspaceId, long campaignId);

  /**
   * The workspace's campaigns in id order (kind campaign: admin messages, kind message, are left
   * out; {@link #campaign} reads both).
   */
  List<dev.tally.core.model.Campaign> campaigns(long workspaceId);

  /** How many sends of the campaign are in each state (states without any left out). */
  java.util.Map<String, Long> sendCounts(long campaignId);

  /** One page of a campaign's sends in id order after {@code afterId}, of one state (null: all). */
  Page<dev.tally.core.model.Send> sends(
      long workspaceId, long campaignId, String state, long afterId, int limit);

  /** A send by id, in any workspace. */
  Optional<dev.tally.core.model.Send> send(long sendId);

  /**
   * How many sends the contact was sent since {@code sinceMillis}, across the workspace's
   * campaigns.
   */
  long sentSince(long workspaceId, long contactId, long sinceMillis);

  /** Every workspace's running campaigns (kind campaign, not messages), in id order. */
  List<dev.tally.core.model.Campaign> runningCampaigns();

  /** How far the fan-out called {@code name} has read the oplog (empty: it never started). */
  java.util.OptionalLong messagingCursor(String name);

  /**
   * Of these contacts, the members of a segment-entry campaign recorded by fan-out, each with the
   * occurrence it entered with (0: a member at the start); one query.
   */
  java.util.Map<Long, Long> segmentEntryMembers(long campaignId, Collection<Long> contactIds);

  /**
   * Up to {@code limit} recorded members of a segment-entry campaign after {@code afterId}, in id
   * order.
   */
  List<Long> segmentEntryMembersAfter(long campaignId, long afterId, int limit);

  /** These events, in any workspace (ids not found left out), in id order; one query. */
  List<dev.tally.core.model.Event> eventsById(Collection<Long> eventIds);

  /**
   * The sends due by {@code nowMillis} and still queued or held, across every workspace (paused
   * ones included), with the oldest one's due time: one indexed read, for metrics.
   */
  dev.tally.core.model.Send.Backlog sendBacklog(long nowMillis);

  /** The workspaces whose messaging is paused; 0 among them: every workspace's is. */
  default java.util.Set<Long> messagingPaused() {
    return messagingPauses().keySet();
  }

  /**
   * The workspaces whose messaging is paused, each with when it was paused (epoch milliseconds); 0
   * among them: every workspace's is.
   */
  java.util.Map<Long, Long> messagingPauses();

  /**
   * The send queue's depth: the sends not final (queued or held, due or not) across every
   * workspace, counted by state and reason; one grouped read of the partial index's rows.
   */
  List<dev.tally.core.model.Send.Waiting> waitingSends();

  /** The workspace's subscription types in id order. */
  List<dev.tally.core.model.SubscriptionType> subscriptionTypes(long workspaceId);

  /** A subscription type of the workspace (another workspace's is not found). */
  Optional<dev.tally.core.model.SubscriptionType> subscriptionType(long workspaceId, long typeId);

  /**
   * The subscription types the contact made an explicit choice on (opted in to an opt-in type, out
   * of an opt-out one), in type id order; empty when the contact is not the workspace's.
   */
  List<dev.tally.core.model.SubscriptionType> contactSubscriptions(
      long workspaceId, long contactId);

  /** Whether the contact made an explicit choice on the subscription type (see above). */
  boolean hasContactSubscription(long workspaceId, long contactId, long typeId);

  // ---- companies ----

  /** A live company of the workspace by Tally's id. */
  Optional<Company> company(long workspaceId, long id);

  /** The workspace's live company with this company_id (the customer's key). */
  Optional<Company> companyByCompanyId(long workspaceId, String companyId);

  /** The workspace's live company with this name (the oldest, when several share it). */
  Optional<Company> companyNamed(long workspaceId, String name);

  /**
   * One page of the workspace's live companies by id: those after {@code afterId} ascending, or
   * before it descending (newest first; Long.MAX_VALUE to start), skipping {@code offset} of them.
   */
  Page<Company> companies(
      long workspaceId, long afterId, boolean descending, int offset, int limit);

  /** How many live companies the workspace has. */
  long companyCount(long workspaceId);

  /** The contact's live companies in company id order (empty when not the workspace's). */
  List<Company.Attached> contactCompanies(long workspaceId, long contactId);

  /**
   * One page of the ids of the contacts attached to a company, ascending after {@code afterId},
   * skipping {@code offset} of them.
   */
  Page<Long> companyContactIds(
      long workspaceId, long companyId, long afterId, int offset, int limit);

  /**
   * The current documents (with event summaries) of these contacts, in any workspace; a contact
   * that does not exist or is archived is left out (the index holds no archived contact). The
   * projector's one read: "bring these ids up to their current version".
   */
  List<ContactDocument> documents(Collection<Long> contactIds);

  /**
   * Live (not archived) contact ids of every workspace in id order after {@code afterId}, for
   * rebuilding the index.
   */
  List<Long> contactIds(long afterId, int limit);

  /**
   * The documents of every workspace in id order after {@code afterId}, read as one snapshot, for
   * bulk loads; archived contacts are left out, as in {@link #documents}.
   */
  List<ContactDocument> documentsAfter(long afterId, int limit);

  /**
   * Takes the lease {@code name} for {@code holder} when it is free or expired, or renews it when
   * {@code holder} already has it, until {@code ttl} from now on the store's clock (the database's
   * clock when several processes share one store). Returns true when {@code holder} holds it
   * afterwards; at most one holder holds a lease at a time. Used so that exactly one of several
   * processes runs the projector, and another takes over within a ttl when its holder dies.
   */
  boolean acquireLease(String name, String holder, Duration ttl);

  /**
   * Gives up the lease if {@code holder} has it, so another can take it at once; otherwise does
   * nothing.
   */
  void releaseLease(String name, String holder);

  /** Null when the store can serve; otherwise why not, in words for an operator. */
  String unhealthyReason();

  /** The read pool's connections, where the store keeps a pool; empty otherwise. */
  default Optional<StoreStatistics.Pool> poolStatistics() {
    return Optional.empty();
  }

  /** The group-commit writer's counts, where the store batches its writes; empty otherwise. */
  default Optional<StoreStatistics.Writer> writerStatistics() {
    return Optional.empty();
  }

  @Override
  void close();
}
