package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;

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

  /** Generations that are neither serving nor being built (left over from earlier rebuilds). */
  java.util.List<String> retired();

  /** Whether the generation exists at all (a new index has none yet). */
  boolean exists(String generation);

  /**
   * Null when the generation looks intact; otherwise what is wrong with it, in words. A deep check
   * also verifies checksums and may read everything.
   */
  String damage(String generation, boolean deep);

  /** True when several Tally processes can share this index (a cluster), false for an embedded one. */
  boolean shared();

  /** Where the index lives, for logs and status. */
  String describe();
}
