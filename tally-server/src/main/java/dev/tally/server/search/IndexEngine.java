package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;
import java.util.List;

/**
 * Where the index's generations live and how one becomes the serving one: Lucene directories
 * beside each other under a CURRENT file, or OpenSearch indices behind an alias. A rebuild makes
 * the next generation, fills it, switches to it atomically and only then retires the old one
 * (create before destroy).
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
   * rebuilds, and newer ones from a rebuild a crash cut short. Asked at start-up, when none is being built.
   */
  List<String> retired();

  /** Whether the generation exists at all (a new index has none yet). */
  boolean exists(String generation);

  /**
   * Null when the generation looks intact; otherwise what is wrong with it, in words. A deep check
   * also verifies checksums and may read everything.
   */
  String damage(String generation, boolean deep);

  /** A snapshot of the index: its name, the oplog position it holds, when it was taken, its size. */
  record SnapshotInfo(String name, long position, java.time.Instant takenAt, long bytes) {}

  /** Whether this engine takes its own snapshots. */
  boolean supportsSnapshots();

  /** Takes a snapshot of the serving index now; refused where the engine has none. */
  SnapshotInfo snapshot(SearchIndex serving);

  /** The snapshots kept, newest first. */
  List<SnapshotInfo> snapshots();

  /** Keeps the newest {@code keep} snapshots. */
  void pruneSnapshots(int keep);

  /**
   * Fills the empty {@code generation} from the newest snapshot that is intact and holds at least
   * {@code minPosition}; returns it, or null when none is usable. Each one passed over is added to
   * {@code skipped} with the reason.
   */
  SnapshotInfo restoreNewest(String generation, long minPosition, List<String> skipped);

  /** The layout this Tally writes (field types, analyzers, mapping): a new one calls for a rebuild. */
  String layout();

  /** The layout a generation was built with, or null when it does not exist. */
  String layoutOf(String generation);

  /** True when several Tally processes can share this index (a cluster), false for an embedded one. */
  boolean shared();

  /** Where the index lives, for logs and status. */
  String describe();
}
