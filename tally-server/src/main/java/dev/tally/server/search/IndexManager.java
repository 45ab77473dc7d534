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
  private IndexHealer healer;
  /** Why the index is being healed, while it is; null otherwise. */
  private volatile String healing;
  /** Tracked here, not re-read from the engine: a wiped index directory forgets which generation serves. */
  private volatile String servingGeneration;

  public IndexManager(Store store, IndexEngine engine) {
    this(store, engine, null);
  }

  /**
   * @param leading for a shared index, whether this process holds the projector lease (null: always,
   *     as with an embedded index)
   */
  public IndexManager(Store store, IndexEngine engine, java.util.function.BooleanSupplier leading) {
    this.store = store;
    this.engine = engine;
    String current = engine.current();
    engine.retired().forEach(engine::delete); // the previous generation was kept until this start
    // A generation that does not exist yet is a new index, unless the store has contacts: then it
    // was lost, and a rebuild (a bulk load) brings it back faster than replaying the whole oplog.
    String damage = engine.exists(current) ? engine.damage(current, true)
        : storeHasContacts(store) ? "at start-up the index " + current + " is missing" : null;
    if (damage != null) {
      // Never open (or serve from) a damaged index: start on an empty generation and rebuild it.
      LOG.atWarn().addKeyValue("generation", current).addKeyValue("damage", damage).log("the index is damaged; healing it");
      current = engine.prepareNext();
      engine.switchTo(current);
      healing = damage.startsWith("at start-up") ? damage : "at start-up " + damage;
    }
    this.servingGeneration = current;
    this.serving = new SwappableIndex(engine.open(current));
    // 20 ms between small batches: searches see a write within tens of milliseconds, and a
    // burst of writes costs a searcher refresh per 20 ms rather than one per write.
    this.projector = new Projector(store, serving, Duration.ofMillis(20), 1000);
    if (leading != null) {
      projector.onlyWhile(leading);
    }
    projector.start();
  }

  public SearchIndex serving() {
    return serving;
  }

  public Projector projector() {
    return projector;
  }

  /** Starts a rebuild in the background; refused while one runs. */
  public synchronized RebuildStatus startRebuild() {
    if (rebuilding()) {
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
    SearchIndex fresh = null;
    Rebuild rebuild = new Rebuild(store, 1000);
    try {
      fresh = engine.open(next);
      rebuild.fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
      SearchIndex old = rebuild.swapIn(serving, fresh);
      fresh.commit();
      engine.switchTo(next);
      servingGeneration = next;
      if (engine.shared()) {
        // Other processes follow the alias; so does this one from now on (a later rebuild elsewhere moves it again).
        SearchIndex viaAlias = engine.open(next);
        SearchIndex built = serving.swap(viaAlias, () -> { });
        Thread.ofVirtual().start(() -> closeQuietly(built));
      }
      // Searches that picked the old index just before the swap finish on it; close it a little later.
      Thread.ofVirtual().name("tally-close-old-index").start(() -> {
        try {
          Thread.sleep(5_000);
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
        }
        closeQuietly(old);
      });
      last = new RebuildStatus("done", p.documents.get(), p.total, p.rate(), next, null);
      healing = null;
      LOG.atInfo().addKeyValue("generation", next).addKeyValue("documents", p.documents.get()).log("index rebuilt and switched");
    } catch (RuntimeException e) {
      last = new RebuildStatus("failed", p.documents.get(), p.total, p.rate(), next, String.valueOf(e.getMessage()));
      LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("rebuild failed; the serving index is unchanged");
      if (fresh != null && serving.current() != fresh) {
        closeQuietly(fresh);
        engine.delete(next);
      }
    }
  }

  /**
   * Starts watching the serving index: when it is lost, emptied, corrupt, or its counts disagree
   * with the store's and a repair does not fix them, it is healed by a rebuild beside it.
   */
  public synchronized IndexManager heal(java.util.function.Supplier<IndexReadiness.State> readiness) {
    if (healing != null) {
      startHealing(healing);
    }
    healer = new IndexHealer(this, engine, readiness).start();
    return this;
  }

  /** Rebuilds because the index is unusable; readiness says why until it is done. */
  synchronized void startHealing(String reason) {
    if (rebuilding()) {
      return;
    }
    healing = reason;
    LOG.atWarn().addKeyValue("reason", reason).log("healing the index: rebuilding it from the store");
    startRebuild();
  }

  synchronized boolean rebuilding() {
    return rebuildThread != null && rebuildThread.isAlive();
  }

  /** While the index is being healed: why and how far it is, in words; null otherwise. */
  public String healing() {
    String reason = healing;
    if (reason == null) {
      return null;
    }
    RebuildStatus s = status();
    return switch (s.state()) {
      case "running" -> reason + "; rebuilding the index from the store: " + s.documents() + " of " + s.total() + " documents";
      case "failed" -> reason + "; the rebuild failed (" + s.error() + "), trying again";
      default -> reason + "; starting a rebuild";
    };
  }

  /** The serving generation's name. */
  String servingGeneration() {
    return servingGeneration;
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

  private static boolean storeHasContacts(Store store) {
    return store.workspaces().stream().anyMatch(w -> store.contactCount(w.id()) > 0);
  }

  /** A lost or corrupt index may not close cleanly; it is not used any more. */
  private static void closeQuietly(SearchIndex index) {
    try {
      index.close();
    } catch (RuntimeException e) {
      LOG.atInfo().addKeyValue("error", String.valueOf(e.getMessage())).log("a replaced index did not close cleanly");
    }
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
    if (healer != null) {
      healer.close();
    }
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
