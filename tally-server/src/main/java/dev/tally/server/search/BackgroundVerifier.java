package dev.tally.server.search;

import dev.tally.core.projection.Verifier;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the serving index against the store at a low rate, all the time, and repairs what it
 * finds through the projector. What it found is kept for the metrics endpoint, so a drift that
 * keeps coming back shows on a dashboard rather than in a customer's complaint.
 */
public final class BackgroundVerifier implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundVerifier.class);

  private final IndexManager indexes;
  private final Duration interval;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile Verifier.Report last;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong differencesFound = new AtomicLong();
  private final AtomicLong repaired = new AtomicLong();

  public BackgroundVerifier(IndexManager indexes, Duration interval) {
    this.indexes = indexes;
    this.interval = interval;
    this.thread = Thread.ofPlatform().name("tally-verifier").daemon(true).unstarted(this::loop);
  }

  public BackgroundVerifier start() {
    if (!interval.isZero()) {
      thread.start();
    }
    return this;
  }

  private void loop() {
    while (running) {
      LockSupport.parkNanos(interval.toNanos());
      if (!running) {
        return;
      }
      try {
        Verifier.Report r = indexes.verify(true);
        last = r;
        runs.incrementAndGet();
        differencesFound.addAndGet(r.differences().size() + r.repaired());
        repaired.addAndGet(r.repaired());
        if (r.repaired() > 0 || !r.agree()) {
          LOG.atWarn().addKeyValue("repaired", r.repaired()).addKeyValue("agree", r.agree())
              .addKeyValue("differences_left", r.differences().size()).addKeyValue("note", r.note())
              .log("background verification found the index differing from the store");
        }
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("background verification could not run; trying again later");
      }
    }
  }

  /** The last run's report, or null before the first. */
  public Verifier.Report last() {
    return last;
  }

  public long runs() {
    return runs.get();
  }

  /** Contacts found differing, summed over every run (repaired or not). */
  public long differencesFound() {
    return differencesFound.get();
  }

  public long repaired() {
    return repaired.get();
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
