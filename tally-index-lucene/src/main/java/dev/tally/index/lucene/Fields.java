package dev.tally.index.lucene;

import dev.tally.core.query.ReferenceEvaluator;

/**
 * How a contact is laid out in Lucene, chosen for the queries the language can ask:
 * <ul>
 *   <li>{@code _id} (keyword) names the document for updates; {@code id} (point + doc values) is
 *       the 64-bit id for filters, sorting and keyset pagination.
 *   <li>{@code _ws} (keyword) scopes every search to one workspace; {@code _live} marks live
 *       documents (a deleted contact stays as a tombstone carrying its version, so a replayed
 *       older version cannot bring it back); {@code _v} (doc values) holds the version.
 *   <li>{@code _has} (keyword, one per present path) answers "has a value" / "has no value".
 *   <li>Strings: {@code k.<path>} holds the case-folded value as one keyword (=, IN, ^ as a prefix
 *       query, ~ as a wildcard query); {@code r.<path>} holds it reversed, so $ is a prefix query.
 *   <li>Integers, dates, ids: {@code n.<path>} as a LongPoint plus sorted doc values.
 *   <li>Floats: {@code d.<path>} as a DoublePoint plus sortable-long doc values.
 *   <li>Booleans: {@code b.<path>} keyword "true"/"false".
 * </ul>
 */
final class Fields {
  static final String DOC_ID = "_id";
  static final String ID = "id";
  static final String WORKSPACE = "_ws";
  static final String LIVE = "_live";
  static final String VERSION = "_v";
  static final String HAS = "_has";

  private Fields() {}

  static String keyword(String path) {
    return "k." + path;
  }

  static String reversed(String path) {
    return "r." + path;
  }

  static String number(String path) {
    return "n." + path;
  }

  static String decimal(String path) {
    return "d." + path;
  }

  static String bool(String path) {
    return "b." + path;
  }

  /** The same case folding as the reference evaluator, so both agree on every string. */
  static String fold(String s) {
    return ReferenceEvaluator.fold(s);
  }

  static String reverse(String s) {
    return new StringBuilder(s).reverse().toString();
  }
}
