package dev.tally.server.config;

/** The backends the settings choose between, as types rather than strings compared with equals. */
public final class Backends {
  private Backends() {}

  /** Where the truth is kept (--store). */
  public enum Store {
    SQLITE("sqlite"), POSTGRES("postgres");

    public final String setting;

    Store(String setting) {
      this.setting = setting;
    }

    static Store of(String setting) {
      for (Store s : values()) {
        if (s.setting.equals(setting)) {
          return s;
        }
      }
      throw new IllegalArgumentException("--store must be sqlite or postgres, got " + setting);
    }
  }

  /** Where the index is kept (--index). */
  public enum Index {
    LUCENE("lucene"), OPENSEARCH("opensearch");

    public final String setting;

    Index(String setting) {
      this.setting = setting;
    }

    static Index of(String setting) {
      for (Index i : values()) {
        if (i.setting.equals(setting)) {
          return i;
        }
      }
      throw new IllegalArgumentException("--index must be lucene or opensearch, got " + setting);
    }
  }
}
