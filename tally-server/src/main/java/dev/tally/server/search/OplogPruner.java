package dev.tally.server.search;

import dev.tally.core.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.locks.LockSupport;
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
  private final Thread thread;
  private volatile boolean running = true;

  public OplogPruner(Store store, Duration retention, InstantSource clock) {
    this.store = store;
    this.retention = retention;
    this.clock = clock;
    this.thread = Thread.ofPlatform().name("tally-oplog-pruner").daemon(true).unstarted(this::loop);
  }

  public OplogPruner start() {
    thread.start();
    return this;
  }

  /** Prunes once now; returns how many entries went. */
  public int pruneNow() {
    long before = clock.instant().minus(retention).getEpochSecond();
    int removed = store.write(tx -> tx.pruneOplog(before)).value();
    if (removed > 0) {
      LOG.atInfo().addKeyValue("removed", removed).addKeyValue("floor", store.oplogFloor()).addKeyValue("retention", retention.toString())
          .log("oplog pruned to its retention");
    }
    return removed;
  }

  private void loop() {
    // A tenth of the retention, at most hourly: the oplog overshoots its retention by little.
    long every = Math.min(Duration.ofHours(1).toNanos(), Math.max(Duration.ofSeconds(1).toNanos(), retention.toNanos() / 10));
    while (running) {
      try {
        pruneNow();
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("could not prune the oplog; trying again later");
      }
      LockSupport.parkNanos(every);
    }
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
