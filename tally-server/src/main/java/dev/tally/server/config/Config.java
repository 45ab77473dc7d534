package dev.tally.server.config;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;

/**
 * Resolved settings: flag, else environment variable, else default. Validated when built, then
 * immutable (as HikariCP seals its config).
 */
public final class Config {
  private final Map<Setting, Object> values;
  private final Set<Setting> given;

  private Config(Map<Setting, Object> values, Set<Setting> given) {
    this.values = Collections.unmodifiableMap(values);
    this.given = Collections.unmodifiableSet(given);
  }

  /**
   * @param flags values given on the command line, by setting (absent when not given)
   * @param env the environment (System::getenv in production)
   */
  public static Config resolve(Map<Setting, String> flags, Function<String, String> env) {
    Map<Setting, Object> values = new LinkedHashMap<>();
    Set<Setting> given = new HashSet<>();
    for (Setting s : Settings.SERVE) {
      String raw = flags.get(s);
      if (raw == null) {
        raw = env.apply(s.env());
      }
      if (raw != null) {
        given.add(s);
      } else {
        raw = s.defaultValue();
      }
      values.put(s, raw == null ? null : s.parse(raw));
    }
    Config config = new Config(values, given);
    config.checkTogether();
    return config;
  }

  /** The store the settings choose. */
  public Backends.Store store() {
    return Backends.of(Backends.Store.class, string(Settings.STORE));
  }

  /** The index the settings choose. */
  public Backends.Index index() {
    return Backends.of(Backends.Index.class, string(Settings.INDEX));
  }

  /** Whether the setting was given (as a flag or in the environment) rather than defaulted. */
  public boolean given(Setting s) {
    return given.contains(s);
  }

  /**
   * Settings that only mean something with another one: a PostgreSQL URL given to a SQLite store is
   * a mistake (the operator believes Tally writes to PostgreSQL while it writes to a local file),
   * so it is refused with one line naming the setting, before anything is opened.
   */
  private void checkTogether() {
    Backends.Store store = store();
    Backends.Index index = index();
    if (store == Backends.Store.POSTGRES && string(Settings.STORE_URL) == null) {
      throw new IllegalArgumentException(
          "--store postgres needs --store-url ("
              + Settings.STORE_URL.env()
              + "), for example "
              + "jdbc:postgresql://127.0.0.1:5432/tally?user=tally");
    }
    for (Setting s :
        new Setting[] {Settings.STORE_URL, Settings.STORE_SCHEMA, Settings.STORE_PASSWORD}) {
      if (store == Backends.Store.SQLITE && given(s)) {
        throw new IllegalArgumentException(
            describe(s)
                + " is for --store postgres, but the store is sqlite (its file is in "
                + "--data): add --store postgres, or remove "
                + describe(s));
      }
    }
    for (Setting s :
        new Setting[] {
          Settings.INDEX_URL,
          Settings.INDEX_ALIAS,
          Settings.INDEX_SNAPSHOT_REPOSITORY,
          Settings.INDEX_REFRESH
        }) {
      if (index == Backends.Index.LUCENE && given(s)) {
        throw new IllegalArgumentException(
            describe(s)
                + " is for --index opensearch, but the index is lucene (embedded, in "
                + "--index-dir): add --index opensearch, or remove "
                + describe(s));
      }
    }
  }

  private String describe(Setting s) {
    return s.flag() ? s.flagName() + " (or " + s.env() + ")" : s.env();
  }

  /**
   * The value of {@code s}, which must be of one of {@code types}: a setting read as the wrong type
   * is a bug, said plainly.
   */
  private <T> T typed(Setting s, Class<T> as, Setting.Type... types) {
    if (!java.util.Arrays.asList(types).contains(s.type())) {
      throw new IllegalStateException(
          "the setting " + s.name() + " is a " + s.type() + ", not read as " + as.getSimpleName());
    }
    return as.cast(values.get(s));
  }

  public String string(Setting s) {
    return typed(
        s,
        String.class,
        Setting.Type.STRING,
        Setting.Type.CHOICE,
        Setting.Type.PATH,
        Setting.Type.SECRET);
  }

  public int port(Setting s) {
    return typed(s, Integer.class, Setting.Type.PORT);
  }

  public int integer(Setting s) {
    return typed(s, Integer.class, Setting.Type.INT);
  }

  public int count(Setting s) {
    return typed(s, Integer.class, Setting.Type.COUNT);
  }

  public long bytes(Setting s) {
    return typed(s, Long.class, Setting.Type.BYTES);
  }

  public Duration duration(Setting s) {
    return typed(s, Duration.class, Setting.Type.DURATION);
  }

  public boolean bool(Setting s) {
    return typed(s, Boolean.class, Setting.Type.BOOLEAN);
  }

  public Path path(Setting s) {
    return Path.of(typed(s, String.class, Setting.Type.PATH));
  }

  /**
   * A path setting in which "<data>" stands for the data directory (--index-dir, --snapshot-dir).
   */
  public Path pathUnderData(Setting s) {
    String raw = string(s);
    return raw.startsWith("<data>")
        ? path(Settings.DATA).resolve(raw.substring("<data>".length()).replaceFirst("^/", ""))
        : Path.of(raw);
  }
}
