package dev.tally.server;

import dev.tally.core.store.Store;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.core.query.QueryLimits;
import dev.tally.server.data.DataDir;
import dev.tally.server.search.IndexManager;
import dev.tally.server.search.LuceneEngine;
import dev.tally.server.search.IndexReadiness;
import dev.tally.server.search.SearchService;
import java.time.InstantSource;
import dev.tally.server.http.Api;
import dev.tally.server.auth.Provisioning;
import dev.tally.store.sqlite.SqliteOptions;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tally: the store, the HTTP API and their lifecycle. Start-up opens (and migrates)
 * the store, takes the data directory's lock so that a second process cannot serve the same
 * embedded store, creates the first workspace on an empty store and prints its tokens once.
 * Shutdown drains in-flight requests before closing the store.
 */
public final class TallyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TallyServer.class);

  private final Config config;
  private final Store store;
  private final Api api;
  private final DataDir dataDir;
  private final IndexManager indexes;
  private final IndexReadiness readiness;

  private TallyServer(Config config, Store store, Api api, DataDir dataDir, IndexManager indexes, IndexReadiness readiness) {
    this.config = config;
    this.store = store;
    this.api = api;
    this.dataDir = dataDir;
    this.indexes = indexes;
    this.readiness = readiness;
  }

  /** Starts Tally; the first-start token lines go to {@code out}. */
  public static TallyServer start(Config config, String envAdminToken, PrintStream out) throws IOException {
    Path data = config.path(Settings.DATA);
    DataDir dataDir = DataDir.lock(data);
    Store store = null;
    IndexManager indexes = null;
    IndexReadiness readiness = null;
    try {
      SqliteOptions options = dataDir.storeOptions()
          .withTestIdOffsets(config.bool(Settings.TEST_ID_OFFSETS))
          .withWriteTimeout(config.duration(Settings.WRITE_TIMEOUT));
      store = dataDir.openStore(options);
      bootstrap(store, envAdminToken, out);
      indexes = new IndexManager(store, new LuceneEngine(indexDir(config))).verifyEvery(config.duration(Settings.VERIFY_INTERVAL));
      readiness = new IndexReadiness(store, indexes.serving(), indexes.projector(), indexes::healing,
          config.duration(Settings.READY_MAX_LAG), InstantSource.system()).start();
      indexes.heal(readiness::current);
      QueryLimits limits = new QueryLimits(config.integer(Settings.QUERY_MAX_DEPTH), config.integer(Settings.QUERY_MAX_GROUP),
          QueryLimits.DEFAULTS.maxListValues());
      SearchService search = new SearchService(store, indexes.serving(), readiness, limits,
          config.duration(Settings.MIN_POSITION_TIMEOUT), InstantSource.system());
      Api api = new Api(store, search, indexes, config.bytes(Settings.MAX_BODY), config.bytes(Settings.MAX_BULK_BODY), envAdminToken)
          .start(config.string(Settings.HOST), config.port(Settings.PORT));
      LOG.atInfo().addKeyValue("host", config.string(Settings.HOST)).addKeyValue("port", api.port())
          .addKeyValue("data", data.toString()).log("Tally is serving");
      return new TallyServer(config, store, api, dataDir, indexes, readiness);
    } catch (RuntimeException e) {
      if (readiness != null) {
        readiness.close();
      }
      if (indexes != null) {
        indexes.close();
      }
      if (store != null) {
        store.close();
      }
      dataDir.close();
      throw e;
    }
  }

  /** On an empty store: make the admin token (unless the environment gives one) and the default workspace. */
  private static void bootstrap(Store store, String envAdminToken, PrintStream out) {
    String adminToken = null;
    if (envAdminToken == null && !store.hasAdminToken()) {
      adminToken = Provisioning.createAdminToken(store);
    }
    if (store.workspaces().isEmpty()) {
      String token = Provisioning.createWorkspace(store, "default").token();
      out.println("TALLY_ADMIN_TOKEN=" + (adminToken != null ? adminToken : envAdminToken != null ? envAdminToken : "(unchanged)"));
      out.println("TALLY_TOKEN=" + token);
      out.flush();
    } else if (adminToken != null) {
      out.println("TALLY_ADMIN_TOKEN=" + adminToken);
      out.flush();
    }
  }

  /** The index directory: --index-dir, where "<data>" stands for the data directory. */
  public static Path indexDir(Config config) {
    String raw = config.string(Settings.INDEX_DIR);
    return raw.startsWith("<data>") ? config.path(Settings.DATA).resolve(raw.substring("<data>".length()).replaceFirst("^/", ""))
        : Path.of(raw);
  }

  /** The oplog position searches can already see (for freshness measurements). */
  public long searchablePosition() {
    return indexes.serving().visiblePosition();
  }

  public IndexReadiness readiness() {
    return readiness;
  }

  public int port() {
    return api.port();
  }

  public Store store() {
    return store;
  }

  /** Drains in-flight requests (up to the drain timeout), then stops the API and closes the store. */
  @Override
  public void close() {
    api.startDraining();
    Duration timeout = config.duration(Settings.DRAIN_TIMEOUT);
    long deadline = System.nanoTime() + timeout.toNanos();
    while (api.inFlight() > 0 && System.nanoTime() < deadline) {
      try {
        TimeUnit.MILLISECONDS.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        break;
      }
    }
    if (api.inFlight() > 0) {
      LOG.atWarn().addKeyValue("in_flight", api.inFlight()).log("drain timeout reached; stopping with requests in flight");
    }
    api.stop();
    readiness.close();
    indexes.close();
    store.close();
    dataDir.close();
    LOG.info("Tally stopped");
  }
}
