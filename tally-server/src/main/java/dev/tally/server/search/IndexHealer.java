package dev.tally.server.search;

import dev.tally.core.index.IndexEngine;

import dev.tally.core.projection.Verifier;
import java.time.Duration;
import java.util.function.Supplier;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the serving index and heals it without a restart. Every second it checks that the
 * index's files are there (a searcher keeps deleted files open, so a wiped index would otherwise
 * go on answering until its next reopen), every 30 s that their checksums hold, and it acts on
 * readiness when the index's counts disagree with the store's at the same position: first a
 * verify-and-repair, then, if that does not fix it, a rebuild.
 */
final class IndexHealer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexHealer.class);
  static final Duration CHECK_EVERY = Duration.ofSeconds(1);
  static final int DEEP_EVERY_CHECKS = 30;
  /** Counts that disagree for this many checks in a row are acted on (one could be a write in between). */
  static final int MISMATCHES_BEFORE_ACTING = 3;

  private final IndexManager indexes;
  private final IndexEngine engine;
  private final Supplier<IndexReadiness.State> readiness;
  private final Thread thread;
  private volatile boolean running = true;

  IndexHealer(IndexManager indexes, IndexEngine engine, Supplier<IndexReadiness.State> readiness) {
    this.indexes = indexes;
    this.engine = engine;
    this.readiness = readiness;
    this.thread = Thread.ofPlatform().name("tally-index-healer").daemon(true).unstarted(this::loop);
  }

  IndexHealer start() {
    thread.start();
    return this;
  }

  private void loop() {
    int checks = 0;
    int mismatches = 0;
    while (running) {
      LockSupport.parkNanos(CHECK_EVERY.toNanos());
      if (!running || indexes.rebuilding()) {
        continue;
      }
      try {
        checks++;
        String damage = engine.damage(indexes.servingGeneration(), checks % DEEP_EVERY_CHECKS == 0);
        if (damage == null) {
          damage = indexes.cannotCatchUp();
        }
        if (damage != null) {
          indexes.startHealing(damage);
          continue;
        }
        mismatches = countsDisagree() ? mismatches + 1 : 0;
        if (mismatches >= MISMATCHES_BEFORE_ACTING) {
          mismatches = 0;
          Verifier.Report r = indexes.verify(true);
          if (!r.agree()) {
            indexes.startHealing("the index's contact counts differ from the store's and a repair did not fix it ("
                + r.differences().size() + " contacts still differ)");
          } else {
            LOG.atWarn().addKeyValue("repaired", r.repaired()).log("the index's counts differed from the store's; repaired");
          }
        }
      } catch (RuntimeException e) {
        LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("could not check the index's health; trying again");
      }
    }
  }

  private boolean countsDisagree() {
    IndexReadiness.State s = readiness.get();
    return s != null && s.countsDiffer();
  }

  @Override
  public void close() {
    running = false;
    LockSupport.unpark(thread);
  }
}
