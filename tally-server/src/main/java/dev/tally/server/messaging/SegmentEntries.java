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
import dev.tally.core.model.Segment;
import dev.tally.core.model.Send;
import dev.tally.core.query.ReferenceEvaluator;
import dev.tally.core.store.Store;
import dev.tally.server.search.SearchService;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Segment-entry fan-out (docs/messaging.md, "Segment-entry fan-out"). An entry is a contact going
 * from not in to in a campaign's segment; who was in is kept in the store per campaign, so an entry
 * is seen once however often the oplog is read again (no double send), and every change of a
 * contact after a campaign's seed position is judged (no missed entry). Judged on the store's
 * current documents with the reference evaluator, never on the index; the index only lists the
 * members at the seed and the candidates of a relative-time re-check.
 *
 * <p>Runs in FanOut's round, under its lease: one process at a time.
 */
final class SegmentEntries {
  private static final Logger LOG = LoggerFactory.getLogger(SegmentEntries.class);

  /** How far the on-change step has read the oplog. */
  static final String CURSOR = "segments";

  /** A campaign's seed position: present once its members at the start are recorded. */
  static String seedCursor(long campaignId) {
    return "segment-entry:" + campaignId;
  }

  private record Target(
      Campaign campaign, CampaignDefinition definition, Definitions.Loaded loaded, long seededAt) {}

  private final Store store;
  private final SearchService search;
  private final InstantSource clock;
  private final Definitions definitions;
  private final Duration recheckInterval;
  private long lastRecheckMillis = Long.MIN_VALUE;

  SegmentEntries(Store store, SearchService search, InstantSource clock, Duration recheckInterval) {
    this.store = store;
    this.search = search;
    this.clock = clock;
    this.recheckInterval = recheckInterval;
    this.definitions = new Definitions(store, search::parser);
  }

  void run(List<Campaign> running) {
    List<Campaign> campaigns = new ArrayList<>();
    for (Campaign c : running) {
      if (c.definitionJson().contains("segment_entry")
          && definitions.load(c).definition().trigger() instanceof Trigger.SegmentEntry) {
        campaigns.add(c);
      }
    }
    changes(campaigns);
    List<Target> seeded = new ArrayList<>();
    for (Campaign c : campaigns) {
      Definitions.Loaded l = definitions.load(c);
      if (l.segment() == null) {
        continue; // the segment is gone: nobody can enter it
      }
      OptionalLong at = store.messagingCursor(seedCursor(c.id()));
      if (at.isPresent()) {
        seeded.add(new Target(c, l.definition(), l, at.getAsLong()));
      } else {
        seed(c, l);
      }
    }
    long now = clock.millis();
    if (!seeded.isEmpty()
        && !recheckInterval.isZero()
        && (lastRecheckMillis == Long.MIN_VALUE
            || now - lastRecheckMillis >= recheckInterval.toMillis())) {
      lastRecheckMillis = now;
      for (Target t : seeded) {
        if (relativeTime(t)) {
          recheck(t);
        }
      }
    }
  }

  /** Records the segment's members at the start, from the index, without a send. */
  private void seed(Campaign c, Definitions.Loaded l) {
    long start = c.startPosition() == null ? 0 : c.startPosition();
    long at = Math.max(start, store.messagingCursor(CURSOR).orElse(store.head()));
    store.write(
        tx -> {
          tx.clearSegmentEntryMembers(c.id());
          return null;
        });
    SearchRequest.Cursor after = null;
    try {
      do {
        SearchPage page = search.ids(c.workspaceId(), l.segment(), FanOut.PAGE, after, at);
        store.write(
            tx -> {
              for (long id : page.ids()) {
                tx.addSegmentEntryMember(c.id(), id, 0);
              }
              return null;
            });
        after = page.next();
      } while (after != null);
    } catch (TallyException e) {
      if (e.retriable()) {
        LOG.atInfo()
            .addKeyValue("campaign", c.id())
            .addKeyValue("reason", e.getMessage())
            .log("segment-entry campaign waits for the index to record its members at the start");
        return;
      }
      throw e;
    }
    store.write(
        tx -> {
          tx.setMessagingCursor(seedCursor(c.id()), at);
          tx.markFannedOut(c.id());
          return null;
        });
    LOG.atInfo()
        .addKeyValue("campaign", c.id())
        .addKeyValue("position", at)
        .log("segment-entry campaign seeded with the segment's members at its start");
  }

