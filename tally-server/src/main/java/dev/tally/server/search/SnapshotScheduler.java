package dev.tally.server.search;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Snapshots of the serving index, taken every --snapshot-interval and on demand, keeping the newest
 * --snapshot-keep; and the warning an operator needs when the newest one could no longer heal the
 * index (none usable within the oplog's retention means healing is a full rebuild).
 */
final class SnapshotScheduler {
  private static final Logger LOG = LoggerFactory.getLogger(SnapshotScheduler.class);

  private final IndexManager indexes;
  private final IndexEngine engine;
  private final Store store;
  private volatile int keep = 4;
  private volatile Duration oplogRetention = Duration.ofDays(7);

  /** One snapshot at a time: a prune would remove a concurrent one's files while it writes them. */
  private final java.util.concurrent.locks.ReentrantLock taking =
      new java.util.concurrent.locks.ReentrantLock();

  SnapshotScheduler(IndexManager indexes, IndexEngine engine, Store store) {
    this.indexes = indexes;
    this.engine = engine;
    this.store = store;
  }

  /**
   * Takes snapshots every {@code interval} (zero, or an engine without snapshots: never), keeping
   * the newest {@code keep}.
   */
  Scheduler.Task schedule(
      Scheduler scheduler, Duration interval, int keep, Duration oplogRetention) {
    this.keep = keep;
    this.oplogRetention = oplogRetention;
    return scheduler.every(
        "index-snapshots",
        engine.supportsSnapshots() ? interval : Duration.ZERO,
        () -> {
          // Never an index known to be bad, and not beside a snapshot asked for by hand.
          if (indexes.healingCause() == null && !indexes.rebuilding() && !taking.isLocked()) {
            takeNow();
          }
        });
  }

  /** Takes a snapshot of the serving index now and keeps the newest few. */
  IndexEngine.SnapshotInfo takeNow() {
    HealingPolicy.Cause healing = indexes.healingCause();
    if (healing != null) {
      throw TallyException.conflict(
          "the index is being healed ("
              + healing.words()
              + "); a snapshot of it now would not be usable");
    }
    if (!taking.tryLock()) {
      throw TallyException.conflict(
          "a snapshot of the index is being taken now; it is listed by GET /admin/index/snapshots when done");
    }
    IndexEngine.SnapshotInfo s;
    try {
      s = engine.snapshot(indexes.servingGeneration());
      engine.pruneSnapshots(keep);
    } finally {
      taking.unlock();
    }
    LOG.atInfo()
        .addKeyValue("snapshot", s.name())
        .addKeyValue("position", s.position())
        .addKeyValue("bytes", s.bytes())
        .log("index snapshot taken");
    return s;
  }

  List<IndexEngine.SnapshotInfo> list() {
    return engine.snapshots();
  }

  /**
   * Null while the newest snapshot can heal the index; otherwise a warning for operators: it is
   * about to fall (or has fallen) out of the oplog's retention, after which healing means a full
   * rebuild from the store.
   */
  String warning(Instant now) {
    if (!engine.supportsSnapshots()) {
      return null;
    }
    List<IndexEngine.SnapshotInfo> all = engine.snapshots();
    if (all.isEmpty()) {
      return null; // a new deployment: the first scheduled snapshot comes soon
    }
    IndexEngine.SnapshotInfo newest = all.get(0);
    if (newest.position() < store.oplogFloor()) {
      return "the newest index snapshot ("
          + newest.name()
          + ") is older than the oplog kept; healing would rebuild from the store. "
          + "Check that snapshots are being taken (tally snapshot)";
    }
    Duration age = Duration.between(newest.takenAt(), now);
    if (age.compareTo(oplogRetention.multipliedBy(4).dividedBy(5)) > 0) {
      return "the newest index snapshot ("
          + newest.name()
          + ") is "
          + age.toHours()
          + " h old, close to the oplog's retention of "
          + oplogRetention.toHours()
          + " h; once past it, healing means a full rebuild. Take one (tally snapshot) and check the schedule";
    }
    return null;
  }
}
