package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.bench.common.LongList;
import dev.tally.index.opensearch.Fields;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures commit → searchable on OpenSearch by asking OpenSearch itself, not Tally (whose {@code
 * visiblePosition()} on OpenSearch is an estimate: acknowledged + refresh interval + 1 s). Every
 * acknowledged write hands over (ack time, contact id). This thread sends {@code _count} for the
 * workspace every {@code periodMillis}; a search sees a new refresh exactly when that count changes
 * (every write here creates a contact), and then it fetches the ids now visible at or above the
 * lowest still-pending id (paged by id) and records, for each pending write among them, freshness =
 * time the count changed − ack time. A write whose document was visible before its acknowledgement
 * reached the client counts 0. Resolution: one poll period plus one _count.
 */
final class OpenSearchVisibilitySampler implements AutoCloseable {
  private record Ack(long ackNanos, long id) {}

  private final RawOpenSearch os;
  private final String alias;
  private final String workspace;
  private final long periodNanos;
  private final ConcurrentLinkedQueue<Ack> inbox = new ConcurrentLinkedQueue<>();
  private final TreeMap<Long, Long> pending = new TreeMap<>(); // id → ack nanos
  private final Map<Long, Long> visibleBeforeAck =
      new HashMap<>(); // id → first seen (nanos), for acks still to come
  private final LongList freshness = new LongList();
  private final LongList pollGaps = new LongList();
  private final AtomicLong handed = new AtomicLong();
  private final AtomicLong fetches = new AtomicLong();
  private final AtomicLong directChecks = new AtomicLong();
  private volatile long seen;
  private volatile boolean running = true;
  private volatile Throwable failure;
  private long lastCount = -1;
  private long lastChangeNanos;
  private long lowWater = Long.MIN_VALUE; // the lowest id the last fetch covered
  private final Thread thread;

  OpenSearchVisibilitySampler(String osUrl, String alias, long workspaceId, int periodMillis) {
    this.os = new RawOpenSearch(osUrl);
    this.alias = alias;
    this.workspace = Long.toString(workspaceId);
    this.periodNanos = periodMillis * 1_000_000L;
    this.thread =
        Thread.ofPlatform().name("opensearch-visibility-sampler").daemon(true).start(this::loop);
  }

  void acked(long ackNanos, long id) {
    handed.incrementAndGet();
    inbox.add(new Ack(ackNanos, id));
  }

  private void loop() {
    long last = System.nanoTime();
    try {
      while (running) {
        for (Ack a; (a = inbox.poll()) != null; ) {
          Long early = visibleBeforeAck.remove(a.id);
          if (early != null) {
            freshness.add(Math.max(0, early - a.ackNanos));
          } else if (lastCount >= 0 && a.id < lowWater && visibleNow(a.id)) {
            // below what the last fetch covered and already visible: it became visible at the last
            // change or earlier
            freshness.add(Math.max(0, lastChangeNanos - a.ackNanos));
          } else {
            pending.put(a.id, a.ackNanos);
          }
        }
        long count =
            os.json(
                    "POST",
                    "/" + alias + "/_count",
                    "{\"query\":{\"term\":{\"" + Fields.WORKSPACE + "\":\"" + workspace + "\"}}}")
                .path("count")
                .asLong();
        long now = System.nanoTime();
        if (count != lastCount) {
          lastCount = count;
          lastChangeNanos = now;
          fetchVisible(now);
        }
        seen = freshness.size();
        pollGaps.add(now - last);
        last = now;
        LockSupport.parkNanos(Math.max(0, periodNanos - (System.nanoTime() - now)));
      }
    } catch (Throwable t) {
      failure = t;
    }
  }

  /**
   * The ids visible at or above the lowest pending one: pending writes among them became visible at
   * {@code changeNanos}.
   */
  private void fetchVisible(long changeNanos) {
    fetches.incrementAndGet();
    lowWater = pending.isEmpty() ? lowWater : pending.firstKey();
    if (lowWater == Long.MIN_VALUE) {
      return; // nothing written yet
    }
    Long after = null;
    while (true) {
      String body =
          "{\"query\":{\"bool\":{\"filter\":[{\"term\":{\""
              + Fields.WORKSPACE
              + "\":\""
              + workspace
              + "\"}},{\"range\":{\""
              + Fields.ID
              + "\":{\"gte\":"
              + lowWater
              + "}}}]}},\"size\":10000,\"_source\":false,\"track_total_hits\":false,\"sort\":[{\""
              + Fields.ID
              + "\":\"asc\"}]"
              + (after == null ? "" : ",\"search_after\":[" + after + "]")
              + "}";
      JsonNode hits = os.json("POST", "/" + alias + "/_search", body).path("hits").path("hits");
      for (JsonNode h : hits) {
        long id = Long.parseLong(h.path("_id").asText());
        Long ack = pending.remove(id);
        if (ack != null) {
          freshness.add(Math.max(0, changeNanos - ack));
        } else {
          visibleBeforeAck.putIfAbsent(
              id, changeNanos); // or counted already; such entries are dropped below
        }
      }
      if (hits.size() < 10_000) {
        break;
      }
      after = hits.get(hits.size() - 1).path("sort").get(0).asLong();
    }
    // entries of writes counted long ago (they re-appear above the low water mark) would pile up
    for (Iterator<Long> it = visibleBeforeAck.values().iterator(); it.hasNext(); ) {
      if (changeNanos - it.next() > 120_000_000_000L) {
        it.remove();
      }
    }
    if (!pending.isEmpty()) {
      lowWater = Math.min(lowWater, pending.firstKey());
    }
  }

  private boolean visibleNow(long id) {
    directChecks.incrementAndGet();
    return os.json(
                "POST",
                "/" + alias + "/_count",
                "{\"query\":{\"ids\":{\"values\":[\"" + id + "\"]}}}")
            .path("count")
            .asLong()
        > 0;
  }

  /**
   * Waits until every handed-over write was seen (or the timeout passes); returns how many were
   * not.
   */
  int drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline && failure == null) {
      if (seen == handed.get()) {
        return 0;
      }
      Thread.sleep(5);
    }
    if (failure != null) {
      throw new IllegalStateException("the OpenSearch sampler failed", failure);
    }
    return (int) (handed.get() - seen);
  }

  long[] freshness() {
    return freshness.toArray();
  }

  long[] pollGaps() {
    return pollGaps.toArray();
  }

  long fetches() {
    return fetches.get();
  }

  long directChecks() {
    return directChecks.get();
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    thread.join();
    os.close();
  }
}
