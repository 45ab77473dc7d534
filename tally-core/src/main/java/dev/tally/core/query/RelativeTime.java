package dev.tally.core.query;

/**
 * A time relative to the moment of evaluation, written "now", "now-7d", "now+1h" (s, m, h, d, w).
 */
public record RelativeTime(long offsetSeconds, String text) {

  public long resolve(long nowSeconds) {
    return nowSeconds + offsetSeconds;
  }

  /** Parses the text, or returns null when it is not a relative time. */
  public static RelativeTime parse(String s) {
    if (!s.startsWith("now")) {
      return null;
    }
    if (s.equals("now")) {
      return new RelativeTime(0, s);
    }
    if (s.length() < 6 || (s.charAt(3) != '-' && s.charAt(3) != '+')) {
      return null;
    }
    long factor = unitSeconds(s.charAt(s.length() - 1));
    String digits = s.substring(4, s.length() - 1);
    if (factor == 0
        || digits.isEmpty()
        || digits.length() > 9
        || !digits.chars().allMatch(Character::isDigit)) {
      return null;
    }
    long n = Long.parseLong(digits) * factor;
    return new RelativeTime(s.charAt(3) == '-' ? -n : n, s);
  }

  /**
   * The seconds in one of the time units the language writes (s, m, h, d, w), or 0 for any other
   * character. Campaign durations ("2h", "7d") use the same units.
   */
  public static long unitSeconds(char unit) {
    return switch (unit) {
      case 's' -> 1;
      case 'm' -> 60;
      case 'h' -> 3600;
      case 'd' -> 86_400;
      case 'w' -> 604_800;
      default -> 0;
    };
  }
}