  /** The oplog after the cursor: contacts that changed, judged again for each seeded campaign. */
  private void changes(List<Campaign> campaigns) {
    long cursor = OplogCursor.start(store, CURSOR, !campaigns.isEmpty(), "contact changes");
    if (cursor < 0) {
      return;
    }
    List<Target> targets = new ArrayList<>();
    for (Campaign c : campaigns) {
      Definitions.Loaded l = definitions.load(c);
      OptionalLong at = store.messagingCursor(seedCursor(c.id()));
      if (l.segment() != null && at.isPresent()) {
        targets.add(new Target(c, l.definition(), l, at.getAsLong()));
      }
    }
    while (true) {
      List<OplogEntry> entries = store.oplog(cursor, FanOut.PAGE);
      if (entries.isEmpty()) {
        return;
      }
      // The last position at which each contact changed in this page.
      Map<Long, Long> changed = new LinkedHashMap<>();
      Map<Long, Long> eventPositions = new HashMap<>();
      for (OplogEntry e : entries) {
        if (e.entity().equals(OplogEntry.CONTACT)) {
          changed.merge(e.entityId(), e.position(), Math::max);
        } else if (e.entity().equals(OplogEntry.EVENT) && e.op().equals(OplogEntry.CREATE)) {
          eventPositions.put(e.entityId(), e.position());
        }
      }
      if (!eventPositions.isEmpty() && !targets.isEmpty()) {
        for (Event ev : store.eventsById(eventPositions.keySet())) {
          changed.merge(ev.contactId(), eventPositions.get(ev.id()), Math::max);
        }
      }
      Changes out = new Changes();
      if (!targets.isEmpty() && !changed.isEmpty()) {
        Map<Long, ContactDocument> docs = documents(changed.keySet());
        for (Target t : targets) {
          Map<Long, Long> after = new LinkedHashMap<>();
          changed.forEach(
              (id, position) -> {
                ContactDocument d = docs.get(id);
                if (position > t.seededAt()
                    && (d == null || d.contact().workspaceId() == t.campaign().workspaceId())) {
                  after.put(id, position);
                }
              });
          judge(t, after, docs, out);
        }
      }
      long last = entries.get(entries.size() - 1).position();
      out.write(store, CURSOR, last);
      cursor = last;
      if (entries.size() < FanOut.PAGE) {
        return;
      }
    }
  }

  /** Live documents only: an archived or deleted contact is in no segment. */
  private Map<Long, ContactDocument> documents(Collection<Long> ids) {
    Map<Long, ContactDocument> docs = new HashMap<>();
    store.documents(ids).forEach(d -> docs.put(d.contact().id(), d));
    return docs;
  }

  /**
   * Judges these contacts (each with the occurrence an entry would have) on their documents against
   * the campaign's recorded members: entries and exits go into {@code out}.
   */
  private void judge(
      Target t, Map<Long, Long> occurrences, Map<Long, ContactDocument> docs, Changes out) {
    if (occurrences.isEmpty()) {
      return;
    }
    Campaign c = t.campaign();
    CampaignDefinition d = t.definition();
    Map<Long, Long> members = store.segmentEntryMembers(c.id(), occurrences.keySet());
    long now = clock.instant().getEpochSecond();
    Optional<CampaignDefinition.NextSend> first = d.nextSend(-1);
    occurrences.forEach(
        (id, occurrence) -> {
          ContactDocument doc = docs.get(id);
          boolean in =
              doc != null
                  && doc.contact().workspaceId() == c.workspaceId()
                  && ReferenceEvaluator.matches(t.loaded().segment(), doc, now);
          boolean was = members.containsKey(id);
          if (in && !was) {
            out.entered.add(new long[] {c.id(), id, occurrence});
            boolean audience =
                d.audience() == null || ReferenceEvaluator.matches(d.audience().query(), doc, now);
            if (audience && first.isPresent()) {
              long due = clock.millis() + first.get().after().toMillis();
              out.sends.add(
                  new Send.New(
                      c.workspaceId(),
                      c.id(),
                      first.get().step(),
                      id,
                      occurrence,
                      due,
                      due + d.expiresAfter().toMillis()));
            }
          } else if (!in && was) {
            out.left.add(new long[] {c.id(), id});
          }
        });
  }

