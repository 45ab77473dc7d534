package dev.tally.server.search;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Rebuilds the index into the next generation beside the serving one ("create before destroy",
 * docs/invariants.md): from the newest usable snapshot plus an oplog replay, or from the store;
 * then catches it up, checks it and switches searches to it in one step. One rebuild at a time, on
 * its own thread; the serving index is untouched by a rebuild that fails.
 */
public final class RebuildRunner {
  private static final Logger LOG = LoggerFactory.getLogger(RebuildRunner.class);

  /**
   * Searches that picked the old index just before a switch finish on it; it is closed this much
   * later.
   */
  private static final Duration CLOSE_REPLACED_AFTER = Duration.ofSeconds(5);

  /** Where a rebuild stands; {@link #wire()} is how the admin API and the CLI spell it. */
  public enum State {
    IDLE,
    RUNNING,
    DONE,
    FAILED;

    public String wire() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * What a rebuild is doing, for the admin API and the CLI's progress bar.
   *
   * @param snapshot the snapshot it restored (then replayed the oplog from), or null when it filled
   *     from the store
   * @param phases seconds each phase took, in order: {@code restore}, {@code fill}, {@code
   *     catch_up}, {@code swap}
   */
  public record Status(
      State state,
      long documents,
      long total,
      double rate,
      String generation,
      String error,
      String snapshot,
      Map<String, Double> phases) {
    static Status idle() {
      return new Status(State.IDLE, 0, 0, 0, null, null, null, Map.of());
    }

    public boolean running() {
      return state == State.RUNNING;
    }

    /** "store", or "snapshot NAME". */
    public String source() {
      return snapshot == null ? "store" : "snapshot " + snapshot;
    }
  }

  /**
   * Seconds each phase of a rebuild took, in order: {@code restore} (copying and checking a
   * snapshot), {@code fill} (the bulk load from the store), {@code catch_up} (the oplog since the
   * snapshot or since the load began, applied beside the serving index), {@code swap} (with the
   * live projector held off: the last entries, a commit, the count check, the switch).
   */
  private static final class Phases {
    private final Map<String, Double> seconds =
        new LinkedHashMap<>(); // only the rebuild thread writes
    private long mark = System.nanoTime();

    void end(String name, long endNanos) {
      seconds.put(name, (endNanos - mark) / 1e9);
      mark = endNanos;
    }

    void end(String name) {
      end(name, System.nanoTime());
    }

    Map<String, Double> snapshot() {
      return Collections.unmodifiableMap(new LinkedHashMap<>(seconds));
    }
  }

  private final Store store;
  private final IndexEngine engine;
  private final ServingIndex serving;
  private volatile Duration generationRetention = Duration.ofMinutes(10);
  private volatile Rebuild.Progress progress;
  private volatile Status last = Status.idle();
  private Thread thread;

  RebuildRunner(Store store, IndexEngine engine, ServingIndex serving) {
    this.store = store;
    this.engine = engine;
    this.serving = serving;
  }

  void keepReplacedGenerations(Duration retention) {
    generationRetention = retention;
  }

  Duration generationRetention() {
    return generationRetention;
  }

  /**
   * Starts a rebuild in the background; refused while one runs. {@code fromSnapshot}: first try the
   * newest usable snapshot plus an oplog replay. {@code onSwitched} runs once searches use the new
   * generation.
   */
  synchronized Status start(boolean fromSnapshot, Runnable onSwitched) {
    if (running()) {
      throw TallyException.conflict(
          "a rebuild is already running: "
              + status().documents()
              + " of "
              + status().total()
              + " documents");
    }
    Rebuild.Progress p = new Rebuild.Progress();
    progress = p;
    String next = engine.prepareNext();
    last = new Status(State.RUNNING, 0, 0, 0, next, null, null, Map.of());
    thread =
        Thread.ofPlatform()
            .name("tally-rebuild")
            .daemon(true)
            .start(() -> run(next, p, fromSnapshot, onSwitched));
    return status();
  }

  synchronized boolean running() {
    return thread != null && thread.isAlive();
  }

  public Status status() {
    Rebuild.Progress p = progress;
    Status s = last;
    if (p != null && s.running()) {
      // The source too: a healing from a snapshot must not read as a rebuild from the store.
      return new Status(
          State.RUNNING,
          p.documents.get(),
          p.total,
          p.rate(),
          s.generation(),
          null,
          s.snapshot(),
          Map.of());
    }
    return s;
  }

