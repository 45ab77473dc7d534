package dev.tally.store.jdbc;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's cache of committed event names per workspace, so that recording an event with a name
 * the workspace has costs no query for the cap on distinct names. Safe to keep across batches and
 * processes for the reason {@link AttributeTypes} is: a registered name is never removed while its
 * workspace lives, and workspace ids are never reused; only presence is cached, never absence.
 * Bounded (least recently used out first); used by the writer thread only.
 */
final class KnownEventNames {
  /** An event name of a workspace. */
  record Key(long workspaceId, String name) {}

  private final Map<Key, Boolean> names;

  KnownEventNames(int capacity) {
    this.names =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, Boolean> eldest) {
            return size() > capacity;
          }
        };
  }

  boolean contains(Key key) {
    return names.get(key) != null; // get, not containsKey: a hit counts as a use
  }

  void add(Key key) {
    names.put(key, Boolean.TRUE);
  }
}
