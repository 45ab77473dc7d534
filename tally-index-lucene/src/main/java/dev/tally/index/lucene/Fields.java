package dev.tally.index.lucene;

import dev.tally.core.query.ReferenceEvaluator;

/**
 * How a contact is laid out in Lucene, chosen for the queries the language can ask:
 *
 * <ul>
 *   <li>{@code _id} (keyword) names the document for updates; {@code id} (point + doc values) is
 *       the 64-bit id for filters, sorting and keyset pagination.
 *   <li>{@code _ws} (keyword) scopes every search to one workspace; {@code _live} marks live
 *       documents (a deleted contact stays as a tombstone carrying its version, so a replayed older
 *       version cannot bring it back); {@code _v} (doc values) holds the version.
 *   <li>{@code tag_id} (a LongPoint per tag) holds the ids of the contact's tags (since layout
 *       lucene-2), {@code company_id} those of its companies (since lucene-3).
 *   <li>{@code _has} (keyword, one per present path) answers "has a value" / "has no value".
 *   <li>Strings: {@code k.<path>} holds the case-folded value as one keyword (=, IN, ^ as a prefix
 *       query, ~ as a wildcard query); {@code r.<path>} holds it reversed, so $ is a prefix query.
 *   <li>Integers, dates, ids: {@code n.<path>} as a LongPoint plus sorted doc values.
 *   <li>Floats: {@code d.<path>} as a DoublePoint plus sortable-long doc values.
 *   <li>Booleans: {@code b.<path>} keyword "true"/"false".
 * </ul>
 *
 * The field names are public so that code which reads or writes this layout itself (the benchmarks'
 * hand-written Lucene peers) takes them from here.
 */
public final class Fields {
  public static final String DOC_ID = "_id";
  public static final String ID = "id";
  public static final String WORKSPACE = "_ws";
  public static final String LIVE = "_live";
  public static final String VERSION = "_v";
  public static final String HAS = "_has";
  public static final String TAGS = "tag_id";
  public static final String COMPANIES = "company_id";

  private Fields() {}

  public static String keyword(String path) {
    return "k." + path;
  }

  public static String reversed(String path) {
    return "r." + path;
  }

  public static String number(String path) {
    return "n." + path;
  }

  public static String decimal(String path) {
    return "d." + path;
  }

  public static String bool(String path) {
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
