package dev.tally.server.search;

import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.lang.management.ManagementFactory;
import java.net.InetAddress;
import java.time.Duration;
import java.util.UUID;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes and keeps a lease held in the store (the projector's, so that exactly one of several Tally
 * processes applies the oplog), renewing it every third of its time to live. {@link #held} turns
 * false as soon as a renewal fails past the lease's expiry, so a process cut off from the store
 * stops acting before another takes over.
 */
public final class LeaseKeeper implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(LeaseKeeper.class);

  private final Store store;
  private final String name;
  private final String holder;
  private final Duration ttl;
  private Scheduler.Task task;
  private boolean closed; // guarded by this: no renewal after the release
  private volatile long heldUntilNanos;

  public LeaseKeeper(Store store, String name, Duration ttl) {
    this.store = store;
    this.name = name;
    this.holder = processName();
    this.ttl = ttl;
  }

  /**
   * Tries once now (so the caller knows at once), then keeps trying and renewing in the background.
   */
  public LeaseKeeper start(Scheduler scheduler) {
    renew();
    task = scheduler.every("lease-" + name, ttl.dividedBy(3), this::renew);
    return this;
  }

  public boolean held() {
    return System.nanoTime() < heldUntilNanos;
  }

  public String holder() {
    return holder;
  }

  private synchronized void renew() {
    if (closed) {
      return;
    }
    boolean was = held();
    long asked = System.nanoTime();
    try {
      if (store.acquireLease(name, holder, ttl)) {
        heldUntilNanos = asked + ttl.toNanos();
      }
    } catch (RuntimeException e) {
      LOG.atWarn()
          .addKeyValue("lease", name)
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log("could not renew the lease");
    }
    if (held() != was) {
      LOG.atInfo()
          .addKeyValue("lease", name)
          .addKeyValue("holder", holder)
          .addKeyValue("held", held())
          .log("lease changed hands");
    }
  }

  /**
   * This process, as lease holders are named: host, pid and a random part (a restarted process is
   * another holder).
   */
  public static String processName() {
    String host;
    try {
      host = InetAddress.getLocalHost().getHostName();
    } catch (java.io.IOException e) {
      host = "unknown-host";
    }
    return host
        + ":"
        + ManagementFactory.getRuntimeMXBean().getPid()
        + ":"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    if (task != null) {
      task.close();
    }
    synchronized (this) {
      // A renewal running right now would take the lease again after the release below; the next
      // holder would then wait out the whole time to live. So: no renewal once closed.
      closed = true;
      heldUntilNanos = 0;
    }
    try {
      store.releaseLease(name, holder);
    } catch (RuntimeException e) {
      LOG.atInfo()
          .addKeyValue("lease", name)
          .log("could not release the lease; it expires on its own");
    }
  }
}
