package dev.tally.store.jdbc;

import dev.tally.core.TallyException;
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
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.query.Field;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoreStatistics;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WriteWork;
import dev.tally.core.store.Written;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.sql.SQLException;
import java.util.Collection;
import java.util.List;
import java.util.Optional;

/**
 * The store over JDBC, written once: writes go through the {@link GroupCommitWriter}, reads through
 * {@link JdbcReads}. A database's store adds how it opens, how a read gets its connection (and what
 * it does when the database is away), the oplog head, leases, and what only it has.
 */
public abstract class JdbcStore implements Store {

  /** A read on a connection the store lends for its duration. */
  protected interface Read<T> {
    T run(Sql db) throws SQLException;
  }

  protected final Dialect dialect;
  protected final JdbcReads reads;
  protected final GroupCommitWriter writer;

  protected JdbcStore(Dialect dialect, GroupCommitWriter writer) {
    this.dialect = dialect;
    this.reads = new JdbcReads(dialect);
    this.writer = writer;
  }

  /** The writer's counts: batches, tasks, and batches run again because a task failed. */
  @Override
  public Optional<StoreStatistics.Writer> writerStatistics() {
    GroupCommitWriter.Stats s = writer.stats();
    return Optional.of(new StoreStatistics.Writer(s.batches(), s.tasks(), s.reruns()));
  }

  /**
   * Runs a read on a connection of the store's; a failure becomes a TallyException saying what
   * could not be done.
   */
  protected abstract <T> T read(String what, Read<T> r);

  @Override
  public <T> Written<T> write(WriteWork<T> work) {
    return writer.submit(work, null);
  }

  @Override
  public <T> List<Outcome<T>> writeEach(List<WriteWork<T>> works) {
    return writer.submitEach(works);
  }

  @Override
  public Written<StoredResponse> writeOnce(
      long workspaceId, String key, String fingerprint, WriteWork<StoredResponse> work) {
    return writer.submit(work, new GroupCommitWriter.Idempotency(workspaceId, key, fingerprint));
  }

  @Override
  public long oplogFloor() {
    Long floor =
        read(
            "read the oplog floor",
            db -> db.queryLong("SELECT position FROM oplog_floor WHERE id = 1"));
    return floor == null ? 0 : floor;
  }

  @Override
  public List<OplogEntry> oplog(long after, int limit) {
    return read("read the oplog", db -> reads.oplog(db, after, limit));
  }

  @Override
  public List<Workspace> workspaces() {
    return read("list workspaces", db -> reads.workspaces(db, null));
  }

  @Override
  public Optional<Workspace> workspace(long id) {
    return read("read a workspace", db -> reads.workspaces(db, id).stream().findFirst());
  }

  @Override
  public List<TokenInfo> tokens(long workspaceId) {
    return read("list tokens", db -> reads.tokens(db, workspaceId));
  }

  @Override
  public Optional<TokenInfo> token(String tokenHash) {
    return read("check a token", db -> reads.token(db, tokenHash));
  }

  @Override
  public List<Admin> admins(long workspaceId) {
    return read("list teammates", db -> reads.admins(db, workspaceId));
  }

  @Override
  public Optional<Admin> admin(long workspaceId, long adminId) {
    return read("read a teammate", db -> reads.admin(db, workspaceId, adminId));
  }

  @Override
  public boolean isAdminToken(String tokenHash) {
    return read(
        "check a token",
        db -> db.exists("SELECT 1 FROM admin_tokens WHERE token_hash = ?", tokenHash));
  }

  @Override
  public boolean hasAdminToken() {
    return read("check admin tokens", db -> db.exists("SELECT 1 FROM admin_tokens LIMIT 1"));
  }

  @Override
  public Optional<Contact> contact(long workspaceId, long contactId) {
    return read("read a contact", db -> reads.contact(db, workspaceId, contactId));
  }

  @Override
  public Optional<Contact> findContact(long workspaceId, ContactRef ref) {
    return read("find a contact", db -> reads.findContact(db, workspaceId, ref));
  }

  @Override
  public Optional<ContactDocument> document(long workspaceId, long contactId) {
    return read("read a document", db -> reads.document(db, workspaceId, contactId));
  }

  @Override
  public Page<Contact> contacts(long workspaceId, long afterId, int limit) {
    return read("list contacts", db -> reads.contacts(db, workspaceId, afterId, limit));
  }

  @Override
  public long contactCount(long workspaceId) {
    return read("count contacts", db -> reads.contactCount(db, workspaceId));
  }

  @Override
  public Page<Event> events(long workspaceId, long contactId, long beforeId, int limit) {
    return read("list events", db -> reads.events(db, workspaceId, contactId, beforeId, limit));
  }

  @Override
  public List<EventSummary> eventSummaries(long workspaceId, long contactId) {
    return read("read event summaries", db -> reads.eventSummaries(db, workspaceId, contactId));
  }

