package dev.tally.server.search;

import dev.tally.core.index.IndexEngine;

import dev.tally.core.TallyException;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SwappableIndex;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.store.Store;
import dev.tally.core.projection.Verifier;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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
  public record RebuildStatus(String state, long documents, long total, double rate, String generation, String error, String source,
      Map<String, Double> phases) {
    RebuildStatus(String state, long documents, long total, double rate, String generation, String error) {
      this(state, documents, total, rate, generation, error, "store");
    }

    RebuildStatus(String state, long documents, long total, double rate, String generation, String error, String source) {
      this(state, documents, total, rate, generation, error, source, Map.of());
    }
  }

  /**
   * Seconds each phase of the last rebuild took, in order: {@code restore} (copying and checking a
   * snapshot), {@code fill} (the bulk load from the store), {@code catch_up} (the oplog since the
   * snapshot or since the load began, applied beside the serving index), {@code swap} (with the
   * live projector held off: the last entries, a commit, the count check, the switch).
   */
  private static final class Phases {
    private final Map<String, Double> seconds = new java.util.LinkedHashMap<>(); // only the rebuild thread writes
    private long mark = System.nanoTime();

    /** The phase {@code name} ended at {@code endNanos} (it began where the last one ended). */
    void end(String name, long endNanos) {
      seconds.put(name, (endNanos - mark) / 1e9);
      mark = endNanos;
    }

    void end(String name) {
      end(name, System.nanoTime());
    }

    Map<String, Double> snapshot() {
      return java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(seconds));
    }
  }

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
  private Thread snapshotter;
  private volatile int keepSnapshots = 4;
  private volatile Duration generationRetention = Duration.ofMinutes(10);
  private volatile Duration retention = Duration.ofDays(7);
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
    if (healing == null) {
      healing = cannotCatchUpAtStart();
    }
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
    return startRebuild(false);
  }

  /** Starts a rebuild; {@code fromSnapshot}: first try the newest usable snapshot plus an oplog replay. */
  private synchronized RebuildStatus startRebuild(boolean fromSnapshot) {
    if (rebuilding()) {
      throw TallyException.conflict("a rebuild is already running: " + status().documents() + " of " + status().total() + " documents");
    }
    Rebuild.Progress p = new Rebuild.Progress();
    progress = p;
    String next = engine.prepareNext();
    last = new RebuildStatus("running", 0, 0, 0, next, null);
    rebuildThread = Thread.ofPlatform().name("tally-rebuild").daemon(true).start(() -> runRebuild(next, p, fromSnapshot));
    return status();
  }

  private void runRebuild(String next, Rebuild.Progress p, boolean fromSnapshot) {
    SearchIndex fresh = null;
    Rebuild rebuild = new Rebuild(store, 1000);
    String source = "store";
    Phases phases = new Phases();
    try {
      IndexEngine.SnapshotInfo snapshot = fromSnapshot ? restoreSnapshot(next) : null;
      if (fromSnapshot) {
        phases.end("restore");
      }
      fresh = engine.open(next);
      if (snapshot != null) {
        source = "snapshot " + snapshot.name();
        last = new RebuildStatus("running", 0, 0, 0, next, null, source);
        // Replay the oplog since the snapshot beside the serving index, so that the live
        // projector is held off only for the last few entries in swapIn.
        Rebuild.catchUp(store, fresh, 1000);
      } else {
        rebuild.fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
        phases.end("fill", p.bulkDoneNanos);
      }
      phases.end("catch_up");
      SearchIndex old = rebuild.swapIn(serving, fresh);
      fresh.commit();
      String replaced = servingGeneration;
      engine.switchTo(next);
      servingGeneration = next;
      phases.end("swap");
      if (engine.shared()) {
        // Other processes follow the alias; so does this one from now on (a later rebuild elsewhere moves it again).
        SearchIndex viaAlias = engine.open(next);
        SearchIndex built = serving.swap(viaAlias, () -> { });
        Thread.ofVirtual().start(() -> closeQuietly(built));
      }
      // Searches that picked the old index just before the swap finish on it; close it a little later.
      String previous = replaced;
      Thread.ofVirtual().name("tally-close-old-index").start(() -> {
        try {
          Thread.sleep(5_000);
          closeQuietly(old);
          // Kept a while longer, then removed: create before destroy, and time to notice a bad new one.
          Thread.sleep(Math.max(0, generationRetention.toMillis() - 5_000));
          if (previous != null && !previous.equals(servingGeneration)) {
            engine.delete(previous);
            LOG.atInfo().addKeyValue("generation", previous).log("the replaced index generation was removed after its retention");
          }
        } catch (InterruptedException ignored) {
          Thread.currentThread().interrupt();
          closeQuietly(old);
        } catch (RuntimeException e) {
          LOG.atWarn().addKeyValue("generation", previous).addKeyValue("error", String.valueOf(e.getMessage()))
              .log("could not remove the replaced generation; it is removed at the next start");
        }
      });
      last = new RebuildStatus("done", p.documents.get(), p.total, p.rate(), next, null, source, phases.snapshot());
      healing = null;
      LOG.atInfo().addKeyValue("generation", next).addKeyValue("source", source).addKeyValue("documents", p.documents.get())
          .addKeyValue("phases", phases.snapshot()).log("index rebuilt and switched");
    } catch (RuntimeException e) {
      last = new RebuildStatus("failed", p.documents.get(), p.total, p.rate(), next, String.valueOf(e.getMessage()), source,
          phases.snapshot());
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
    LOG.atWarn().addKeyValue("reason", reason).log("healing the index: from the newest usable snapshot, else from the store");
    startRebuild(true);
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
      case "running" -> s.source().startsWith("snapshot") ? reason + "; restored " + s.source() + ", replaying the oplog from its position"
          : reason + "; rebuilding the index from the store: " + s.documents() + " of " + s.total() + " documents";
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

  /**
   * Fills the empty generation from the newest snapshot that is intact and not older than the
   * oplog's retention; null (and the generation left empty) when there is none.
   */
  private IndexEngine.SnapshotInfo restoreSnapshot(String generation) {
    List<String> skipped = new ArrayList<>();
    IndexEngine.SnapshotInfo s;
    try {
      s = engine.restoreNewest(generation, store.oplogFloor(), skipped);
    } catch (RuntimeException e) {
      skipped.add("restoring a snapshot failed: " + e.getMessage());
      engine.delete(generation); // whatever was copied; opening the generation makes it anew, empty
      s = null;
    }
    skipped.forEach(reason -> LOG.atWarn().addKeyValue("reason", reason).log("a snapshot was passed over"));
    if (s == null) {
      return null;
    }
    LOG.atInfo().addKeyValue("snapshot", s.name()).addKeyValue("position", s.position())
        .log("restored a snapshot; replaying the oplog from its position");
    return s;
  }

  private String cannotCatchUpAtStart() {
    String reason = cannotCatchUp();
    if (reason != null) {
      LOG.atWarn().addKeyValue("reason", reason).log("the index cannot follow the store; healing it");
      return "at start-up " + reason;
    }
    return null;
  }

  /** Null while the serving index can follow the oplog; otherwise why not (pruned past it, or the store is behind it). */
  String cannotCatchUp() {
    long written = Projector.written(serving);
    long floor = store.oplogFloor();
    if (written < floor) {
      return "the index is at oplog position " + written + ", but the oplog was pruned up to " + floor
          + " (retention); it cannot catch up by replay";
    }
    long head = store.head();
    // The SQLite store publishes its head just after the commit that readers can already see, so
    // the projector may have applied an entry that head() does not count yet: the index is ahead
    // only if the oplog holds nothing at or past its position. (Judged by head() alone, steady
    // writes made the healer rebuild a sound index now and then.)
    if (written > head && store.oplog(written - 1, 1).isEmpty()) {
      // Positions the store will hand out again would be skipped: the index must not be trusted.
      return "the index is at oplog position " + written + ", ahead of the store's head " + head
          + " (was the store restored from a backup?)";
    }
    return null;
  }

  /** One step of a plan; destructive steps remove something that cannot be had back without a rebuild. */
  public record PlanStep(int step, String action, boolean destructive) {}

  /** What `tally apply` would do to bring the index to the layout this Tally writes. */
  public record Plan(String generation, String layout, String targetLayout, List<PlanStep> steps) {
    public boolean changes() {
      return !steps.isEmpty();
    }
  }

  /** Compares the serving generation's layout with the one this Tally writes and lists the steps, create before destroy. */
  public Plan plan() {
    String current = servingGeneration;
    String have = engine.layoutOf(current);
    String want = engine.layout();
    if (want.equals(have)) {
      return new Plan(current, have, want, List.of());
    }
    long contacts = store.workspaces().stream().mapToLong(w -> store.contactCount(w.id())).sum();
    List<PlanStep> steps = List.of(
        new PlanStep(1, "create a new, empty generation with layout " + want + " beside the serving " + current, false),
        new PlanStep(2, "fill it from the store: " + contacts + " contacts, while " + current + " goes on serving", false),
        new PlanStep(3, "catch it up from the oplog position noted before the fill", false),
        new PlanStep(4, "check its contact counts per workspace against the store's at the same position; on any difference "
            + "stop here and leave " + current + " serving as it is", false),
        new PlanStep(5, "switch searches to the new generation in one atomic step (" + (engine.shared() ? "the alias" : "CURRENT")
            + "); " + current + " is kept", false),
        new PlanStep(6, "delete the old generation " + current + " once the new one has served for --generation-retention ("
            + generationRetention.toMinutes() + " min), or at the next start", true));
    return new Plan(current, have, want, steps);
  }

  /** Carries out {@link #plan}: a rebuild into a new generation with this Tally's layout; null when there is nothing to do. */
  public synchronized RebuildStatus apply() {
    return plan().changes() ? startRebuild(false) : null;
  }

  /** A warning when the serving index's layout is not the one this Tally writes; null otherwise. */
  public String layoutWarning() {
    Plan p = plan();
    return p.changes() ? "the index " + p.generation() + " has layout " + p.layout() + " but this Tally writes " + p.targetLayout()
        + "; it keeps serving it: run tally plan, then tally apply" : null;
  }

  /** Takes a snapshot of the serving index now and keeps the newest few (--snapshot-keep). */
  public IndexEngine.SnapshotInfo snapshotNow() {
    if (healing != null) {
      throw TallyException.conflict("the index is being healed (" + healing + "); a snapshot of it now would not be usable");
    }
    IndexEngine.SnapshotInfo s = engine.snapshot(servingGeneration);
    engine.pruneSnapshots(keepSnapshots);
    LOG.atInfo().addKeyValue("snapshot", s.name()).addKeyValue("position", s.position()).addKeyValue("bytes", s.bytes())
        .log("index snapshot taken");
    return s;
  }

  public List<IndexEngine.SnapshotInfo> snapshots() {
    return engine.snapshots();
  }

  /**
   * Null while the newest snapshot can heal the index; otherwise a warning for operators: there is
   * none, or it is about to fall (or has fallen) out of the oplog's retention, after which healing
   * means a full rebuild from the store.
   */
  public String snapshotWarning(java.time.Instant now) {
    if (!engine.supportsSnapshots()) {
      return null;
    }
    List<IndexEngine.SnapshotInfo> all = engine.snapshots();
    if (all.isEmpty()) {
      return null; // a new deployment: the first scheduled snapshot comes soon
    }
    IndexEngine.SnapshotInfo newest = all.get(0);
    if (newest.position() < store.oplogFloor()) {
      return "the newest index snapshot (" + newest.name() + ") is older than the oplog kept; healing would rebuild from the store. "
          + "Check that snapshots are being taken (tally snapshot)";
    }
    Duration age = Duration.between(newest.takenAt(), now);
    if (age.compareTo(retention.multipliedBy(4).dividedBy(5)) > 0) {
      return "the newest index snapshot (" + newest.name() + ") is " + age.toHours() + " h old, close to the oplog's retention of "
          + retention.toHours() + " h; once past it, healing means a full rebuild. Take one (tally snapshot) and check the schedule";
    }
    return null;
  }

  /** Restores by hand (tally restore): the newest usable snapshot plus an oplog replay, else a rebuild. */
  public synchronized RebuildStatus restore() {
    healing = "a restore was asked for";
    return startRebuild(true);
  }

  /** How long a replaced generation is kept after a switch (it is removed at the next start in any case). */
  public IndexManager keepReplacedGenerations(Duration retention) {
    generationRetention = retention;
    return this;
  }

  /** Takes snapshots every {@code interval} (zero: never), keeping the newest {@code keep}. */
  public IndexManager snapshotEvery(Duration interval, int keep, Duration oplogRetention) {
    keepSnapshots = keep;
    retention = oplogRetention;
    if (interval.isZero() || !engine.supportsSnapshots()) {
      return this;
    }
    snapshotter = Thread.ofPlatform().name("tally-snapshots").daemon(true).start(() -> {
      while (!Thread.currentThread().isInterrupted()) {
        try {
          Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
          return;
        }
        if (healing != null || rebuilding()) {
          continue; // never snapshot an index that is known to be bad
        }
        try {
          snapshotNow();
        } catch (RuntimeException e) {
          LOG.atWarn().addKeyValue("error", String.valueOf(e.getMessage())).log("the scheduled snapshot failed; the index serves on");
        }
      }
    });
    return this;
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
      // The source too: a healing from a snapshot must not read as a rebuild from the store.
      return new RebuildStatus("running", p.documents.get(), p.total, p.rate(), last.generation(), null, last.source());
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
    if (snapshotter != null) {
      snapshotter.interrupt();
    }
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
