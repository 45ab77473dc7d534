package dev.tally.server.messaging;

import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.messaging.Trigger;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Event;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Send;
import dev.tally.core.query.Query;
import dev.tally.core.query.ReferenceEvaluator;
import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import dev.tally.server.search.SearchService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Queues the first send of each contact that enters a running campaign (docs/messaging.md). One
 * process at a time does it (a lease in the store); queueing is idempotent by the send's key, so a
 * run that a crash interrupted is simply run again.
 *
 * <ul>
 *   <li><b>Broadcast</b>: every contact matching the audience when the campaign started, read from
 *       the index once it has applied the campaign's start position and is ready for the workspace
 *       (it waits, and says so, rather than fan out from an index that is behind or empty); one
 *       occurrence (0) per contact. Marked fanned out when the last page is queued.
 *   <li><b>Event</b>: each new event of the trigger's name recorded after the campaign started,
 *       read from the oplog (not from search), for a contact whose store document matches the
 *       audience then; the event's id is the occurrence. A cursor in the store says how far the
 *       oplog was read.
 *   <li><b>Segment entry</b>: each time a contact goes from not in to in the campaign's segment,
 *       judged on the store's documents of the contacts the oplog says changed, and for
 *       relative-time segments by a periodic re-check ({@link SegmentEntries}); the oplog position
 *       of the entry is the occurrence. The members at the start are recorded, not sent to.
 * </ul>
 */