  @Override
  public java.util.Optional<dev.tally.core.model.Note> note(long workspaceId, long noteId) {
    return read("read a note", db -> reads.note(db, workspaceId, noteId));
  }

  @Override
  public Page<dev.tally.core.model.Note> notes(
      long workspaceId, long contactId, long beforeId, int limit) {
    return read("list notes", db -> reads.notes(db, workspaceId, contactId, beforeId, limit));
  }

  @Override
  public java.util.Map<Long, dev.tally.core.model.Note.Summary> noteSummaries(
      long workspaceId, java.util.Collection<Long> contactIds, int shown) {
    return read("summarise notes", db -> reads.noteSummaries(db, workspaceId, contactIds, shown));
  }

  @Override
  public List<Segment> segments(long workspaceId) {
    return read("list segments", db -> reads.segments(db, workspaceId));
  }

  @Override
  public java.util.Optional<Segment> segment(long workspaceId, long segmentId) {
    return read("read a segment", db -> reads.segment(db, workspaceId, segmentId));
  }

  @Override
  public List<DataAttribute> dataAttributes(long workspaceId, String model) {
    return read("list data attributes", db -> reads.dataAttributes(db, workspaceId, model));
  }

  @Override
  public Page<DataAttribute> dataAttributes(
      long workspaceId, String model, boolean includeArchived, long afterId, int limit) {
    return read(
        "list data attributes",
        db -> reads.dataAttributes(db, workspaceId, model, includeArchived, afterId, limit));
  }

  @Override
  public long dataAttributeCount(long workspaceId, String model, boolean includeArchived) {
    return read(
        "count data attributes",
        db -> reads.dataAttributeCount(db, workspaceId, model, includeArchived));
  }

  @Override
  public List<dev.tally.core.model.Tag> tags(long workspaceId) {
    return read("list tags", db -> reads.tags(db, workspaceId));
  }

  @Override
  public Optional<dev.tally.core.model.Tag> tag(long workspaceId, long tagId) {
    return read("read a tag", db -> reads.tag(db, workspaceId, tagId));
  }

  @Override
  public List<dev.tally.core.model.Tag.Applied> contactTags(long workspaceId, long contactId) {
    return read("list a contact's tags", db -> reads.contactTags(db, workspaceId, contactId));
  }

  @Override
  public java.util.Map<Long, List<Long>> memberIds(
      long workspaceId, Field.Members.Kind kind, Collection<Long> contactIds) {
    return read(
        "list contacts' " + kind.noun + " ids",
        db -> reads.memberIds(db, workspaceId, MemberTable.of(kind), contactIds));
  }

  @Override
  public java.util.Set<Long> liveMemberIds(
      long workspaceId, Field.Members.Kind kind, Collection<Long> ids) {
    return read(
        "check " + kind.noun + " ids",
        db -> reads.liveMemberIds(db, workspaceId, MemberTable.of(kind), ids));
  }

  @Override
  public long pendingDeletions(Field.Members.Kind kind) {
    String table = MemberTable.of(kind).table;
    Long n =
        read(
            "count deleted " + table,
            db -> db.queryLong("SELECT COUNT(*) FROM " + table + " WHERE deleted_at IS NOT NULL"));
    return n == null ? 0 : n;
  }

  // ---- subscription types ----

  @Override
  public List<dev.tally.core.model.SubscriptionType> subscriptionTypes(long workspaceId) {
    return read("list subscription types", db -> reads.subscriptions.types(db, workspaceId));
  }

  @Override
  public Optional<dev.tally.core.model.SubscriptionType> subscriptionType(
      long workspaceId, long typeId) {
    return read(
        "read a subscription type", db -> reads.subscriptions.type(db, workspaceId, typeId));
  }

  @Override
  public List<dev.tally.core.model.SubscriptionType> contactSubscriptions(
      long workspaceId, long contactId) {
    return read(
        "list a contact's subscriptions",
        db -> reads.subscriptions.ofContact(db, workspaceId, contactId));
  }

  @Override
  public boolean hasContactSubscription(long workspaceId, long contactId, long typeId) {
    return read(
        "read a contact's subscription",
        db -> reads.subscriptions.chosen(db, workspaceId, contactId, typeId));
  }

  // ---- messaging ----

  @Override
  public Optional<dev.tally.core.model.Campaign> campaign(long workspaceId, long campaignId) {
    return read("read a campaign", db -> reads.messaging.campaign(db, workspaceId, campaignId));
  }

  @Override
  public List<dev.tally.core.model.Campaign> campaigns(long workspaceId) {
    return read("list campaigns", db -> reads.messaging.campaigns(db, workspaceId));
  }

  @Override
  public java.util.Map<String, Long> sendCounts(long campaignId) {
    return read("count a campaign's sends", db -> reads.messaging.sendCounts(db, campaignId));
  }

