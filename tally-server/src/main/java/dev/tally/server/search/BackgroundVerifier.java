package dev.tally.server.search;

import dev.tally.core.projection.Verifier;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Verifies the serving index against the store at a low rate, all the time, and repairs what it
 * finds through the projector. What it found is kept for the metrics endpoint, so a drift that
 * keeps coming back shows on a dashboard rather than in a customer's complaint.
 */
public final class BackgroundVerifier {
  private static final Logger LOG = LoggerFactory.getLogger(BackgroundVerifier.class);

  private final IndexManager indexes;
  private volatile Verifier.Report last;
  private final AtomicLong runs = new AtomicLong();
  private final AtomicLong differencesFound = new AtomicLong();
  private final AtomicLong repaired = new AtomicLong();

  BackgroundVerifier(IndexManager indexes) {
    this.indexes = indexes;
  }

  /**
   * One verification with repair; the scheduler runs it every --verify-interval and logs a failure.
   */
  void runOnce() {
    Verifier.Report r = indexes.verify(true);
    last = r;
    runs.incrementAndGet();
    differencesFound.addAndGet(r.differences().size() + r.repaired());
    repaired.addAndGet(r.repaired());
    if (r.repaired() > 0 || !r.agree()) {
      LOG.atWarn()
          .addKeyValue("repaired", r.repaired())
          .addKeyValue("agree", r.agree())
          .addKeyValue("differences_left", r.differences().size())
          .addKeyValue("note", r.note())
          .log("background verification found the index differing from the store");
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
}
