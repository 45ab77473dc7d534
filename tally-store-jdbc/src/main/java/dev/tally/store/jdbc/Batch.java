package dev.tally.store.jdbc;

import dev.tally.core.model.FieldType;
import java.util.HashMap;
import java.util.Map;

/**
 * What the tasks of one batch share until its commit. Contact-count changes are summed here and
 * written once per workspace just before the commit (not once per write), inside the same
 * transaction, so the counts still move with the data. Data attributes defined by the batch are
 * published to the writer's cache of attribute types only once the batch has committed: a cache
 * that remembered a rolled-back definition would let an attribute go undeclared.
 */
final class Batch {
  private final AttributeTypes committed;
  private final CountChanges counts = new CountChanges();
  private final Map<AttributeTypes.Key, FieldType> defined = new HashMap<>();

  Batch(AttributeTypes committed) {
    this.committed = committed;
  }

  /**
   * The type of an attribute as this batch sees it (a task's own definitions are checked before).
   */
  FieldType typeOf(AttributeTypes.Key key) {
    FieldType t = defined.get(key);
    return t != null ? t : committed.get(key);
  }

  /**
   * Remembers a type read from the database: committed data, since the batch's own definitions are
   * checked first.
   */
  void learned(AttributeTypes.Key key, FieldType type) {
    committed.put(key, type);
  }

  /** Takes over what a task changed, once the task has succeeded. */
  void merge(Map<Long, Long> taskCounts, Map<AttributeTypes.Key, FieldType> taskDefined) {
    counts.add(taskCounts);
    defined.putAll(taskDefined);
  }

  /** The summed count changes, for the session to write just before its commit. */
  CountChanges counts() {
    return counts;
  }

  /** After the commit: the batch's definitions are now committed data. */
  void committed() {
    defined.forEach(committed::put);
  }
}
