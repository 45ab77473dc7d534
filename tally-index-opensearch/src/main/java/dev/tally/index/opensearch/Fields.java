package dev.tally.index.opensearch;

import dev.tally.core.query.ReferenceEvaluator;

/**
 * How a contact is laid out in an OpenSearch document — the same choices as the Lucene index's
 * layout, so both answer every query alike:
 *
 * <ul>
 *   <li>{@code _id} is the contact id as a decimal string (the unit of external versioning); {@code
 *       id} (long) is the 64-bit id for filters, sorting and search_after.
 *   <li>{@code ws} (keyword) scopes every search to one workspace; {@code live} is false on the
 *       tombstone a deleted contact leaves, which keeps its version so an older replay is refused.
 *   <li>{@code tag_id} (long, one value per tag) holds the ids of the contact's tags (since layout
 *       opensearch-2), {@code company_id} those of its companies (since opensearch-3).
 *   <li>{@code has} (keyword, one value per present path) answers "has a value" / "has no value".
 *   <li>Strings: {@code k_<path>} holds the value case-folded in Java (the reference evaluator's
 *       folding, not OpenSearch's lowercase filter, which differs on characters such as U+0130);
 *       {@code r_<path>} holds it reversed so ends-with is a prefix query.
 *   <li>Integers, dates, ids: {@code n_<path>} long. Floats: {@code d_<path>} double. Booleans:
 *       {@code b_<path>} boolean.
 * </ul>
 *
 * A path ("custom_attributes.plan", "events.signed.up.count") is encoded into one field name
 * without dots (each character outside [A-Za-z0-9_-] becomes %XX of its UTF-8 bytes), so an
 * attribute or event name can never turn a field into an object or collide with another.
 *
 * <p>The field names are public so that queries written by hand against this layout (the
 * benchmarks' raw peers) take them from here.
 */
public final class Fields {
  public static final String ID = "id";
  public static final String WORKSPACE = "ws";
  public static final String LIVE = "live";
  public static final String VERSION = "v";
  public static final String HAS = "has";
  public static final String TAGS = "tag_id";
  public static final String COMPANIES = "company_id";

  /**
   * The document that records the applied oplog position; its _id is not a number, so no contact
   * can have it.
   */
  static final String POSITION_DOC = "tally-position";

  static final String POSITION = "position";

  private Fields() {}

  public static String keyword(String path) {
    return "k_" + encode(path);
  }

  public static String reversed(String path) {
    return "r_" + encode(path);
  }

  public static String number(String path) {
    return "n_" + encode(path);
  }

  public static String decimal(String path) {
    return "d_" + encode(path);
  }

  public static String bool(String path) {
    return "b_" + encode(path);
  }

  static String encode(String path) {
    StringBuilder sb = new StringBuilder(path.length() + 8);
    for (byte b : path.getBytes(java.nio.charset.StandardCharsets.UTF_8)) {
      char c = (char) (b & 0xff);
      if ((c >= 'a' && c <= 'z')
          || (c >= 'A' && c <= 'Z')
          || (c >= '0' && c <= '9')
          || c == '_'
          || c == '-') {
        sb.append(c);
      } else {
        sb.append('%')
            .append(Character.toUpperCase(Character.forDigit(c >> 4, 16)))
            .append(Character.toUpperCase(Character.forDigit(c & 15, 16)));
      }
    }
    return sb.toString();
  }

  static String fold(String s) {
    return ReferenceEvaluator.fold(s);
  }

  static String reverse(String s) {
    return new StringBuilder(s).reverse().toString();
  }
}
