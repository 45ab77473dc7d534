package dev.tally.core.messaging;

import static dev.tally.core.TallyException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.query.RelativeTime;
import java.time.Duration;
import java.util.regex.Pattern;

/**
 * Durations as a campaign writes them: a whole number and one unit of the query language's relative
 * times ("45s", "30m", "2h", "7d", "1w"). Printed canonically in the largest unit that divides them
 * exactly, so "24h" is stored as "1d".
 */
final class Durations {
  private static final Pattern TEXT = Pattern.compile("[0-9]{1,9}[smhdw]");
  private static final char[] LARGEST_FIRST = {'w', 'd', 'h', 'm', 's'};

  private Durations() {}

  /** The duration at {@code field}, refused unless it is written as above and within the bounds. */
  static Duration parse(JsonNode node, String field, Duration min, Duration max) {
    if (node == null || !node.isTextual() || !TEXT.matcher(node.textValue()).matches()) {
      throw invalid(
          field,
          field
              + " must be a duration such as \"30m\", \"2h\" or \"7d\" (a whole number and one of"
              + " s, m, h, d, w), got "
              + (node == null ? "nothing" : ContactPatchParser.shown(node)));
    }
    String s = node.textValue();
    long seconds =
        Long.parseLong(s.substring(0, s.length() - 1))
            * RelativeTime.unitSeconds(s.charAt(s.length() - 1));
    Duration d = Duration.ofSeconds(seconds);
    if (d.compareTo(min) < 0 || d.compareTo(max) > 0) {
      throw invalid(
          field,
          field + " is \"" + s + "\"; it must be between " + format(min) + " and " + format(max));
    }
    return d;
  }

  /** The canonical text of a whole number of seconds. */
  static String format(Duration d) {
    long seconds = d.toSeconds();
    for (char unit : LARGEST_FIRST) {
      long size = RelativeTime.unitSeconds(unit);
      if (seconds % size == 0) {
        return (seconds / size) + String.valueOf(unit);
      }
    }
    throw new AssertionError("1s divides every whole number of seconds");
  }
}
