package dev.tally.core.projection;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tails the oplog into the index. Every step is "bring these ids up to their current version": the
 * ids named by a run of oplog entries are read again from the store and written to the index with
 * their versions, together with the position the run reaches. Because the store is read at apply
 * time and the index refuses older versions, replaying any part of the oplog any number of times
 * converges ("projection is idempotent and monotonic", docs/invariants.md); rebuilding is the same
 * step over every id.
 *
 * <p>The tailer reads {@code position > visible} in order; positions are assigned in commit order
 * by the store, so no committed entry is passed over ("the oplog never skips", docs/invariants.md).
 */
public final class Projector implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(Projector.class);

  private final Store store;
  private final SearchIndex index;
  private final Duration idlePoll;
  private final int batchSize;
  private final Thread thread;
  private volatile BooleanSupplier leading = () -> true;
  private volatile boolean running = true;
  private volatile String lastError;
  private volatile long lastErrorAtMillis;

  public Projector(Store store, SearchIndex index, Duration idlePoll, int batchSize) {
    this.store = store;
    this.index = index;
    this.idlePoll = idlePoll;
    this.batchSize = batchSize;
    this.thread = Thread.ofPlatform().name("tally-projector").daemon(true).unstarted(this::loop);
  }

  /**
   * Projects only while {@code leading} says so: where several Tally processes share one index, the
   * holder of the store's projector lease applies the oplog and the others stand by.
   */
  public Projector onlyWhile(BooleanSupplier leading) {
    this.leading = leading;
    return this;
  }

  public Projector start() {
    thread.start();
    return this;
  }

  /** Null while projection works; otherwise its last failure, for readiness. */
  public String lastError() {
    return lastError;
  }

  private void loop() {
    while (running) {
      try {
        if (!leading.getAsBoolean()) {
          LockSupport.parkNanos(idlePoll.toNanos() * 10);
          continue;
        }
        int applied = stepCount();
        if (applied == 0) {
          index.maybeCommit();
        }
        if (applied < batchSize) {
          // Let a few more entries gather: each apply costs a searcher refresh, so applying one
          // entry at a time under load would spend a core on refreshes. The wait bounds freshness.
          LockSupport.parkNanos(idlePoll.toNanos());
        }
        lastError = null;
      } catch (RuntimeException | AssertionError e) {
        // AssertionError too: Lucene's assertions trip on a corrupt index, and a projector thread
        // that dies would leave the index behind for good; the index is healed beside it instead.
        lastError = String.valueOf(e.getMessage());
        lastErrorAtMillis = System.currentTimeMillis();
        LOG.atWarn()
            .addKeyValue("error", String.valueOf(e.getMessage()))
            .addKeyValue("position", written(index))
            .log("projection failed; retrying in 1 s");
        LockSupport.parkNanos(Duration.ofSeconds(1).toNanos());
      }
    }
  }

  /** Applies the next run of oplog entries; false when there was nothing to apply. */
  public boolean step() {
    return stepCount() > 0;
  }

  /**
   * Everything the index was given so far: searchable but not yet durable in Lucene (visible runs
   * ahead), durable but not yet searchable in OpenSearch (applied runs ahead).
   */
  public static long written(SearchIndex index) {
    return Math.max(index.appliedPosition(), index.visiblePosition());
  }

  /** Applies the next run of oplog entries and returns how many there were. */
  private int stepCount() {
    long from = written(index);
    List<OplogEntry> entries = store.oplog(from, batchSize);
    if (entries.isEmpty()) {
      return 0;
    }
    // Pruning leaves a gap after `from`; without one nothing this index needs was pruned, and the
    // floor need not be read (a read per step, otherwise). Positions may skip for other reasons
    // (a rolled-back transaction drew a number), and then the floor is read.
    long floor = entries.get(0).position() == from + 1 ? from : store.oplogFloor();
    if (from < floor) {
      // Entries this index never saw were pruned: applying what is left would skip them silently.
      throw new IllegalStateException(
          "the index is at oplog position "
              + from
              + ", but entries up to "
              + floor
              + " were pruned by the oplog's retention; it must be rebuilt from the store");
    }
    Set<Long> ids = new LinkedHashSet<>();
    Map<Long, OplogEntry> lastEntry = new HashMap<>();
    List<Long> deletedWorkspaces = new ArrayList<>();
    for (OplogEntry e : entries) {
      if (e.entity().equals(OplogEntry.CONTACT)) {
        ids.add(e.entityId());
        lastEntry.put(e.entityId(), e);
      } else if (e.entity().equals(OplogEntry.WORKSPACE) && e.op().equals(OplogEntry.DELETE)) {
        deletedWorkspaces.add(e.entityId());
      }
    }
    long position = entries.get(entries.size() - 1).position();
    bringUpToDate(ids, lastEntry, deletedWorkspaces, position);
    return entries.size();
  }

  /**
   * The one path: read these ids from the store now and write what is there, or tombstones for what
   * is gone.
   */
  void bringUpToDate(
      Set<Long> ids, Map<Long, OplogEntry> lastEntry, List<Long> deletedWorkspaces, long position) {
    List<ContactDocument> docs = ids.isEmpty() ? List.of() : store.documents(ids);
    Set<Long> found = new HashSet<>();
    docs.forEach(d -> found.add(d.contact().id()));
    List<IndexBatch.Deletion> deletions = new ArrayList<>();
    for (long id : ids) {
      if (!found.contains(id)) {
        OplogEntry e = lastEntry.get(id);
        deletions.add(new IndexBatch.Deletion(e.workspaceId(), id, e.version()));
      }
    }
    index.apply(new IndexBatch(docs, deletions, deletedWorkspaces, position));
  }

  /**
   * Repair: brings these contacts up to their current version in the store, whatever the oplog
   * says; a contact the store no longer has gets a tombstone one version above the index's copy.
   * The batch carries position 0, so it never moves the index's position (which only grows).
   *
   * @param indexedVersions each contact id with the version the index holds (-1 for none)
   */
  public void redrive(Map<Long, Long> indexedVersions) {
    if (indexedVersions.isEmpty()) {
      return;
    }
    List<ContactDocument> docs = store.documents(indexedVersions.keySet());
    Set<Long> found = new HashSet<>();
    docs.forEach(d -> found.add(d.contact().id()));
    List<IndexBatch.Deletion> deletions = new ArrayList<>();
    indexedVersions.forEach(
        (id, version) -> {
          if (!found.contains(id) && version >= 0) {
            // The workspace is unknown once the store has erased the contact; a tombstone is never
            // searched.
            deletions.add(new IndexBatch.Deletion(0, id, version + 1));
          }
        });
    index.apply(new IndexBatch(docs, deletions, List.of(), 0));
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
    try {
      thread.join(10_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  long lastErrorAtMillis() {
    return lastErrorAtMillis;
  }
}
