package dev.tally.bench.common;

import org.sqlite.SQLiteConfig;

/** The settings of SqliteStore's writer connection, for peers that must be exactly as durable. */
public final class SqlitePragmas {
  private SqlitePragmas() {}

  public static SQLiteConfig tallyWriter() {
    SQLiteConfig c = new SQLiteConfig();
    c.setJournalMode(SQLiteConfig.JournalMode.WAL);
    c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
    c.setBusyTimeout(5_000);
    c.enforceForeignKeys(true);
    c.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
    return c;
  }
}
