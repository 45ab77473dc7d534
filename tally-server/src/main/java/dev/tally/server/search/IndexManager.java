package dev.tally.server.search;

import dev.tally.core.TallyException;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SwappableIndex;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.store.Store;
import dev.tally.core.projection.Verifier;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the index's generations (through its {@link IndexEngine}): opens the serving one, runs the
 * projector into it, and rebuilds into the next generation beside it (create before destroy),
 * switching only once the new one has caught up and its counts match the store.
 */
public final class IndexManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexManager.class);
  /** What a rebuild is doing, for the admin API and the CLI's progress bar. */
  public record RebuildStatus(String state, long documents, long total, double rate, String generation, String error) {}

  /** How long a verification waits for the index to reach the store's position before comparing. */
  static final Duration VERIFY_CATCH_UP = Duration.ofSeconds(30);

  private final Store store;
  private final IndexEngine engine;
  private final SwappableIndex serving;
  private final Projector projector;
  private volatile Rebuild.Progress progress;
  private volatile RebuildStatus last = new RebuildStatus("idle", 0, 0, 0, null, null);
  private Thread rebuildThread;
  private BackgroundVerifier verifier;

  public IndexManager(Store store, IndexEngine engine) {
    this.store = store;
    this.engine = engine;
    String current = engine.current();
    engine.retired().forEach(engine::delete); // the previous generation was kept until this start
    this.serving = new SwappableIndex(engine.open(current));
    // 20 ms between small batches: searches see a write within tens of milliseconds, and a
    // burst of writes costs a searcher refresh per 20 ms rather than one per write.
    this.projector = new Projector(store, serving, Duration.ofMillis(20), 1000).start();
  }

  public SearchIndex serving() {
    return serving;
  }

  public Projector projector() {
    return projector;
  }

  /** Starts a rebuild in the background; refused while one runs. */
  public synchronized RebuildStatus startRebuild() {
    if (rebuildThread != null && rebuildThread.isAlive()) {
      throw TallyException.conflict("a rebuild is already running: " + status().documents() + " of " + status().total() + " documents");
    }
    Rebuild.Progress p = new Rebuild.Progress();
    progress = p;
    String next = engine.prepareNext();
    last = new RebuildStatus("running", 0, 0, 0, next, null);
    rebuildThread = Thread.ofPlatform().name("tally-rebuild").daemon(true).start(() -> runRebuild(next, p));
    return status();
  }

  private void runRebuild(String next, Rebuild.Progress p) {
    SearchIndex fresh = engine.open(next);
    Rebuild rebuild = new Rebuild(store, 1000);
    try {
      rebuild.fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
      SearchIndex old = rebuild.swapIn(serving, fresh);
      fresh.commit();
      engine.switchTo(next);
      // Searches that picked the old index just before the swap finish on it; close it a little later.
      Thread.ofVirtual().name("tally-close-old-index").start(() -> {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        old.close();
      });
      last = new RebuildStatus("done", p.documents.get(), p.total, p.rate(), next, null);
      LOG.atInfo().addKeyValue("generation", next).addKeyValue("documents", p.documents.get()).log("index rebuilt and switched");
    } catch (RuntimeException e) {
      last = new RebuildStatus("failed", p.documents.get(), p.total, p.rate(), next, String.valueOf(e.getMessage()));
      LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("rebuild failed; the serving index is unchanged");
      if (serving.current() != fresh) {
        fresh.close();
        engine.delete(next);
      }
    }
  }

  /** Starts verifying the index against the store every {@code interval} (zero: never). */
  public synchronized IndexManager verifyEvery(Duration interval) {
    verifier = new BackgroundVerifier(this, interval).start();
    return this;
  }

  /** The background verifier, or null when none was started. */
  public BackgroundVerifier verifier() {
    return verifier;
  }

  /** Compares the serving index with the store; with {@code repair}, re-applies what differs through the projector. */
  public Verifier.Report verify(boolean repair) {
    return new Verifier(store, serving, VERIFY_CATCH_UP).verify(repair ? projector : null);
  }

  public RebuildStatus status() {
    Rebuild.Progress p = progress;
    if (p != null && "running".equals(last.state())) {
      return new RebuildStatus("running", p.documents.get(), p.total, p.rate(), last.generation(), null);
    }
    return last;
  }

  /** Rebuilds on a stopped Tally (the caller holds the data directory): fill the next generation, then switch. */
  public static RebuildStatus rebuildOffline(Store store, IndexEngine engine, Rebuild.Progress p) {
    String current = engine.current();
    String next = engine.prepareNext();
    try (SearchIndex fresh = engine.open(next)) {
      new Rebuild(store, 1000).fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
      fresh.commit();
    }
    engine.switchTo(next);
    engine.delete(current);
    return new RebuildStatus("done", p.documents.get(), p.total, p.rate(), next, null);
  }

  @Override
  public void close() {
    if (verifier != null) {
      verifier.close();
    }
    projector.close();
    Thread t = rebuildThread;
    if (t != null) {
      t.interrupt();
    }
    serving.close();
  }
}
