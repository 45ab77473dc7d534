package dev.tally.server.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One setting, declared once: its flag, environment variable, type, default and description. The
 * declarations feed the parser, {@code --help} and the README's settings table.
 */
public record Setting(
    String name,
    String env,
    Type type,
    String defaultValue,
    String description,
    List<String> choices,
    boolean flag) {

  /** How a setting's text is read. */
  public enum Type {
    STRING,
    PORT,
    INT,
    /** An integer ≥ 0 (0 meaning "none" or "automatic", as the setting says). */
    COUNT,
    BYTES,
    DURATION,
    BOOLEAN,
    CHOICE,
    PATH,
    SECRET
  }

  public static Setting of(String name, Type type, String defaultValue, String description) {
    return new Setting(
        name,
        "TALLY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'),
        type,
        defaultValue,
        description,
        List.of(),
        true);
  }

  public static Setting choice(
      String name, String defaultValue, String description, String... choices) {
    return new Setting(
        name,
        "TALLY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'),
        Type.CHOICE,
        defaultValue,
        description,
        List.of(choices),
        true);
  }

  /** A setting read only from the environment (secrets do not belong on a command line). */
  public static Setting envOnly(String name, Type type, String description) {
    return new Setting(
        name,
        "TALLY_" + name.toUpperCase(Locale.ROOT).replace('-', '_'),
        type,
        null,
        description,
        List.of(),
        false);
  }

  public String flagName() {
    return "--" + name;
  }

  /**
   * Parses and validates a value; throws IllegalArgumentException naming the setting and what was
   * expected.
   */
  public Object parse(String raw) {
    String where = (flag ? flagName() + " / " : "") + env;
    try {
      return switch (type) {
        case STRING, PATH, SECRET -> {
          if (raw.isBlank()) {
            throw new IllegalArgumentException("must not be empty");
          }
          yield raw;
        }
        case PORT -> {
          int p = Integer.parseInt(raw.trim());
          if (p < 0 || p > 65535) {
            throw new IllegalArgumentException("must be a port number from 0 to 65535");
          }
          yield p;
        }
        case INT -> {
          int n = Integer.parseInt(raw.trim());
          if (n < 1) {
            throw new IllegalArgumentException("must be a positive integer");
          }
          yield n;
        }
        case COUNT -> {
          int n = Integer.parseInt(raw.trim());
          if (n < 0) {
            throw new IllegalArgumentException("must be an integer, 0 or more");
          }
          yield n;
        }
        case BYTES -> parseBytes(raw);
        case DURATION -> parseDuration(raw);
        case BOOLEAN ->
            switch (raw.trim().toLowerCase(Locale.ROOT)) {
              case "true", "1", "yes", "on" -> true;
              case "false", "0", "no", "off" -> false;
              default -> throw new IllegalArgumentException("must be true or false");
            };
        case CHOICE -> {
          if (!choices.contains(raw)) {
            throw new IllegalArgumentException("must be one of " + String.join(", ", choices));
          }
          yield raw;
        }
      };
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException(where + ": " + quoted(raw) + " " + expected());
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(where + ": " + quoted(raw) + " " + e.getMessage());
    }
  }

  private String quoted(String raw) {
    return type == Type.SECRET ? "(value hidden)" : "\"" + raw + "\"";
  }

  private String expected() {
    return switch (type) {
      case PORT -> "must be a port number from 0 to 65535";
      case INT -> "must be a positive integer";
      case COUNT -> "must be an integer, 0 or more";
      case BYTES -> "must be a size such as 1048576, 512KiB or 1MiB";
      case DURATION -> "must be a duration such as 500ms, 30s, 5m, 1h or 7d";
      default -> "is not valid";
    };
  }

  private static final Pattern SIZE = Pattern.compile("(\\d+)\\s*(B|KiB|MiB|GiB)?");
  private static final Pattern TIME = Pattern.compile("(\\d+)\\s*(ms|s|m|h|d)");

  static long parseBytes(String raw) {
    Matcher m = SIZE.matcher(raw.trim());
    if (!m.matches()) {
      throw new NumberFormatException(raw);
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "B" : m.group(2);
    long bytes =
        switch (unit) {
          case "KiB" -> n << 10;
          case "MiB" -> n << 20;
          case "GiB" -> n << 30;
          default -> n;
        };
    if (bytes < 1) {
      throw new IllegalArgumentException("must be at least 1 byte");
    }
    return bytes;
  }

  static Duration parseDuration(String raw) {
    Matcher m = TIME.matcher(raw.trim());
    if (!m.matches()) {
      throw new NumberFormatException(raw);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2)) {
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "d" -> Duration.ofDays(n);
      default -> Duration.ofHours(n);
    };
  }
}
