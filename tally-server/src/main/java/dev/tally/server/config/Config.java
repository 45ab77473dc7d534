package dev.tally.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Function;

/**
 * Resolved settings: flag, else environment variable, else default. Validated when built, then
 * immutable (as HikariCP seals its config).
 */
public final class Config {
  private final Map<Setting, Object> values;

  private Config(Map<Setting, Object> values) {
    this.values = Collections.unmodifiableMap(values);
  }

  /**
   * @param flags values given on the command line, by setting (absent when not given)
   * @param env   the environment (System::getenv in production)
   */
  public static Config resolve(Map<Setting, String> flags, Function<String, String> env) {
    Map<Setting, Object> values = new LinkedHashMap<>();
    for (Setting s : Settings.SERVE) {
      String raw = flags.get(s);
      if (raw == null) {
        raw = env.apply(s.env());
      }
      if (raw == null) {
        raw = s.defaultValue();
      }
      values.put(s, raw == null ? null : s.parse(raw));
    }
    return new Config(values);
  }

  public Object get(Setting s) {
    return values.get(s);
  }

  public String string(Setting s) {
    return (String) values.get(s);
  }

  public int port(Setting s) {
    return (Integer) values.get(s);
  }

  public int integer(Setting s) {
    return (Integer) values.get(s);
  }

  public long bytes(Setting s) {
    return (Long) values.get(s);
  }

  public Duration duration(Setting s) {
    return (Duration) values.get(s);
  }

  public boolean bool(Setting s) {
    return (Boolean) values.get(s);
  }

  public Path path(Setting s) {
    return Path.of(string(s));
  }
}
