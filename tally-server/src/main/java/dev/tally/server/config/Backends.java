package dev.tally.server.config;

import java.util.Locale;

/** The backends the settings choose between, as types rather than strings compared with equals. */
public final class Backends {
  private Backends() {}

  /** Where the truth is kept (--store). */
  public enum Store {
    SQLITE,
    POSTGRES;

    /** The setting's value that names it. */
    public String setting() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where the index is kept (--index). */
  public enum Index {
    LUCENE,
    OPENSEARCH;

    public String setting() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /**
   * The backend a setting's value names (the setting itself has already checked it is one of them).
   */
  static <E extends Enum<E>> E of(Class<E> type, String setting) {
    return Enum.valueOf(type, setting.toUpperCase(Locale.ROOT));
  }
}
