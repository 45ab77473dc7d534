package dev.tally.store.jdbc;

import java.util.Set;

/**
 * Where each id sequence starts under --test-id-offsets (T8): each at its own offset above 2^32, so
 * a narrow column or a truncation fails in the tests. Ids Tally writes as JSON strings start above
 * 2^53 too, and odd, so one that passes through a double (JavaScript's number) loses its last digit
 * and the tests see it. Ids Intercom's API types as JSON numbers (teammates' ids in owner_id, data
 * attributes' ids) must stay exact in JavaScript: theirs start above 2^32 but far below 2^53.
 */
public final class TestIdOffsets {
  private TestIdOffsets() {}

  /** Tables whose ids are written as JSON numbers, so they must stay below 2^53. */
  public static final Set<String> JSON_NUMBER_IDS = Set.of("admins", "data_attributes");

  /** The first id of the {@code index}th sequenced table (index from 0). */
  public static long offset(String table, int index) {
    long own = ((long) (index + 1) << 36) + 1;
    return JSON_NUMBER_IDS.contains(table) ? (1L << 32) + own : (1L << 53) + own;
  }
}
