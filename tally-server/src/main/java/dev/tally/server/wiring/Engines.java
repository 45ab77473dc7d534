package dev.tally.server.wiring;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.store.Store;
import dev.tally.core.store.WorkspaceLimits;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import dev.tally.core.verify.VersionSource;
import dev.tally.index.lucene.LuceneEngine;
import dev.tally.index.opensearch.OpenSearchEngine;
import dev.tally.index.opensearch.OpenSearchOptions;
import dev.tally.server.config.Backends;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.server.schedule.Scheduler;
import dev.tally.server.search.LeaseKeeper;
import dev.tally.store.postgres.PostgresOptions;
import dev.tally.store.postgres.PostgresStore;
import dev.tally.store.postgres.doctor.SchemaDoctor;
import dev.tally.store.sqlite.SqliteBackup;
import dev.tally.store.sqlite.SqliteVersionReader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Opens the store and the index the settings choose, for {@code serve} and for the offline commands
 * alike.
 */
public final class Engines {
  private Engines() {}

  /** The store: SQLite in the (locked) data directory, or PostgreSQL at --store-url. */
  public static Store openStore(Config config, DataDir dataDir) {
    if (config.store() == Backends.Store.SQLITE) {
      return dataDir.openStore(
          dataDir
              .storeOptions()
              .withTestIdOffsets(config.bool(Settings.TEST_ID_OFFSETS))
              .withWriteTimeout(config.duration(Settings.WRITE_TIMEOUT))
              .withLimits(limits(config)));
    }
    return PostgresStore.open(postgresOptions(config));
  }

  /** The per-workspace caps the store enforces in its write transactions. */
  private static WorkspaceLimits limits(Config config) {
    return new WorkspaceLimits(
        config.integer(Settings.MAX_EVENT_NAMES), config.integer(Settings.MAX_CUSTOM_ATTRIBUTES));
  }

  private static PostgresOptions postgresOptions(Config config) {
    String url =
        config.string(Settings.STORE_URL); // present: Config refuses --store postgres without it
    PostgresOptions options;
    try {
      options =
          PostgresOptions.defaults(url)
              .withTestIdOffsets(config.bool(Settings.TEST_ID_OFFSETS))
              .withWriteTimeout(config.duration(Settings.WRITE_TIMEOUT))
              .withLimits(limits(config));
      if (config.string(Settings.STORE_SCHEMA) != null) {
        options = options.withSchema(config.string(Settings.STORE_SCHEMA));
      }
    } catch (IllegalArgumentException e) {
      throw TallyException.invalid("store-url", e.getMessage());
    }
    String password = config.string(Settings.STORE_PASSWORD);
    if (password != null) {
      options = options.withCredentials(options.user(), password);
    }
    return options;
  }

  /**
   * The index: Lucene in --index-dir (snapshots in --snapshot-dir), or OpenSearch at --index-url
   * behind --index-alias.
   */
  public static IndexEngine openIndex(Config config) {
    if (config.index() == Backends.Index.LUCENE) {
      return new LuceneEngine(
          config.pathUnderData(Settings.INDEX_DIR), config.pathUnderData(Settings.SNAPSHOT_DIR));
    }
    String url = config.string(Settings.INDEX_URL);
    try {
      return new OpenSearchEngine(
          OpenSearchOptions.defaults(url)
              .withAlias(config.string(Settings.INDEX_ALIAS))
              .withRefreshInterval(config.duration(Settings.INDEX_REFRESH)),
          config.string(Settings.INDEX_SNAPSHOT_REPOSITORY));
    } catch (IllegalArgumentException e) {
      throw TallyException.invalid("index-url", e.getMessage());
    }
  }

  /**
   * The store's side of a verification, read-only: every contact's version and the oplog's head.
   */
  public interface StoreReader extends VersionSource, AutoCloseable {
    long head();

    @Override
    void close();
  }

  /**
   * Opens the store read-only beside a Tally that may be serving it: a plain read-only connection
   * to SQLite's file (its writer is not disturbed), or a PostgreSQL store like any other process's.
   */
  public static StoreReader openStoreReader(Config config) {
    if (config.store() == Backends.Store.SQLITE) {
      SqliteVersionReader r =
          SqliteVersionReader.open(config.path(Settings.DATA).resolve("tally.db"));
      return reader(r, r::head, r::close);
    }
    PostgresStore s = PostgresStore.open(postgresOptions(config));
    return reader(s, s::head, s::close);
  }

  private static StoreReader reader(
      VersionSource versions, java.util.function.LongSupplier head, Runnable close) {
    return new StoreReader() {
      @Override
      public long head() {
        return head.getAsLong();
      }

      @Override
      public List<VersionDigest> versionDigests() {
        return versions.versionDigests();
      }

      @Override
      public List<IdVersion> versions(long fromId, long toId) {
        return versions.versions(fromId, toId);
      }

      @Override
      public void close() {
        close.run();
      }
    };
  }

  /**
   * Whether the data directory is needed: it holds what is embedded (the SQLite store, the Lucene
   * index).
   */
  public static boolean embedded(Config config) {
    return config.store() == Backends.Store.SQLITE || config.index() == Backends.Index.LUCENE;
  }

  /**
   * The embedded Lucene index lives in one process, so on a shared store only one Tally may run
   * with it: a lease in the store says who does, and a second process refuses to start.
   */
  public static LeaseKeeper embeddedIndexLease(Store store, Scheduler scheduler) {
    LeaseKeeper lease =
        new LeaseKeeper(store, "embedded-index", Duration.ofSeconds(15)).start(scheduler);
    if (!lease.held()) {
      lease.close();
      throw TallyException.conflict(
          "another Tally process serves this PostgreSQL store with an embedded Lucene index; with --index "
              + "lucene Tally runs as one process. Stop the other one, or run every process with --index opensearch to run several");
    }
    return lease;
  }

  /**
   * A consistent online copy of the SQLite store in {@code data} (its backup API), also while a
   * Tally serves it.
   */
  public static void backupSqlite(Path data, Path out) {
    SqliteBackup.backup(data.resolve("tally.db"), out);
  }

  /** {@code tally doctor}: audits the PostgreSQL schema; returns the exit code. */
  public static int doctor(
      String url, String password, String schema, boolean json, PrintStream out, PrintStream err) {
    return SchemaDoctor.runAgainst(url, password, schema, json, out, err);
  }
}
