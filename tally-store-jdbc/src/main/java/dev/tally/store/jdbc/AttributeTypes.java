package dev.tally.store.jdbc;

import dev.tally.core.model.FieldType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The writer's cache of committed data-attribute types, so that typing a contact's custom
 * attributes costs no query per attribute per write. Safe to keep across batches and processes
 * because a defined attribute's type never changes and workspace ids are never reused; only
 * definitions are cached, never their absence (another process may define one at any time). Bounded
 * (least recently used out first); used by the writer thread only.
 */
final class AttributeTypes {
  /** An attribute name of one model ({@code contact}, {@code company}) of a workspace. */
  record Key(long workspaceId, String model, String name) {}

  private final Map<Key, FieldType> types;

  AttributeTypes(int capacity) {
    this.types =
        new LinkedHashMap<>(256, 0.75f, true) {
          @Override
          protected boolean removeEldestEntry(Map.Entry<Key, FieldType> eldest) {
            return size() > capacity;
          }
        };
  }

  FieldType get(Key key) {
    return types.get(key);
  }

  void put(Key key, FieldType type) {
    types.put(key, type);
  }
}
