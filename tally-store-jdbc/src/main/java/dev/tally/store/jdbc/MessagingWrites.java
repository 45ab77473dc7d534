package dev.tally.store.jdbc;

import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Send;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;

/**
 * The messaging writes of one write task ({@link JdbcWriteTx} hands them here): campaigns and their
 * states, queueing sends at most once by their key, claiming due sends with a lease, recording
 * outcomes, and the kill switch. Every change of a campaign or a send appends an oplog entry.
 */
final class MessagingWrites {
  private final JdbcWriteTx tx;
  private final Sql db;
  private final MessagingReads reads;
  private final long nowMillis;

  MessagingWrites(JdbcWriteTx tx, Sql db, MessagingReads reads, long nowSeconds) {
    this.tx = tx;
    this.db = db;
    this.reads = reads;
    this.nowMillis = nowSeconds * 1000;
  }

  Campaign create(long ws, String name, String definitionJson) throws SQLException {
    tx.requireWorkspaceExists(ws);
    long now = nowMillis / 1000;
    long id =
        db.insert(
            false,
            "INSERT INTO campaigns (workspace_id, name, state, definition, version, created_at, "
                + "updated_at) VALUES (?, ?, ?, ?, 1, ?, ?) RETURNING id",
            ws,
            name,
            Campaign.DRAFT,
            definitionJson,
            now,
            now);
    tx.oplog(ws, OplogEntry.CAMPAIGN, id, 1, OplogEntry.CREATE);
    return new Campaign(
        id, ws, name, Campaign.DRAFT, definitionJson, 1, now, now, null, null, null);
  }

  /**
   * An admin message: a campaign of kind message, running from now at the oplog head and fanned
   * out, with its one send queued (step 0, occurrence 0, due now) in this transaction.
   */
  Campaign createMessage(
      long ws, String name, String definitionJson, long contactId, long expiresAfterMillis)
      throws SQLException {
    tx.requireWorkspaceExists(ws);
    long now = nowMillis / 1000;
    Long head = db.queryLong("SELECT MAX(position) FROM oplog");
    long position = head == null ? 0 : head;
    long id =
        db.insert(
            false,
            "INSERT INTO campaigns (workspace_id, kind, name, state, definition, version, "
                + "created_at, updated_at, started_at, start_position, fanned_out_at) "
                + "VALUES (?, 'message', ?, ?, ?, 1, ?, ?, ?, ?, ?) RETURNING id",
            ws,
            name,
            Campaign.RUNNING,
            definitionJson,
            now,
            now,
            now,
            position,
            now);
    tx.oplog(ws, OplogEntry.CAMPAIGN, id, 1, OplogEntry.CREATE);
    queue(
        List.of(new Send.New(ws, id, 0, contactId, 0, nowMillis, nowMillis + expiresAfterMillis)));
    return new Campaign(
        id, ws, name, Campaign.RUNNING, definitionJson, 1, now, now, now, position, now);
  }

  /**
   * draft → running (start: the oplog head is recorded as its start position), running → paused,
   * paused → running; with {@code from} (null: any of those), only from that state. Asking for the
   * state it is in changes nothing; any other move is a 409 that names both states.
   */
  Campaign setState(long ws, long id, String from, String state) throws SQLException {
    Campaign c =
        reads
            .campaign(db, ws, id)
            .orElseThrow(() -> TallyException.notFound("campaign", Ids.format(id)));
    if (c.state().equals(state)) {
      return c;
    }
    boolean allowed =
        (from == null || c.state().equals(from))
            && (state.equals(Campaign.RUNNING)
                || (state.equals(Campaign.PAUSED) && c.state().equals(Campaign.RUNNING)));
    if (!allowed && from != null) {
      throw TallyException.conflict(
          "campaign "
              + Ids.format(id)
              + " is "
              + c.state()
              + "; it can become "
              + state
              + " only from "
              + from
              + (c.state().equals(Campaign.DRAFT) ? " (start it first)" : "")
              + (c.state().equals(Campaign.PAUSED) ? " (resume it instead)" : ""));
    }
    if (!allowed) {
      throw TallyException.conflict(
          "campaign "
              + Ids.format(id)
              + " is "
              + c.state()
              + "; it cannot become "
              + state
              + (c.state().equals(Campaign.DRAFT) ? " before it is started" : ""));
    }
    long now = nowMillis / 1000;
    long version = c.version() + 1;
    boolean starting = c.state().equals(Campaign.DRAFT);
    Long startedAt = starting ? now : c.startedAt();
    Long startPosition = c.startPosition();
    if (starting) {
      Long head = db.queryLong("SELECT MAX(position) FROM oplog");
      startPosition = head == null ? 0 : head;
    }
    db.update(
        "UPDATE campaigns SET state = ?, version = ?, updated_at = ?, started_at = ?, "
            + "start_position = ? WHERE id = ?",
        state,
        version,
        now,
        startedAt,
        startPosition,
        id);
    tx.oplog(ws, OplogEntry.CAMPAIGN, id, version, OplogEntry.UPDATE);
    return new Campaign(
        id,
        ws,
        c.name(),
        state,
        c.definitionJson(),
        version,
        c.createdAt(),
        now,
        startedAt,
        startPosition,
        c.fannedOutAt());
  }

