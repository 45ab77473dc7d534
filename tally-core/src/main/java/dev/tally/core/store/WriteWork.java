package dev.tally.core.store;

/** Work done inside one write transaction. Throwing undoes all of it. */
@FunctionalInterface
public interface WriteWork<T> {
  T run(WriteTx tx);
}
