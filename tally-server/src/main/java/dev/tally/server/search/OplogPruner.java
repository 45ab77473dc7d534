package dev.tally.server.search;

import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import java.time.InstantSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the oplog to its retention: every so often, entries older than the retention go (never the
 * newest), and the store's floor rises with them. An index or snapshot left behind the floor is
 * rebuilt, never replayed with a gap (the projector refuses, the healer acts).
 */
public final class OplogPruner implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(OplogPruner.class);

  private final Store store;
  private final Duration retention;
  private final InstantSource clock;
  private Scheduler.Task task;

  public OplogPruner(Store store, Duration retention, InstantSource clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
  }

  /**
   * Prunes now, then every tenth of the retention (at most hourly, at least every second): the
   * oplog overshoots its retention by little.
   */
  public OplogPruner start(Scheduler scheduler) {
    Duration every =
        Duration.ofNanos(
            Math.min(
                Duration.ofHours(1).toNanos(),
                Math.max(Duration.ofSeconds(1).toNanos(), retention.toNanos() / 10)));
    task = scheduler.every("oplog-pruner", Duration.ZERO, every, this::pruneNow);
    return this;
  }

  /** Prunes once now; returns how many entries went. */
  public int pruneNow() {
    long before = clock.instant().minus(retention).getEpochSecond();
    int removed = store.write(tx -> tx.pruneOplog(before)).value();
    if (removed > 0) {
      LOG.atInfo()
          .addKeyValue("removed", removed)
          .addKeyValue("floor", store.oplogFloor())
          .addKeyValue("retention", retention.toString())
          .log("oplog pruned to its retention");
    }
    return removed;
  }

  @Override
  public void close() {
    if (task != null) {
      task.close();
    }
  }
}
