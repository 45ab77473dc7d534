package dev.tally.server.search;

import dev.tally.core.index.SwappableIndex;

/**
 * The index searches use and the name of its generation. The name is tracked here rather than
 * re-read from the engine: a wiped index directory forgets which generation serves.
 */
final class ServingIndex {
  private final SwappableIndex index;
  private volatile String generation;

  ServingIndex(SwappableIndex index, String generation) {
    this.index = index;
    this.generation = generation;
  }

  SwappableIndex index() {
    return index;
  }

  String generation() {
    return generation;
  }

  void generation(String name) {
    generation = name;
  }
}
