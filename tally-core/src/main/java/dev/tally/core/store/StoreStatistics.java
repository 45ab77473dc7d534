package dev.tally.core.store;

/**
 * What a store can report about itself, for metrics. Each part is a capability: a store that has no
 * read pool, or no batching writer, leaves it out, and callers ask rather than check the type.
 */
public final class StoreStatistics {
  private StoreStatistics() {}

  /**
   * The read pool's connections now: open, in use, idle, requests waiting for one, and its
   * configured size (after an outage, total returns to size).
   */
  public record Pool(int total, int active, int idle, int waiting, int size) {}

  /**
   * The group-commit writer's counts: batches committed or tried, writes they held, batches rerun
   * with a savepoint per write.
   */
  public record Writer(long batches, long writes, long reruns) {}
}