  /** Queues each send unless one with its key exists; returns how many were queued. */
  int queue(List<Send.New> sends) throws SQLException {
    int queued = 0;
    int at = 0;
    // Many rows per statement (a fan-out queues pages of 1,000): one round trip per chunk instead
    // of two per send. Chunks of 100, 10 and 1 keep the statement cache to three texts.
    for (int chunk : new int[] {100, 10, 1}) {
      while (sends.size() - at >= chunk) {
        queued += queueChunk(sends.subList(at, at + chunk));
        at += chunk;
      }
    }
    return queued;
  }

  private static final String QUEUE_COLUMNS =
      "INSERT INTO sends (workspace_id, campaign_id, step, contact_id, occurrence, state, "
          + "due_at, expires_at, attempts, version, created_at, updated_at) VALUES ";
  private static final String QUEUE_ROW = "(?, ?, ?, ?, ?, 'queued', ?, ?, 0, 1, ?, ?)";

  /** Inserts the sends not queued yet and an oplog entry for each; how many were new. */
  private int queueChunk(List<Send.New> chunk) throws SQLException {
    String sql =
        QUEUE_COLUMNS
            + String.join(", ", java.util.Collections.nCopies(chunk.size(), QUEUE_ROW))
            + " ON CONFLICT (campaign_id, step, contact_id, occurrence) DO NOTHING"
            + " RETURNING id, workspace_id";
    Object[] args = new Object[chunk.size() * 9];
    int i = 0;
    for (Send.New s : chunk) {
      args[i++] = s.workspaceId();
      args[i++] = s.campaignId();
      args[i++] = s.step();
      args[i++] = s.contactId();
      args[i++] = s.occurrence();
      args[i++] = s.dueAt();
      args[i++] = s.expiresAt();
      args[i++] = nowMillis;
      args[i++] = nowMillis;
    }
    List<long[]> created = new ArrayList<>(chunk.size());
    try (ResultSet rs = db.prepare(sql, args).executeQuery()) {
      while (rs.next()) {
        created.add(new long[] {rs.getLong(1), rs.getLong(2)});
      }
    }
    created.sort(java.util.Comparator.comparingLong(r -> r[0])); // oplog in id order
    tx.oplogCreates(OplogEntry.SEND, created);
    return created.size();
  }

  /**
   * Claims up to {@code limit} sends due by {@code now} (queued or held) of running campaigns in
   * workspaces whose messaging is not paused, that no live claim holds, oldest due first; each is
   * held by {@code holder} until {@code leaseUntil}.
   */
  List<Send> claim(String holder, long now, long leaseUntil, int limit) throws SQLException {
    // While the kill switch is on for every workspace nothing can be claimed; asking first keeps
    // each claim from walking the whole due backlog (a paused broadcast of a million sends) only
    // to find every row paused, inside the write lock.
    if (db.exists("SELECT 1 FROM messaging_pauses WHERE workspace_id = 0")) {
      return List.of();
    }
    List<Send> due =
        MessagingReads.sends(
            db.prepare(
                MessagingReads.SEND_COLUMNS
                    + "JOIN campaigns c ON c.id = s.campaign_id "
                    + "WHERE s.state IN ('queued', 'held') AND s.due_at <= ? "
                    + "AND (s.claimed_until IS NULL OR s.claimed_until < ?) "
                    + "AND c.state = 'running' "
                    + "AND NOT EXISTS (SELECT 1 FROM messaging_pauses p "
                    + "WHERE p.workspace_id IN (0, s.workspace_id)) "
                    + "ORDER BY s.due_at, s.id LIMIT ?",
                now,
                now,
                limit));
    for (Send s : due) {
      db.update(
          "UPDATE sends SET claimed_by = ?, claimed_until = ? WHERE id = ?",
          holder,
          leaseUntil,
          s.id());
    }
    return due;
  }

