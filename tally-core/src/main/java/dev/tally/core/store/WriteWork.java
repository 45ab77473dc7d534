package dev.tally.core.store;

/**
 * Work done inside one write transaction. Throwing undoes all of it.
 *
 * <p>A store may run the work more than once and keep only the last run (a group commit that first
 * runs its batch without a savepoint per task runs it again with savepoints when one task fails),
 * so the work must have no effect outside {@code tx}: read, decide, write through {@code tx}, and
 * return a value.
 */
@FunctionalInterface
public interface WriteWork<T> {
  T run(WriteTx tx);
}
