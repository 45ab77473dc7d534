package dev.tally.store.jdbc;

import dev.tally.core.model.FieldType;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * What the tasks of one batch share until its commit. Contact-count changes are summed here and
 * written once per workspace just before the commit (not once per write), inside the same
 * transaction, so the counts still move with the data. Data attributes defined and event names
 * registered by the batch are published to the writer's caches only once the batch has committed: a
 * cache that remembered a rolled-back definition would let an attribute go undeclared, and one that
 * remembered a rolled-back name would let a name past the cap go uncounted.
 */
final class Batch {
  private final AttributeTypes committed;
  private final KnownEventNames committedNames;
  private final CountChanges counts = new CountChanges();
  private final Map<AttributeTypes.Key, FieldType> defined = new HashMap<>();
  private final Set<KnownEventNames.Key> registered = new HashSet<>();

  Batch(AttributeTypes committed, KnownEventNames committedNames) {
    this.committed = committed;
    this.committedNames = committedNames;
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

  /**
   * Whether the workspace has this event name as this batch sees it (a task's own are checked
   * before).
   */
  boolean hasEventName(KnownEventNames.Key key) {
    return registered.contains(key) || committedNames.contains(key);
  }

  /**
   * Remembers an event name read from the database: committed data, since the batch's own names are
   * checked first.
   */
  void learnedEventName(KnownEventNames.Key key) {
    committedNames.add(key);
  }

  /** Takes over what a task changed, once the task has succeeded. */
  void merge(
      Map<Long, Long> taskCounts,
      Map<AttributeTypes.Key, FieldType> taskDefined,
      Set<KnownEventNames.Key> taskRegistered) {
    counts.add(taskCounts);
    defined.putAll(taskDefined);
    registered.addAll(taskRegistered);
  }

  /** The summed count changes, for the session to write just before its commit. */
  CountChanges counts() {
    return counts;
  }

  /** After the commit: the batch's definitions and event names are now committed data. */
  void committed() {
    defined.forEach(committed::put);
    registered.forEach(committedNames::add);
  }
}