  /**
   * Records what became of a send {@code holder} claimed, and queues the next step's send with it;
   * false, and nothing written, when the send is not held by that claim any more (its lease ran out
   * and another sender took it, or it is final).
   */
  boolean record(long sendId, String holder, Send.Outcome o) throws SQLException {
    Send s = reads.send(db, sendId).orElse(null);
    String claimedBy = db.queryString("SELECT claimed_by FROM sends WHERE id = ?", sendId);
    if (s == null || s.isFinal() || !holder.equals(claimedBy)) {
      return false;
    }
    long version = db.queryLong("SELECT version FROM sends WHERE id = ?", sendId) + 1;
    int attempts = s.attempts() + (o.attempted() ? 1 : 0);
    boolean sent = o.state().equals(Send.SENT);
    // An outcome decided without an attempt (expired on claim, skipped, held) keeps the last
    // receiver's status: a send that expired after retries on 503s must still say 503
    // (MessagingSearchDownIT found it recorded as null).
    Integer status = o.status() == null && !o.attempted() ? s.lastStatus() : o.status();
    db.update(
        "UPDATE sends SET state = ?, reason = ?, last_status = ?, due_at = ?, attempts = ?, "
            + "claimed_by = NULL, claimed_until = NULL, version = ?, updated_at = ?, sent_at = ? "
            + "WHERE id = ?",
        o.state(),
        o.reason(),
        status,
        o.dueAt() == null ? s.dueAt() : o.dueAt(),
        attempts,
        version,
        nowMillis,
        sent ? nowMillis : null,
        sendId);
    tx.oplog(s.workspaceId(), OplogEntry.SEND, sendId, version, OplogEntry.UPDATE);
    if (o.next() != null) {
      queue(List.of(o.next()));
    }
    return true;
  }

  void markFannedOut(long campaignId) throws SQLException {
    db.update(
        "UPDATE campaigns SET fanned_out_at = ? WHERE id = ? AND fanned_out_at IS NULL",
        nowMillis / 1000,
        campaignId);
  }

  void setCursor(String name, long position) throws SQLException {
    db.update(
        "INSERT INTO messaging_cursors (name, position) VALUES (?, ?) "
            + "ON CONFLICT (name) DO UPDATE SET position = excluded.position",
        name,
        position);
  }

  void addMember(long campaignId, long contactId, long since) throws SQLException {
    db.update(
        "INSERT INTO segment_entry_members (campaign_id, contact_id, since) VALUES (?, ?, ?) "
            + "ON CONFLICT (campaign_id, contact_id) DO NOTHING",
        campaignId,
        contactId,
        since);
  }

  void removeMember(long campaignId, long contactId) throws SQLException {
    db.update(
        "DELETE FROM segment_entry_members WHERE campaign_id = ? AND contact_id = ?",
        campaignId,
        contactId);
  }

  void clearMembers(long campaignId) throws SQLException {
    db.update("DELETE FROM segment_entry_members WHERE campaign_id = ?", campaignId);
  }

  void setPaused(long ws, boolean paused) throws SQLException {
    if (ws != 0) {
      tx.requireWorkspaceExists(ws);
    }
    if (paused) {
      db.update(
          "INSERT INTO messaging_pauses (workspace_id, paused_at) VALUES (?, ?) "
              + "ON CONFLICT (workspace_id) DO NOTHING",
          ws,
          nowMillis);
    } else {
      db.update("DELETE FROM messaging_pauses WHERE workspace_id = ?", ws);
    }
  }
}
