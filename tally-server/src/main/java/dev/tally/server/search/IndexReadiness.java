package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Workspace;
import dev.tally.core.projection.Projector;
import dev.tally.core.store.Store;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the index may answer searches, judged on data, not on liveness: its lag behind the store
 * must be within bound, and when it has caught up its document count in every workspace must equal
 * the store's (which the store keeps in its write transactions, so nothing is scanned). An empty or
 * lost index is therefore never "ready". Evaluated on a short interval; searches read the latest
 * verdict.
 */
public final class IndexReadiness implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(IndexReadiness.class);

  /** How often the verdict is renewed. */
  static final Duration EVERY = Duration.ofMillis(200);

  /** Per-workspace document counts. */
  public record WorkspaceCount(long workspaceId, long index, long store) {}

  /**
   * One verdict, with the numbers behind it. {@code behind}: when the only reason the index is not
   * ready is its lag, the workspaces with oplog entries the index has not applied yet (null when
   * not known: some other reason holds, or the backlog is too long to read); every other workspace
   * has all its writes, up to {@code head}, in the index.
   */
  public record State(
      boolean ready,
      List<String> reasons,
      long head,
      long visible,
      long applied,
      long lagPositions,
      long lagSeconds,
      List<WorkspaceCount> counts,
      boolean countsDiffer,
      Set<Long> behind) {

    State(
        boolean ready,
        List<String> reasons,
        long head,
        long visible,
        long applied,
        long lagPositions,
        long lagSeconds,
        List<WorkspaceCount> counts,
        boolean countsDiffer) {
      this(
          ready,
          reasons,
          head,
          visible,
          applied,
          lagPositions,
          lagSeconds,
          counts,
          countsDiffer,
          null);
    }

    /**
     * Whether searches of {@code workspaceId} may be answered: the index is ready, or it is only
     * behind (lag) and has applied every write of this workspace — so one tenant's burst does not
     * make every tenant's search wait (issue 11, finding 4).
     */
    public boolean readyFor(long workspaceId) {
      return ready || (behind != null && !behind.contains(workspaceId));
    }
  }

  /**
   * The most oplog entries read, per verdict, to learn which workspaces the backlog holds; a longer
   * backlog makes every workspace wait (the global guarantee).
   */
  static final int MAX_BACKLOG_READ = 20_000;

  private final Store store;
  private final SearchIndex index;
  private final Projector projector;
  private final Supplier<String> healing;
  private final Duration maxLag;
  private final InstantSource clock;
  private volatile State current;
  private volatile boolean wasReady;
  private Scheduler.Task task;

  /** Everything committed before this start must be searchable before the index is ready. */
  private final long startHead;

  /**
   * @param healing while the index is being healed, what is being done, in words; null otherwise
   */
  public IndexReadiness(
      Store store,
      SearchIndex index,
      Projector projector,
      Supplier<String> healing,
      Duration maxLag,
      InstantSource clock) {
    this.store = store;
    this.index = index;
    this.projector = projector;
    this.healing = healing;
    this.maxLag = maxLag;
    this.clock = clock;
    this.current =
        new State(false, List.of("index: not checked yet"), 0, 0, 0, 0, 0, List.of(), false);
    this.startHead = store.head();
  }

  /** Evaluates now, then every {@link #EVERY} on {@code scheduler}. */
  public IndexReadiness start(Scheduler scheduler) {
    current = evaluate();
    wasReady = current.ready();
    task = scheduler.every("index-readiness", EVERY, this::tick);
    return this;
  }

  public State current() {
    return current;
  }

  /**
   * Evaluates now and keeps the verdict (for a caller that cannot wait for the next interval). One
   * evaluation runs at a time; callers that asked while it ran take the next one's verdict, or one
   * that started after they asked, so a crowd of searches costs one evaluation, not one each.
   */
  public State refresh() {
    long asked = System.nanoTime();
    evaluating.lock();
    try {
      if (evaluatedFrom - asked >= 0) {
        return current; // began after this caller asked: as fresh as its own would be
      }
      long started = System.nanoTime();
      current = evaluate();
      evaluatedFrom = started;
      return current;
    } finally {
      evaluating.unlock();
    }
  }

  private final java.util.concurrent.locks.ReentrantLock evaluating =
      new java.util.concurrent.locks.ReentrantLock();
  private long evaluatedFrom = System.nanoTime() - 1;

  private void tick() {
    try {
      refresh();
    } catch (RuntimeException
        | AssertionError
            e) { // a corrupt Lucene index may trip an assertion: not ready, and checked again
      current =
          new State(
              false,
              List.of("index: readiness could not be checked: " + e.getMessage()),
              0,
              0,
              0,
              0,
              0,
              List.of(),
              false);
    }
    if (current.ready() != wasReady) {
      wasReady = current.ready();
      LOG.atInfo()
          .addKeyValue("ready", wasReady)
          .addKeyValue("reasons", String.join("; ", current.reasons()))
          .log("index readiness changed");
    }
  }

  /** Computes a verdict now. */
  public State evaluate() {
    List<String> reasons = new ArrayList<>();
    String heal = healing.get();
    if (heal != null) {
      reasons.add("index is being healed: " + heal);
    }
    long head = store.head();
    long visible = index.visiblePosition();
    long lag = Math.max(0, head - visible);
    long lagSeconds = 0;
    boolean lagging = false;
    if (lag > 0) {
      List<OplogEntry> next = store.oplog(visible, 1);
      lagSeconds =
          next.isEmpty() ? 0 : Math.max(0, clock.instant().getEpochSecond() - next.get(0).at());
      if (lagSeconds > maxLag.toSeconds()) {
        lagging = true;
        reasons.add(
            "index is "
                + lag
                + " oplog positions ("
                + lagSeconds
                + " s) behind the store, more than the allowed "
                + maxLag.toSeconds()
                + " s; the projector is catching up");
      }
    }
    if (visible < startHead) {
      // A lost or stale index replays the oplog; recent entries must not make a half-filled index
      // look current.
      reasons.add(
          "index is catching up with what the store held when Tally started: position "
              + visible
              + " of "
              + startHead
              + "; searches wait until it has");
    }
    String error = projector.lastError();
    if (error != null) {
      reasons.add("projector is failing and retrying: " + error);
    }
    List<WorkspaceCount> counts = new ArrayList<>();
    boolean countsDiffer = false;
    if (lag > 0) {
      // Behind but within bound is ready only if the index answers at all: an OpenSearch index
      // deleted behind the alias is otherwise noticed only once the lag is gone (or the healer
      // looks), and readiness would say "ready" in between. One count, as the lag-free case does.
      List<Workspace> all = store.workspaces();
      if (!all.isEmpty()) {
        index.count(all.get(0).id());
      }
    }
    if (lag == 0) {
      for (Workspace ws : store.workspaces()) {
        counts.add(new WorkspaceCount(ws.id(), index.count(ws.id()), store.contactCount(ws.id())));
      }
      if (store.head() == head) { // a write in between would make the comparison meaningless
        for (WorkspaceCount c : counts) {
          if (c.index() != c.store()) {
            countsDiffer = true;
            reasons.add(
                "workspace "
                    + c.workspaceId()
                    + ": the index has "
                    + c.index()
                    + " contacts but the store has "
                    + c.store()
                    + " at the same position; Tally repairs it, or rebuilds it if a repair does not help");
          }
        }
      }
    }
    Set<Long> behind = lagging && reasons.size() == 1 ? backlogWorkspaces(visible, head) : null;
    return new State(
        reasons.isEmpty(),
        List.copyOf(reasons),
        head,
        visible,
        index.appliedPosition(),
        lag,
        lagSeconds,
        counts,
        countsDiffer,
        behind);
  }

  /**
   * The workspaces with entries in (visible, head], or null when there are more than {@link
   * #MAX_BACKLOG_READ} to read.
   */
  private Set<Long> backlogWorkspaces(long visible, long head) {
    if (head - visible > MAX_BACKLOG_READ) {
      return null;
    }
    Set<Long> behind = new HashSet<>();
    long after = visible;
    while (after < head) {
      List<OplogEntry> page = store.oplog(after, (int) Math.min(5_000, head - after));
      if (page.isEmpty()) {
        break;
      }
      for (OplogEntry e : page) {
        if (e.position() > head) {
          return Set.copyOf(behind);
        }
        behind.add(e.workspaceId());
      }
      after = page.get(page.size() - 1).position();
    }
    return Set.copyOf(behind);
  }

  @Override
  public void close() {
    if (task != null) {
      task.close();
    }
  }
}