  @Override
  public Page<dev.tally.core.model.Send> sends(
      long workspaceId, long campaignId, String state, long afterId, int limit) {
    return read(
        "list a campaign's sends",
        db -> reads.messaging.sends(db, workspaceId, campaignId, state, afterId, limit));
  }

  @Override
  public Optional<dev.tally.core.model.Send> send(long sendId) {
    return read("read a send", db -> reads.messaging.send(db, sendId));
  }

  @Override
  public long sentSince(long workspaceId, long contactId, long sinceMillis) {
    return read(
        "count a contact's sends",
        db -> reads.messaging.sentSince(db, workspaceId, contactId, sinceMillis));
  }

  @Override
  public List<dev.tally.core.model.Campaign> runningCampaigns() {
    return read("list running campaigns", db -> reads.messaging.running(db));
  }

  @Override
  public java.util.OptionalLong messagingCursor(String name) {
    Long p = read("read a messaging cursor", db -> reads.messaging.cursor(db, name));
    return p == null ? java.util.OptionalLong.empty() : java.util.OptionalLong.of(p);
  }

  @Override
  public java.util.Map<Long, Long> segmentEntryMembers(
      long campaignId, Collection<Long> contactIds) {
    return read(
        "read a campaign's segment members",
        db -> reads.segmentEntryMembers(db, campaignId, contactIds));
  }

  @Override
  public List<Long> segmentEntryMembersAfter(long campaignId, long afterId, int limit) {
    return read(
        "read a campaign's segment members",
        db -> reads.segmentEntryMembersAfter(db, campaignId, afterId, limit));
  }

  @Override
  public List<dev.tally.core.model.Event> eventsById(Collection<Long> eventIds) {
    return read("read events", db -> reads.eventsById(db, eventIds));
  }

  @Override
  public dev.tally.core.model.Send.Backlog sendBacklog(long nowMillis) {
    return read("read the send backlog", db -> reads.messaging.backlog(db, nowMillis));
  }

  @Override
  public java.util.Map<Long, Long> messagingPauses() {
    return read("read the messaging pauses", db -> reads.messaging.paused(db));
  }

  @Override
  public List<dev.tally.core.model.Send.Waiting> waitingSends() {
    return read("count the waiting sends", db -> reads.messaging.waiting(db));
  }

  // ---- companies ----

  @Override
  public Optional<Company> company(long workspaceId, long id) {
    return read("read a company", db -> reads.companies.company(db, workspaceId, id));
  }

  @Override
  public Optional<Company> companyByCompanyId(long workspaceId, String companyId) {
    return read(
        "find a company by company_id",
        db -> reads.companies.byCompanyId(db, workspaceId, companyId));
  }

  @Override
  public Optional<Company> companyNamed(long workspaceId, String name) {
    return read("find a company by name", db -> reads.companies.named(db, workspaceId, name));
  }

  @Override
  public Page<Company> companies(
      long workspaceId, long afterId, boolean descending, int offset, int limit) {
    return read(
        "list companies",
        db -> reads.companies.companies(db, workspaceId, afterId, descending, offset, limit));
  }

  @Override
  public long companyCount(long workspaceId) {
    return read("count companies", db -> reads.companies.count(db, workspaceId));
  }

  @Override
  public List<Company.Attached> contactCompanies(long workspaceId, long contactId) {
    return read(
        "list a contact's companies",
        db -> reads.companies.contactCompanies(db, workspaceId, contactId));
  }

  @Override
  public Page<Long> companyContactIds(
      long workspaceId, long companyId, long afterId, int offset, int limit) {
    return read(
        "list a company's contacts",
        db -> reads.companies.contactIds(db, workspaceId, companyId, afterId, offset, limit));
  }

  /** One query: each document, its event summaries and its tags come from the same moment. */
  @Override
  public List<ContactDocument> documents(Collection<Long> contactIds) {
    return read("read documents", db -> reads.documents(db, contactIds));
  }

  @Override
  public List<ContactDocument> documentsAfter(long afterId, int limit) {
    return read("read documents", db -> reads.documentsAfter(db, afterId, limit));
  }

  @Override
  public List<VersionDigest> versionDigests() {
    return read("digest contact versions", reads::versionDigests);
  }

  @Override
  public List<IdVersion> versions(long fromId, long toId) {
    return read("list contact versions", db -> reads.versions(db, fromId, toId));
  }

  @Override
  public List<Long> contactIds(long afterId, int limit) {
    return read("list contact ids", db -> reads.contactIds(db, afterId, limit));
  }

  @Override
  public String unhealthyReason() {
    String w = writer.failure();
    if (w != null) {
      return w;
    }
    try {
      read("answer a health check", db -> db.queryLong("SELECT 1"));
      return null;
    } catch (TallyException e) {
      return e.getMessage();
    }
  }
}
