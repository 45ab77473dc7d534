package dev.tally.core.index;

/**
 * The wildcard syntax both indexes understand (Lucene's WildcardQuery, which OpenSearch's {@code
 * wildcard} query also uses): {@code *} any run, {@code ?} one character, {@code \} escapes.
 */
public final class Wildcards {
  private Wildcards() {}

  /** {@code s} with every wildcard character escaped, so that it matches only itself. */
  public static String escape(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
