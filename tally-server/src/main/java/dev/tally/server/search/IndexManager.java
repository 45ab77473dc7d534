package dev.tally.server.search;

import dev.tally.core.index.IndexEngine;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SwappableIndex;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The serving index and what keeps it right. At start-up it retires old generations, refuses to
 * serve a damaged one (starting on an empty generation and healing it instead), opens the serving
 * generation and runs the projector into it. The rest is delegated, one responsibility each: the
 * {@link RebuildRunner} builds the next generation and switches to it, the {@link HealingPolicy}
 * decides when the index must be replaced and why, the {@link SnapshotScheduler} keeps snapshots,
 * the {@link BackgroundVerifier} compares with the store, and {@link LayoutPlan} says what a new
 * index layout takes.
 */
public final class IndexManager implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexManager.class);

  /** How long a verification waits for the index to reach the store's position before comparing. */
  static final Duration VERIFY_CATCH_UP = Duration.ofSeconds(30);

  private final Store store;
  private final IndexEngine engine;
  private final ServingIndex serving;
  private final Projector projector;
  private final RebuildRunner rebuilds;
  private final SnapshotScheduler snapshots;
  private final List<Scheduler.Task> tasks = new ArrayList<>();
  private BackgroundVerifier verifier;

  /** Why the index is being healed, while it is; null otherwise. */
  private volatile HealingPolicy.Cause healing;

  public IndexManager(Store store, IndexEngine engine) {
    this(store, engine, null);
  }

  /**
   * @param leading for a shared index, whether this process holds the projector lease (null:
   *     always, as with an embedded index)
   */
  public IndexManager(Store store, IndexEngine engine, BooleanSupplier leading) {
    this.store = store;
    this.engine = engine;
    String current = engine.current();
    engine.retired().forEach(engine::delete); // the previous generation was kept until this start
    HealingPolicy.Cause cause = HealingPolicy.atStartUp(store, engine, current);
    if (cause != null) {
      // Never open (or serve from) a damaged index: start on an empty generation and rebuild it.
      LOG.atWarn()
          .addKeyValue("generation", current)
          .addKeyValue("reason", cause.reason())
          .addKeyValue("damage", cause.detail())
          .log("the index is damaged; healing it");
      current = engine.prepareNext();
      engine.switchTo(current);
      healing = cause;
    }
    this.serving = new ServingIndex(new SwappableIndex(engine.open(current)), current);
    if (healing == null) {
      HealingPolicy.Cause behind =
          HealingPolicy.cannotCatchUp(store, Projector.written(serving.index()));
      if (behind != null) {
        LOG.atWarn()
            .addKeyValue("reason", behind.reason())
            .addKeyValue("detail", behind.detail())
            .log("the index cannot follow the store; healing it");
        healing = behind.foundAtStartUp();
      }
    }
    this.rebuilds = new RebuildRunner(store, engine, serving);
    this.snapshots = new SnapshotScheduler(this, engine, store);
    // 20 ms between small batches: searches see a write within tens of milliseconds, and a
    // burst of writes costs a searcher refresh per 20 ms rather than one per write.
    this.projector = new Projector(store, serving.index(), Duration.ofMillis(20), 1000);
    if (leading != null) {
      projector.onlyWhile(leading);
    }
    projector.start();
  }

  public SearchIndex serving() {
    return serving.index();
  }

  public Projector projector() {
    return projector;
  }

  /** The serving generation's name. */
  String servingGeneration() {
    return serving.generation();
  }

  /** Starts a rebuild from the store in the background; refused while one runs. */
  public RebuildRunner.Status startRebuild() {
    return rebuilds.start(false, () -> healing = null);
  }

  public RebuildRunner.Status status() {
    return rebuilds.status();
  }

  boolean rebuilding() {
    return rebuilds.running();
  }

  /**
   * Starts the healer on {@code scheduler}: when the serving index is lost, emptied, corrupt, left
   * behind the oplog, or its counts disagree with the store's and a repair does not fix them, it is
   * replaced by a rebuild beside it. A healing found at start-up begins now.
   */
  public synchronized IndexManager heal(
      Supplier<IndexReadiness.State> readiness, Scheduler scheduler) {
    if (healing != null) {
      startHealing(healing);
    }
    tasks.add(new HealingPolicy(this, engine, store, readiness).schedule(scheduler));
    return this;
  }

  /**
   * Replaces the index because it is unusable, from the newest usable snapshot, else from the
   * store; readiness says why until done.
   */
  synchronized void startHealing(HealingPolicy.Cause cause) {
    if (rebuilds.running()) {
      return;
    }
    healing = cause;
    LOG.atWarn()
        .addKeyValue("reason", cause.reason())
        .addKeyValue("detail", cause.words())
        .log("healing the index: from the newest usable snapshot, else from the store");
    rebuilds.start(true, () -> healing = null);
  }

  /**
   * Restores by hand (tally restore): the newest usable snapshot plus an oplog replay, else a
   * rebuild.
   */
  public synchronized RebuildRunner.Status restore() {
    healing = new HealingPolicy.Cause(HealingPolicy.Reason.ASKED, "a restore was asked for", false);
    return rebuilds.start(true, () -> healing = null);
  }

  HealingPolicy.Cause healingCause() {
    return healing;
  }

  /** While the index is being healed: why and how far it is, in words; null otherwise. */
  public String healing() {
    HealingPolicy.Cause cause = healing;
    if (cause == null) {
      return null;
    }
    String reason = cause.words();
    RebuildRunner.Status s = rebuilds.status();
    return switch (s.state()) {
      case RUNNING ->
          s.snapshot() != null
              ? reason + "; restored " + s.source() + ", replaying the oplog from its position"
              : reason
                  + "; rebuilding the index from the store: "
                  + s.documents()
                  + " of "
                  + s.total()
                  + " documents";
      case FAILED -> reason + "; the rebuild failed (" + s.error() + "), trying again";
      default -> reason + "; starting a rebuild";
    };
  }

  /** Starts verifying the index against the store every {@code interval} (zero: never). */
  public synchronized IndexManager verifyEvery(Duration interval, Scheduler scheduler) {
    verifier = new BackgroundVerifier(this);
    tasks.add(scheduler.every("index-verifier", interval, verifier::runOnce));
    return this;
  }

  /** The background verifier, or null when none was started. */
  public BackgroundVerifier verifier() {
    return verifier;
  }

  /**
   * Compares the serving index with the store; with {@code repair}, re-applies what differs through
   * the projector.
   */
  public Verifier.Report verify(boolean repair) {
    return new Verifier(store, serving.index(), VERIFY_CATCH_UP).verify(repair ? projector : null);
  }

  /**
   * Compares the serving generation's layout with the one this Tally writes and lists the steps,
   * create before destroy.
   */
  public LayoutPlan plan() {
    return LayoutPlan.of(store, engine, serving.generation(), rebuilds.generationRetention());
  }

  /**
   * Carries out {@link #plan}: a rebuild into a new generation with this Tally's layout; null when
   * there is nothing to do.
   */
  public synchronized RebuildRunner.Status apply() {
    return plan().changes() ? startRebuild() : null;
  }

  private volatile String layoutCheckedFor;
  private volatile boolean layoutCurrent;

  /**
   * Whether the serving generation has the layout this Tally writes; asked of the engine once per
   * generation, so searches can ask it cheaply.
   */
  public boolean servesCurrentLayout() {
    String generation = serving.generation();
    if (!generation.equals(layoutCheckedFor)) {
      layoutCurrent = engine.layout().equals(engine.layoutOf(generation));
      layoutCheckedFor = generation;
    }
    return layoutCurrent;
  }

  /** A warning when the serving index's layout is not the one this Tally writes; null otherwise. */
  public String layoutWarning() {
    return plan().warning();
  }

  /** Takes a snapshot of the serving index now and keeps the newest few (--snapshot-keep). */
  public IndexEngine.SnapshotInfo snapshotNow() {
    return snapshots.takeNow();
  }

  public List<IndexEngine.SnapshotInfo> snapshots() {
    return snapshots.list();
  }

  /** Null while the newest snapshot can heal the index; otherwise a warning for operators. */
  public String snapshotWarning(Instant now) {
    return snapshots.warning(now);
  }

  /**
   * How long a replaced generation is kept after a switch (it is removed at the next start in any
   * case).
   */
  public IndexManager keepReplacedGenerations(Duration retention) {
    rebuilds.keepReplacedGenerations(retention);
    return this;
  }

  /** Takes snapshots every {@code interval} (zero: never), keeping the newest {@code keep}. */
  public synchronized IndexManager snapshotEvery(
      Duration interval, int keep, Duration oplogRetention, Scheduler scheduler) {
    tasks.add(snapshots.schedule(scheduler, interval, keep, oplogRetention));
    return this;
  }

  @Override
  public void close() {
    tasks.forEach(Scheduler.Task::close);
    projector.close();
    rebuilds.close();
    serving.index().close();
  }
}
