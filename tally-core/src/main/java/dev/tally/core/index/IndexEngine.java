package dev.tally.core.index;

import dev.tally.core.verify.VersionSource;
import java.time.Instant;
import java.util.List;

/**
 * Where the index's generations live and how one becomes the serving one: Lucene directories beside
 * each other under a CURRENT file, or OpenSearch indices behind an alias. A rebuild makes the next
 * generation, fills it, switches to it atomically and only then retires the old one ("create before
 * destroy", docs/invariants.md).
 */
public interface IndexEngine {

  /** The serving generation's name (an empty one is made when there is none). */
  String current();

  /** A new, empty generation beside the serving one (a leftover of a failed rebuild is removed). */
  String prepareNext();

  SearchIndex open(String generation);

  /** Makes {@code generation} the serving one in one atomic step. */
  void switchTo(String generation);

  /** Removes a generation that is not serving; refuses the serving one. */
  void delete(String generation);

  /**
   * Generations that are neither serving nor being built: older ones left over from earlier
   * rebuilds, and newer ones from a rebuild a crash cut short. Asked at start-up, when none is
   * being built.
   */
  List<String> retired();

  /** Whether the generation exists at all (a new index has none yet). */
  boolean exists(String generation);

  /**
   * Null when the generation looks intact; otherwise what is wrong with it, in words. A deep check
   * also verifies checksums and may read everything.
   */
  String damage(String generation, boolean deep);

  /**
   * A snapshot of the index: its name, the oplog position it holds, when it was taken, its size.
   */
  record SnapshotInfo(String name, long position, Instant takenAt, long bytes) {}

  /**
   * Whether this engine takes its own snapshots (a capability: callers ask, never check the type).
   */
  boolean supportsSnapshots();

  /**
   * Takes a snapshot of {@code generation}, which this engine opened and serves; refused where the
   * engine has none.
   */
  SnapshotInfo snapshot(String generation);

  /** The snapshots kept, newest first. */
  List<SnapshotInfo> snapshots();

  /** Keeps the newest {@code keep} snapshots. */
  void pruneSnapshots(int keep);

  /**
   * Fills the empty {@code generation} from {@code snapshot}; null when it did, otherwise why not
   * (its files are damaged, the cluster refused it), with the generation left empty.
   */
  String restore(SnapshotInfo snapshot, String generation);

  /**
   * Fills the empty {@code generation} from the newest snapshot that is intact and holds at least
   * {@code minPosition} (older ones could not be caught up: the oplog before it is pruned); returns
   * it, or null when none is usable. Each one passed over is added to {@code skipped} with the
   * reason.
   */
  default SnapshotInfo restoreNewest(String generation, long minPosition, List<String> skipped) {
    for (SnapshotInfo s : snapshots()) {
      if (s.position() < minPosition) {
        skipped.add(
            "snapshot "
                + s.name()
                + " holds position "
                + s.position()
                + ", older than the oplog kept (from "
                + minPosition
                + ")");
        continue;
      }
      String refused = restore(s, generation);
      if (refused == null) {
        return s;
      }
      skipped.add(refused);
    }
    return null;
  }

  /**
   * The layout this Tally writes (field types, analyzers, mapping): a new one calls for a rebuild.
   */
  String layout();

  /** The layout a generation was built with, or null when it does not exist. */
  String layoutOf(String generation);

  /**
   * True when several Tally processes can share this index (a cluster), false for an embedded one.
   */
  boolean shared();

  /** Where the index lives, for logs and status. */
  String describe();

  /**
   * A read-only view of the serving generation: its contacts' versions and the oplog position they
   * reach.
   */
  interface Reader extends VersionSource, AutoCloseable {
    /** The oplog position the view holds (what it was last made durable at). */
    long position();

    @Override
    void close();
  }

  /**
   * Opens the serving generation read-only, without taking it from whoever serves it (so a
   * verification can run beside a running Tally).
   */
  Reader openReader();
}
