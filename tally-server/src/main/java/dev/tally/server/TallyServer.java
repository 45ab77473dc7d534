package dev.tally.server;

import dev.tally.core.index.IndexEngine;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.store.Store;
import dev.tally.server.auth.Provisioning;
import dev.tally.server.config.Backends;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.server.http.Api;
import dev.tally.server.http.EnginesInUse;
import dev.tally.server.messaging.Sender;
import dev.tally.server.schedule.Scheduler;
import dev.tally.server.search.IndexManager;
import dev.tally.server.search.IndexReadiness;
import dev.tally.server.search.LeaseKeeper;
import dev.tally.server.search.MemberPurger;
import dev.tally.server.search.OplogPruner;
import dev.tally.server.search.SearchPool;
import dev.tally.server.search.SearchService;
import dev.tally.server.wiring.DataDir;
import dev.tally.server.wiring.Engines;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running Tally: the store, the HTTP API and their lifecycle. Start-up opens (and migrates) the
 * store, takes the data directory's lock so that a second process cannot serve the same embedded
 * store, creates the first workspace on an empty store and prints its tokens once. Shutdown drains
 * in-flight requests before closing the store.
 */
public final class TallyServer implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TallyServer.class);

  private final Config config;
  private final Store store;
  private final Api api;
  private final DataDir dataDir;
  private final IndexManager indexes;
  private final IndexReadiness readiness;

  private final List<AutoCloseable> opened;

  private TallyServer(
      Config config,
      Store store,
      Api api,
      DataDir dataDir,
      IndexManager indexes,
      IndexReadiness readiness,
      List<AutoCloseable> opened) {
    this.opened = opened;
    this.config = config;
    this.store = store;
    this.api = api;
    this.dataDir = dataDir;
    this.indexes = indexes;
    this.readiness = readiness;
  }

  /** Starts Tally; the first-start token lines go to {@code out}. */
  public static TallyServer start(Config config, String envAdminToken, PrintStream out)
      throws IOException {
    Path data = config.path(Settings.DATA);
    boolean sqlite = config.store() == Backends.Store.SQLITE;
    boolean lucene = config.index() == Backends.Index.LUCENE;
    // The data directory holds what is embedded (the SQLite store, the Lucene index); its lock
    // keeps a second process off it.
    DataDir dataDir = Engines.embedded(config) ? DataDir.lock(data) : null;
    List<AutoCloseable> opened = new ArrayList<>();
    // The periodic work (readiness, healer, verifier, snapshots, pruning, leases) on one scheduler,
    // closed last, after each of its tasks.
    Scheduler scheduler = Scheduler.system();
    opened.add(scheduler);
    try {
      Store store = Engines.openStore(config, dataDir);
      opened.add(store);
      bootstrap(store, envAdminToken, out);
      IndexEngine engine = Engines.openIndex(config);
      opened.add(
          new OplogPruner(store, config.duration(Settings.OPLOG_RETENTION), InstantSource.system())
              .start(scheduler));
      opened.add(new MemberPurger(store, MemberPurger.BATCH).start(scheduler));
      LeaseKeeper projectorLease = null;
      if (!sqlite && lucene) {
        opened.add(Engines.embeddedIndexLease(store, scheduler));
      } else if (engine.shared()) {
        projectorLease = new LeaseKeeper(store, "projector", PROJECTOR_LEASE_TTL).start(scheduler);
        opened.add(projectorLease);
      }
      IndexManager indexes =
          new IndexManager(store, engine, projectorLease == null ? null : projectorLease::held)
              .verifyEvery(config.duration(Settings.VERIFY_INTERVAL), scheduler)
              .keepReplacedGenerations(config.duration(Settings.GENERATION_RETENTION))
              .snapshotEvery(
                  config.duration(Settings.SNAPSHOT_INTERVAL),
                  config.integer(Settings.SNAPSHOT_KEEP),
                  config.duration(Settings.OPLOG_RETENTION),
                  scheduler);
      opened.add(indexes);
      IndexReadiness readiness =
          new IndexReadiness(
                  store,
                  indexes.serving(),
                  indexes.projector(),
                  indexes::healing,
                  config.duration(Settings.READY_MAX_LAG),
                  InstantSource.system())
              .start(scheduler);
      opened.add(readiness);
      indexes.heal(readiness::current, scheduler);
      QueryLimits limits =
          new QueryLimits(
              config.integer(Settings.QUERY_MAX_DEPTH),
              config.integer(Settings.QUERY_MAX_GROUP),
              QueryLimits.DEFAULTS.maxListValues(),
              config.integer(Settings.QUERY_MAX_FILTERS),
              config.integer(Settings.QUERY_MAX_PATTERNS),
              config.integer(Settings.QUERY_MAX_VALUES));
      int searchThreads = config.count(Settings.SEARCH_THREADS);
      SearchPool pool =
          new SearchPool(
              searchThreads == 0 ? SearchPool.defaultThreads() : searchThreads,
              config.count(Settings.SEARCH_QUEUE),
              config.duration(Settings.SEARCH_TIMEOUT));
      opened.add(pool);
      SearchService search =
          new SearchService(
                  store,
                  indexes.serving(),
                  readiness,
                  limits,
                  config.duration(Settings.MIN_POSITION_TIMEOUT),
                  InstantSource.system(),
                  pool)
              .layoutCheck(indexes::servesCurrentLayout);
      opened.add(
          new dev.tally.server.messaging.FanOut(
                  store,
                  search,
                  LeaseKeeper.processName(),
                  InstantSource.system(),
                  config.duration(Settings.SEGMENT_RECHECK_INTERVAL))
              .start(scheduler, config.duration(Settings.FANOUT_INTERVAL)));
      EnginesInUse engines =
          new EnginesInUse(
              config.store().setting(),
              config.index().setting(),
              projectorLease == null ? null : projectorLease::held);
      Api api =
          new Api(
                  store,
                  search,
                  indexes,
                  config.bytes(Settings.MAX_BODY),
                  config.bytes(Settings.MAX_BULK_BODY),
                  envAdminToken,
                  engines)
              .start(config.string(Settings.HOST), config.port(Settings.PORT));
      registerTaskMetrics(api, scheduler);
      // Delivers the send queue: the final check reads the store only, so it runs whatever the
      // index's state. Closed before the store, after the API.
      Sender.Email email = email(config, api.port());
      api.messagingSender(!config.duration(Settings.SENDER_INTERVAL).isZero(), email != null);
      opened.add(
          new Sender(
                  store,
                  search::parser,
                  senderOptions(config),
                  email,
                  InstantSource.system(),
                  new java.util.Random(),
                  api.metricsRegistry())
              .start(scheduler));
      registerSearchMetrics(api, pool);
      if (store.poolStatistics().isPresent()) {
        registerPoolMetrics(api, store);
      }
      if (store.writerStatistics().isPresent()) {
        registerWriterMetrics(api, store);
      }
      // Where several processes share the index, one applies the oplog (it holds the lease) and the
      // others stand by.
      LeaseKeeper lease = projectorLease;
      java.util.function.BooleanSupplier leading = lease == null ? () -> true : lease::held;
      api.projectorRole(() -> leading.getAsBoolean() ? "leading" : "standby");
      io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
          .name("tally_projector_leading")
          .help(
              "1 while this process applies the oplog to the index (it holds the projector lease, or the index is its own), 0 on standby")
          .callback(cb -> cb.call(leading.getAsBoolean() ? 1 : 0))
          .register(api.metricsRegistry());
      LOG.atInfo()
          .addKeyValue("host", config.string(Settings.HOST))
          .addKeyValue("port", api.port())
          .addKeyValue("store", sqlite ? data.resolve("tally.db").toString() : "postgres")
          .addKeyValue("index", engine.describe())
          .log("Tally is serving");
      return new TallyServer(config, store, api, dataDir, indexes, readiness, opened);
    } catch (RuntimeException e) {
      closeAll(opened);
      if (dataDir != null) {
        dataDir.close();
      }
      throw e;
    }
  }

  /**
   * The sender's settings; Sender.Options refuses a --sender-lease shorter than twice the
   * --webhook-timeout.
   */
  private static Sender.Options senderOptions(Config config) {
    Duration timeout = config.duration(Settings.WEBHOOK_TIMEOUT);
    Sender.Options defaults =
        Sender.Options.of(
            config.duration(Settings.SENDER_INTERVAL),
            config.integer(Settings.SENDER_THREADS),
            timeout);
    return new Sender.Options(
        defaults.interval(),
        config.duration(Settings.SENDER_LEASE),
        defaults.threads(),
        timeout,
        defaults.heldFor(),
        defaults.backoff(),
        config.integer(Settings.WEBHOOK_CONCURRENCY));
  }

  /**
   * Where email goes (null without --smtp-url: email sends are held). --public-url defaults to this
   * process's own address, which only a local mailbox can reach.
   */
  private static Sender.Email email(Config config, int port) {
    String smtp = config.string(Settings.SMTP_URL);
    if (smtp == null) {
      return null;
    }
    String publicUrl = config.string(Settings.PUBLIC_URL);
    if (publicUrl == null) {
      String host = config.string(Settings.HOST);
      if (host.equals("0.0.0.0") || host.equals("::") || host.equals("[::]")) {
        host = "localhost";
      } else if (host.contains(":") && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      publicUrl = "http://" + host + ":" + port;
    }
    return Sender.Email.of(smtp, publicUrl);
  }

  /**
   * Each periodic task's runs, failures and the times of its last run and last failure: a task that
   * keeps failing shows.
   */
  private static void registerTaskMetrics(Api api, Scheduler scheduler) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_task_runs")
        .help(
            "Runs of each periodic task (readiness, healer, verifier, snapshots, oplog pruning, leases), failed or not")
        .labelNames("task")
        .callback(cb -> scheduler.states().forEach(t -> cb.call(t.runs(), t.name())))
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_task_failures")
        .help("Runs of each periodic task that threw; the task runs again at its next time")
        .labelNames("task")
        .callback(cb -> scheduler.states().forEach(t -> cb.call(t.failures(), t.name())))
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("tally_task_last_run_timestamp_seconds")
        .help("When each periodic task last ran (0: not yet)")
        .labelNames("task")
        .callback(cb -> scheduler.states().forEach(t -> cb.call(seconds(t.lastRun()), t.name())))
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("tally_task_last_failure_timestamp_seconds")
        .help("When each periodic task last failed (0: never)")
        .labelNames("task")
        .callback(
            cb -> scheduler.states().forEach(t -> cb.call(seconds(t.lastFailure()), t.name())))
        .register(api.metricsRegistry());
  }

  private static double seconds(java.time.Instant at) {
    return at == null ? 0 : at.toEpochMilli() / 1000.0;
  }

  /**
   * The group-commit writer: batches, the writes they held, and batches run again with a savepoint
   * per write.
   */
  private static void registerWriterMetrics(Api api, Store store) {
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_store_write_batches")
        .help(
            "Write transactions the store's writer committed or tried (each holds the writes that were waiting)")
        .callback(cb -> cb.call(store.writerStatistics().orElseThrow().batches()))
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_store_writes")
        .help("Writes the store's writer ran in its batches")
        .callback(cb -> cb.call(store.writerStatistics().orElseThrow().writes()))
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_store_write_batch_reruns")
        .help("Batches run again with a savepoint per write because one of their writes failed")
        .callback(cb -> cb.call(store.writerStatistics().orElseThrow().reruns()))
        .register(api.metricsRegistry());
  }

  /**
   * The PostgreSQL read pool's connections by state, and its configured size: after an outage,
   * total returns to size.
   */
  private static void registerSearchMetrics(Api api, SearchPool pool) {
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("tally_search_pool_searches")
        .help("Index searches running (running) and waiting for a search thread (waiting)")
        .labelNames("state")
        .callback(
            cb -> {
              cb.call(pool.active(), "running");
              cb.call(pool.waiting(), "waiting");
            })
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.CounterWithCallback.builder()
        .name("tally_search_refused_total")
        .help(
            "Searches answered 503 by the search pool: busy (pool and queue full) or timeout (past search-timeout)")
        .labelNames("reason")
        .callback(
            cb -> {
              cb.call(pool.rejected(), "busy");
              cb.call(pool.timedOutCount(), "timeout");
            })
        .register(api.metricsRegistry());
  }

  private static void registerPoolMetrics(Api api, Store store) {
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("tally_store_pool_connections")
        .help(
            "Connections in the PostgreSQL read pool by state (total, active, idle) and requests waiting for one (waiting)")
        .labelNames("state")
        .callback(
            cb -> {
              var p = store.poolStatistics().orElseThrow();
              cb.call(p.total(), "total");
              cb.call(p.active(), "active");
              cb.call(p.idle(), "idle");
              cb.call(p.waiting(), "waiting");
            })
        .register(api.metricsRegistry());
    io.prometheus.metrics.core.metrics.GaugeWithCallback.builder()
        .name("tally_store_pool_size")
        .help("The PostgreSQL read pool's configured size")
        .callback(cb -> cb.call(store.poolStatistics().orElseThrow().size()))
        .register(api.metricsRegistry());
  }

  /**
   * How long a projector lease lasts without renewal: a dead holder is replaced within this time.
   */
  static final Duration PROJECTOR_LEASE_TTL = Duration.ofSeconds(6);

  private static void closeAll(List<AutoCloseable> opened) {
    for (int i = opened.size() - 1; i >= 0; i--) {
      try {
        opened.get(i).close();
      } catch (Exception e) {
        LOG.atWarn()
            .addKeyValue("error", String.valueOf(e.getMessage()))
            .log("could not close " + opened.get(i).getClass().getSimpleName());
      }
    }
  }

  /**
   * On an empty store: make the admin token (unless the environment gives one) and the default
   * workspace.
   */
  private static void bootstrap(Store store, String envAdminToken, PrintStream out) {
    String adminToken = null;
    if (envAdminToken == null && !store.hasAdminToken()) {
      adminToken = Provisioning.createAdminToken(store);
    }
    // A token is printed only when Tally made it: one from the environment is the operator's
    // already, and echoing it would copy a secret into whatever keeps this output.
    if (adminToken != null) {
      out.println("TALLY_ADMIN_TOKEN=" + adminToken);
    }
    if (store.workspaces().isEmpty()) {
      out.println("TALLY_TOKEN=" + Provisioning.createWorkspace(store, "default").token());
    }
    out.flush();
  }

  /** The oplog position searches can already see (for freshness measurements). */
  public long searchablePosition() {
    return indexes.serving().visiblePosition();
  }

  /**
   * The index's generations, rebuilds, snapshots and verification (for benchmarks and tests in this
   * process).
   */
  public IndexManager indexes() {
    return indexes;
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

  /**
   * Drains in-flight requests (up to the drain timeout), then stops the API and closes the store.
   */
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
      LOG.atWarn()
          .addKeyValue("in_flight", api.inFlight())
          .log("drain timeout reached; stopping with requests in flight");
    }
    api.stop();
    closeAll(opened);
    if (dataDir != null) {
      dataDir.close();
    }
    LOG.info("Tally stopped");
  }
}