  private void run(String next, Rebuild.Progress p, boolean fromSnapshot, Runnable onSwitched) {
    SearchIndex fresh = null;
    Rebuild rebuild = new Rebuild(store, 1000);
    String snapshot = null;
    Phases phases = new Phases();
    try {
      IndexEngine.SnapshotInfo restored = fromSnapshot ? restoreSnapshot(next) : null;
      if (fromSnapshot) {
        phases.end("restore");
      }
      fresh = engine.open(next);
      if (restored != null) {
        snapshot = restored.name();
        last = new Status(State.RUNNING, 0, 0, 0, next, null, snapshot, Map.of());
        // Replay the oplog since the snapshot beside the serving index, so that the live
        // projector is held off only for the last few entries in swapIn.
        Rebuild.catchUp(store, fresh, 1000);
      } else {
        rebuild.fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
        phases.end("fill", p.bulkDoneNanos);
      }
      phases.end("catch_up");
      SearchIndex old = rebuild.swapIn(serving.index(), fresh);
      fresh.commit();
      String replaced = serving.generation();
      engine.switchTo(next);
      serving.generation(next);
      phases.end("swap");
      if (engine.shared()) {
        // Other processes follow the alias; so does this one from now on (a later rebuild elsewhere
        // moves it again).
        SearchIndex built = serving.index().swap(engine.open(next), () -> {});
        Thread.ofVirtual().start(() -> closeQuietly(built));
      }
      retire(old, replaced);
      last =
          new Status(
              State.DONE,
              p.documents.get(),
              p.total,
              p.rate(),
              next,
              null,
              snapshot,
              phases.snapshot());
      onSwitched.run();
      LOG.atInfo()
          .addKeyValue("generation", next)
          .addKeyValue("source", last.source())
          .addKeyValue("documents", p.documents.get())
          .addKeyValue("phases", phases.snapshot())
          .log("index rebuilt and switched");
    } catch (RuntimeException e) {
      last =
          new Status(
              State.FAILED,
              p.documents.get(),
              p.total,
              p.rate(),
              next,
              String.valueOf(e.getMessage()),
              snapshot,
              phases.snapshot());
      LOG.atWarn()
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log("rebuild failed; the serving index is unchanged");
      if (fresh != null && serving.index().current() != fresh) {
        closeQuietly(fresh);
        engine.delete(next);
      }
    }
  }

  /**
   * Closes the replaced index a little later, and deletes its generation once it has been kept for
   * the retention.
   */
  private void retire(SearchIndex old, String previous) {
    Thread.ofVirtual()
        .name("tally-close-old-index")
        .start(
            () -> {
              try {
                Thread.sleep(CLOSE_REPLACED_AFTER.toMillis());
                closeQuietly(old);
                // Kept a while longer, then removed: create before destroy, and time to notice a
                // bad new one.
                Thread.sleep(
                    Math.max(0, generationRetention.minus(CLOSE_REPLACED_AFTER).toMillis()));
                if (previous != null && !previous.equals(serving.generation())) {
                  engine.delete(previous);
                  LOG.atInfo()
                      .addKeyValue("generation", previous)
                      .log("the replaced index generation was removed after its retention");
                }
              } catch (InterruptedException ignored) {
                Thread.currentThread().interrupt();
                closeQuietly(old);
              } catch (RuntimeException e) {
                LOG.atWarn()
                    .addKeyValue("generation", previous)
                    .addKeyValue("error", String.valueOf(e.getMessage()))
                    .log(
                        "could not remove the replaced generation; it is removed at the next start");
              }
            });
  }

  /**
   * Fills the empty generation from the newest snapshot that is intact and not older than the
   * oplog's retention; null (and the generation left empty) when there is none.
   */
  private IndexEngine.SnapshotInfo restoreSnapshot(String generation) {
    List<String> skipped = new java.util.ArrayList<>();
    IndexEngine.SnapshotInfo s;
    try {
      s = engine.restoreNewest(generation, store.oplogFloor(), skipped);
    } catch (RuntimeException e) {
      skipped.add("restoring a snapshot failed: " + e.getMessage());
      engine.delete(generation); // whatever was copied; opening the generation makes it anew, empty
      s = null;
    }
    skipped.forEach(
        reason -> LOG.atWarn().addKeyValue("reason", reason).log("a snapshot was passed over"));
    if (s != null) {
      LOG.atInfo()
          .addKeyValue("snapshot", s.name())
          .addKeyValue("position", s.position())
          .log("restored a snapshot; replaying the oplog from its position");
    }
    return s;
  }

  /**
   * Rebuilds on a stopped Tally (the caller holds what a serving process would): fill the next
   * generation, then switch.
   */
  public static Status offline(Store store, IndexEngine engine, Rebuild.Progress p) {
    String current = engine.current();
    String next = engine.prepareNext();
    try (SearchIndex fresh = engine.open(next)) {
      new Rebuild(store, 1000)
          .fill(fresh, p, Math.max(1, Runtime.getRuntime().availableProcessors()));
      fresh.commit();
    }
    engine.switchTo(next);
    engine.delete(current);
    return new Status(State.DONE, p.documents.get(), p.total, p.rate(), next, null, null, Map.of());
  }

  /** A lost or corrupt index may not close cleanly; it is not used any more. */
  static void closeQuietly(SearchIndex index) {
    try {
      index.close();
    } catch (RuntimeException e) {
      LOG.atInfo()
          .addKeyValue("error", String.valueOf(e.getMessage()))
          .log("a replaced index did not close cleanly");
    }
  }

  void close() {
    Thread t = thread;
    if (t != null) {
      t.interrupt();
    }
  }
}