public final class FanOut implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(FanOut.class);

  static final String LEASE = "messaging-fanout";
  static final String EVENTS_CURSOR = "events";
  private static final Duration LEASE_TTL = Duration.ofSeconds(30);

  /** Contacts queued per transaction, and oplog entries read per step. */
  static final int PAGE = 1000;

  /**
   * Contacts a broadcast reads from the index per search: each search after a cursor visits the
   * audience's matches again, so fewer, larger pages cost less at a million contacts (queued in
   * transactions of {@link #PAGE}). Below OpenSearch's default result window (10,000, which a page
   * of 10,000 and the one more it asks for to know whether a next page exists would pass).
   */
  static final int SEARCH_PAGE = 5_000;

  private final Store store;
  private final SearchService search;
  private final String holder;
  private final InstantSource clock;
  private final SegmentEntries segmentEntries;
  private Scheduler.Task task;
  // System.nanoTime() from which the lease must be renewed; 0: not held
  private volatile long leaseRenewAt;
  private final java.util.concurrent.ExecutorService pageWriter =
      java.util.concurrent.Executors.newSingleThreadExecutor(
          r -> {
            Thread t = new Thread(r, "tally-fanout-writer");
            t.setDaemon(true);
            return t;
          });

  public FanOut(Store store, SearchService search, String holder, InstantSource clock) {
    this(store, search, holder, clock, Duration.ofSeconds(60));
  }

  /**
   * @param segmentRecheck how often relative-time segments are judged again for their campaigns (0:
   *     never)
   */
  public FanOut(
      Store store,
      SearchService search,
      String holder,
      InstantSource clock,
      Duration segmentRecheck) {
    this.store = store;
    this.search = search;
    this.holder = holder;
    this.clock = clock;
    this.segmentEntries = new SegmentEntries(store, search, clock, segmentRecheck);
  }

  /** Runs a round every second (tests). */
  public FanOut start(Scheduler scheduler) {
    return start(scheduler, Duration.ofSeconds(1));
  }

  /**
   * Runs a round every {@code interval}: an event is queued for its campaigns at most about that
   * long after it is recorded (0: this process fans out nothing).
   */
  public FanOut start(Scheduler scheduler, Duration interval) {
    task = scheduler.every("messaging-fanout", Duration.ZERO, interval, this::run);
    return this;
  }

  /**
   * Takes or renews the fan-out lease, a store write, only when less than half of it is left by
   * this process's own monotonic clock: a round every 200 ms would otherwise cost a durable write
   * each. Between renewals the lease is surely still ours (nobody may take it before it expires,
   * and half of it has not yet passed since the store granted it).
   */
  private boolean holdLease() {
    long now = System.nanoTime();
    if (leaseRenewAt != 0 && now - leaseRenewAt < 0) {
      return true;
    }
    if (!store.acquireLease(LEASE, holder, LEASE_TTL)) {
      leaseRenewAt = 0;
      return false;
    }
    leaseRenewAt = now + LEASE_TTL.toNanos() / 2;
    return true;
  }

  /**
   * One round: the broadcasts not yet fanned out, the events recorded since the last, then segment
   * entries.
   */
  public void run() {
    if (!holdLease()) {
      return;
    }
    List<Campaign> running = store.runningCampaigns();
    for (Campaign c : running) {
      if (c.fannedOutAt() == null) {
        CampaignDefinition d = definition(c);
        if (d.trigger() instanceof Trigger.Broadcast) {
          broadcast(c, d);
        }
      }
    }
    events(running);
    segmentEntries.run(running);
  }

  private CampaignDefinition definition(Campaign c) {
    return CampaignDefinition.fromStored(c.definitionJson(), search.parser(c.workspaceId()));
  }

  private void broadcast(Campaign c, CampaignDefinition d) {
    Optional<CampaignDefinition.NextSend> first = d.nextSend(-1);
    if (first.isPresent()) {
      Query audience =
          d.audience() == null ? new Query.Group(Query.Logic.AND, List.of()) : d.audience().query();
      SearchRequest.Cursor after = null;
      // One page's write overlaps the next page's search: the write waits on a durable commit,
      // the search on the index, and neither needs the other.
      CompletableFuture<?> writing = CompletableFuture.completedFuture(null);
      try {
        do {
          SearchPage page =
              search.ids(c.workspaceId(), audience, SEARCH_PAGE, after, c.startPosition());
          List<Long> ids = page.ids();
          for (int at = 0; at < ids.size(); at += PAGE) {
            List<Send.New> batch = new ArrayList<>(PAGE);
            for (long contactId : ids.subList(at, Math.min(ids.size(), at + PAGE))) {
              batch.add(first(c, d, first.get(), contactId, 0));
            }
            awaitWrite(writing);
            writing =
                CompletableFuture.runAsync(
                    () -> store.write(tx -> tx.queueSends(batch)), pageWriter);
          }
          after = page.next();
        } while (after != null);
        awaitWrite(writing);
      } catch (TallyException e) {
        awaitQuietly(writing);
        if (e.retriable()) {
          LOG.atInfo()
              .addKeyValue("campaign", c.id())
              .addKeyValue("reason", e.getMessage())
              .log("broadcast waits for the index");
          return;
        }
        throw e;
      }
    }
    store.write(
        tx -> {
          tx.markFannedOut(c.id());
          return null;
        });
    LOG.atInfo().addKeyValue("campaign", c.id()).log("broadcast fanned out");
  }

  /** Waits for a page's write; its failure is thrown as it was. */
  private static void awaitWrite(CompletableFuture<?> writing) {
    try {
      writing.join();
    } catch (java.util.concurrent.CompletionException e) {
      if (e.getCause() instanceof RuntimeException r) {
        throw r;
      }
      throw e;
    }
  }

  /** Lets a page's write finish before the round ends (it is idempotent; its failure is moot). */
  private static void awaitQuietly(CompletableFuture<?> writing) {
    try {
      writing.join();
    } catch (RuntimeException ignored) {
      // the next round queues that page again
    }
  }

  /** Campaigns by (workspace, event name) of the running event-triggered ones. */
  private Map<String, List<Map.Entry<Campaign, CampaignDefinition>>> byEvent(
      List<Campaign> running) {
    Map<String, List<Map.Entry<Campaign, CampaignDefinition>>> out = new HashMap<>();
    for (Campaign c : running) {
      CampaignDefinition d = definition(c);
      if (d.trigger() instanceof Trigger.Event e) {
        out.computeIfAbsent(c.workspaceId() + "\n" + e.eventName(), k -> new ArrayList<>())
            .add(Map.entry(c, d));
      }
    }
    return out;
  }

  private void events(List<Campaign> running) {
    Map<String, List<Map.Entry<Campaign, CampaignDefinition>>> campaigns = byEvent(running);
    long cursor = OplogCursor.start(store, EVENTS_CURSOR, !campaigns.isEmpty(), "events");
    if (cursor < 0) {
      return;
    }
    while (true) {
      List<OplogEntry> entries = store.oplog(cursor, PAGE);
      if (entries.isEmpty()) {
        return;
      }
      Map<Long, Long> positionOf = new HashMap<>();
      for (OplogEntry e : entries) {
        if (e.entity().equals(OplogEntry.EVENT) && e.op().equals(OplogEntry.CREATE)) {
          positionOf.put(e.entityId(), e.position());
        }
      }
      List<Send.New> batch = new ArrayList<>();
      List<Event> events = store.eventsById(positionOf.keySet());
      Set<Long> contactIds = new LinkedHashSet<>();
      events.forEach(ev -> contactIds.add(ev.contactId()));
      Map<Long, ContactDocument> docs = new HashMap<>();
      if (!contactIds.isEmpty()) {
        // Live contacts only: an archived or deleted one enters no campaign.
        store.documents(contactIds).forEach(d -> docs.put(d.contact().id(), d));
      }
      long now = clock.instant().getEpochSecond();
      for (Event ev : events) {
        ContactDocument doc = docs.get(ev.contactId());
        List<Map.Entry<Campaign, CampaignDefinition>> targets =
            campaigns.get(ev.workspaceId() + "\n" + ev.name());
        if (doc == null || targets == null) {
          continue;
        }
        for (Map.Entry<Campaign, CampaignDefinition> t : targets) {
          Campaign c = t.getKey();
          CampaignDefinition d = t.getValue();
          boolean afterStart = positionOf.get(ev.id()) > c.startPosition();
          boolean audience =
              d.audience() == null || ReferenceEvaluator.matches(d.audience().query(), doc, now);
          Optional<CampaignDefinition.NextSend> first = d.nextSend(-1);
          if (afterStart && audience && first.isPresent()) {
            batch.add(first(c, d, first.get(), ev.contactId(), ev.id()));
          }
        }
      }
      long last = entries.get(entries.size() - 1).position();
      store.write(
          tx -> {
            tx.queueSends(batch);
            tx.setMessagingCursor(EVENTS_CURSOR, last);
            return null;
          });
      cursor = last;
      if (entries.size() < PAGE) {
        return;
      }
    }
  }

  private Send.New first(
      Campaign c,
      CampaignDefinition d,
      CampaignDefinition.NextSend next,
      long contactId,
      long occurrence) {
    long due = clock.millis() + next.after().toMillis();
    return new Send.New(
        c.workspaceId(),
        c.id(),
        next.step(),
        contactId,
        occurrence,
        due,
        due + d.expiresAfter().toMillis());
  }

  @Override
  public void close() {
    if (task != null) {
      task.close();
    }
    pageWriter.shutdown();
    // Hand the lease back on a clean stop, so that the next process (or this one restarted) fans
    // out at once instead of waiting out the lease; a run still finishing only queues what is
    // idempotent anyway.
    if (leaseRenewAt != 0) {
      leaseRenewAt = 0;
      try {
        store.releaseLease(LEASE, holder);
      } catch (RuntimeException e) {
        LOG.atInfo()
            .addKeyValue("error", String.valueOf(e.getMessage()))
            .log("the fan-out lease was not handed back; it expires on its own");
      }
    }
  }
}