  /** A segment whose query uses relative times ("now-7d") is entered and left by the clock. */
  private boolean relativeTime(Target t) {
    Trigger.SegmentEntry e = (Trigger.SegmentEntry) t.definition().trigger();
    Optional<Segment> s = store.segment(t.campaign().workspaceId(), e.segmentId());
    return s.isPresent() && s.get().queryJson().contains("\"now");
  }

  /**
   * Re-judges a relative-time segment: the members per the index and the recorded members, each one
   * that is in only one of the two judged on its store document. Bounded by the segment's size plus
   * its recorded members, a page at a time.
   */
  private void recheck(Target t) {
    Campaign c = t.campaign();
    long at = Math.max(t.seededAt(), store.messagingCursor(CURSOR).orElse(0));
    Set<Long> indexed = new LinkedHashSet<>();
    SearchRequest.Cursor after = null;
    try {
      do {
        SearchPage page = search.ids(c.workspaceId(), t.loaded().segment(), FanOut.PAGE, after, at);
        indexed.addAll(page.ids());
        after = page.next();
      } while (after != null);
    } catch (TallyException e) {
      if (e.retriable()) {
        LOG.atInfo()
            .addKeyValue("campaign", c.id())
            .addKeyValue("reason", e.getMessage())
            .log("segment-entry re-check waits for the index");
        return;
      }
      throw e;
    }
    Set<Long> toJudge = new LinkedHashSet<>();
    Set<Long> recorded = new LinkedHashSet<>();
    long afterId = 0;
    while (true) {
      List<Long> page = store.segmentEntryMembersAfter(c.id(), afterId, FanOut.PAGE);
      for (long id : page) {
        recorded.add(id);
        if (!indexed.contains(id)) {
          toJudge.add(id);
        }
      }
      if (page.size() < FanOut.PAGE) {
        break;
      }
      afterId = page.get(page.size() - 1);
    }
    for (long id : indexed) {
      if (!recorded.contains(id)) {
        toJudge.add(id);
      }
    }
    long occurrence = store.head();
    List<Long> ids = new ArrayList<>(toJudge);
    for (int i = 0; i < ids.size(); i += FanOut.PAGE) {
      List<Long> chunk = ids.subList(i, Math.min(ids.size(), i + FanOut.PAGE));
      Map<Long, Long> occurrences = new LinkedHashMap<>();
      chunk.forEach(id -> occurrences.put(id, occurrence));
      Changes out = new Changes();
      judge(t, occurrences, documents(chunk), out);
      out.write(store, null, 0);
    }
  }

  /** Entries, exits and first sends of one step, written in one transaction with the cursor. */
  private static final class Changes {
    final List<long[]> entered = new ArrayList<>();
    final List<long[]> left = new ArrayList<>();
    final List<Send.New> sends = new ArrayList<>();

    void write(Store store, String cursor, long position) {
      if (entered.isEmpty() && left.isEmpty() && cursor == null) {
        return;
      }
      store.write(
          tx -> {
            for (long[] e : entered) {
              tx.addSegmentEntryMember(e[0], e[1], e[2]);
            }
            for (long[] e : left) {
              tx.removeSegmentEntryMember(e[0], e[1]);
            }
            tx.queueSends(sends);
            if (cursor != null) {
              tx.setMessagingCursor(cursor, position);
            }
            return null;
          });
    }
  }
}
