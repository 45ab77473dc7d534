package dev.tally.server.wiring;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.store.Store;
import dev.tally.server.config.Backends;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.server.schedule.Scheduler;
import dev.tally.server.search.LeaseKeeper;
import java.io.IOException;
import java.time.Duration;

/**
 * The store and index of a stopped Tally, held as {@code serve} would hold them, for the offline
 * commands that change the index ({@code tally rebuild}, {@code tally status} with --offline): the
 * data directory's lock where something is embedded, and on a shared PostgreSQL store the lease a
 * serving process would hold (the embedded index's, or the projector's for OpenSearch). While a
 * Tally serves them, this refuses and says to use --url instead.
 */
public final class StoppedTally implements AutoCloseable {
  /**
   * How long the offline command's lease lasts without renewal (it is renewed while the command
   * runs).
   */
  static final Duration LEASE_TTL = Duration.ofSeconds(6);

  private final DataDir dataDir;
  private final Store store;
  private final IndexEngine engine;
  private final LeaseKeeper lease;
  private final Scheduler scheduler;

  private StoppedTally(
      DataDir dataDir, Store store, IndexEngine engine, LeaseKeeper lease, Scheduler scheduler) {
    this.scheduler = scheduler;
    this.dataDir = dataDir;
    this.store = store;
    this.engine = engine;
    this.lease = lease;
  }

  /** Throws DataDir.InUseException, or a conflict, when a Tally serves this store or index. */
  public static StoppedTally open(Config config) throws IOException {
    DataDir dataDir = Engines.embedded(config) ? DataDir.lock(config.path(Settings.DATA)) : null;
    Store store = null;
    Scheduler scheduler = Scheduler.system(); // renews the lease while the command runs
    try {
      store = Engines.openStore(config, dataDir);
      LeaseKeeper lease = null;
      if (config.store() == Backends.Store.POSTGRES) {
        String name = config.index() == Backends.Index.LUCENE ? "embedded-index" : "projector";
        lease = new LeaseKeeper(store, name, LEASE_TTL).start(scheduler);
        if (!lease.held()) {
          lease.close();
          throw TallyException.conflict(
              "a Tally process serves this PostgreSQL store and its index (it holds the "
                  + name
                  + " lease): act through it with --url, or stop every process first");
        }
      }
      return new StoppedTally(dataDir, store, Engines.openIndex(config), lease, scheduler);
    } catch (RuntimeException e) {
      scheduler.close();
      if (store != null) {
        store.close();
      }
      if (dataDir != null) {
        dataDir.close();
      }
      throw e;
    }
  }

  public Store store() {
    return store;
  }

  public IndexEngine engine() {
    return engine;
  }

  @Override
  public void close() {
    if (lease != null) {
      lease.close();
    }
    scheduler.close();
    store.close();
    if (dataDir != null) {
      dataDir.close();
    }
  }
}
