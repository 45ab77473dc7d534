package dev.tally.server;

import dev.tally.core.store.Store;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.server.data.DataDir;
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

  private TallyServer(Config config, Store store, Api api, DataDir dataDir) {
    this.config = config;
    this.store = store;
    this.api = api;
    this.dataDir = dataDir;
  }

  /** Starts Tally; the first-start token lines go to {@code out}. */
  public static TallyServer start(Config config, String envAdminToken, PrintStream out) throws IOException {
    Path data = config.path(Settings.DATA);
    DataDir dataDir = DataDir.lock(data);
    Store store = null;
    try {
      SqliteOptions options = dataDir.storeOptions()
          .withTestIdOffsets(config.bool(Settings.TEST_ID_OFFSETS))
          .withWriteTimeout(config.duration(Settings.WRITE_TIMEOUT));
      store = dataDir.openStore(options);
      bootstrap(store, envAdminToken, out);
      Api api = new Api(store, config.bytes(Settings.MAX_BODY), envAdminToken)
          .start(config.string(Settings.HOST), config.port(Settings.PORT));
      LOG.atInfo().addKeyValue("host", config.string(Settings.HOST)).addKeyValue("port", api.port())
          .addKeyValue("data", data.toString()).log("Tally is serving");
      return new TallyServer(config, store, api, dataDir);
    } catch (RuntimeException e) {
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
    store.close();
    dataDir.close();
    LOG.info("Tally stopped");
  }
}
