package dev.tally.bench.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.CpuByThread;
import dev.tally.bench.common.ExternalCpu;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.Workers;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import dev.tally.core.verify.VersionDigest;
import dev.tally.index.lucene.LuceneIndex;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.search.RebuildRunner;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 5's measurements, on the embedded default (SQLite store + Lucene index), Tally in process:
 *
 * <ul>
 *   <li>{@code recovery}: total index loss while Tally serves → ready with correct results, healed
 *       (i) from a snapshot plus an oplog redrive and (ii) by a rebuild from the store;
 *   <li>{@code verify}: verifying agreeing contacts (digests only), and with divergent ones;
 *   <li>{@code rebuild-under-writes}: an online rebuild idle vs under writes at half the maximum
 *       rate.
 * </ul>
 */
public final class RecoveryBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},\"pagination\":{\"per_page\":1}}";

  private RecoveryBench() {}

  // ---------------------------------------------------------------------------------------------
  // Shared set-up: a data directory whose store holds N contacts in the default workspace.

  /** Scheduled snapshots and the background verifier off: the benchmark asks for both itself. */
  private static final Map<Setting, String> BACKGROUND_OFF =
      Map.of(Settings.SNAPSHOT_INTERVAL, "0s", Settings.VERIFY_INTERVAL, "0s");

  /**
   * Tally serving the loaded store (stopped on close), the workspace, and how long loading and the
   * first start took.
   */
  public record Prepared(
      InProcessTally tally, long workspace, double loadSeconds, double startupSeconds)
      implements AutoCloseable {
    @Override
    public void close() throws Exception {
      tally.close();
    }
  }

  /**
   * First start (default workspace, token), stop; load {@code n} contacts straight into the store
   * with {@code Store.writeEach} in chunks of 2,000 (the index directory removed meanwhile); start
   * again: Tally finds the store full and the index missing and rebuilds it (timed until ready).
   */
  public static Prepared prepare(Path data, int n) throws Exception {
    String token;
    try (InProcessTally first = InProcessTally.start(data, BACKGROUND_OFF)) {
      token = first.token();
    }
    BenchFiles.deleteTree(data.resolve("index"));
    long ws;
    double load;
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(data.resolve("tally.db")))) {
      ws = store.workspaces().get(0).id();
      Report.progress("loading " + n + " contacts into the SQLite store");
      load = GeneratedContacts.load(store, ws, 0, n);
    }
    Report.progress(
        String.format(
            "loaded in %.1f s; starting Tally (the index is missing: it rebuilds from the store)",
            load));
    long t0 = System.nanoTime();
    InProcessTally tally = InProcessTally.restart(data, BACKGROUND_OFF, token);
    try {
      tally.awaitReady(Duration.ofMinutes(10));
    } catch (RuntimeException | InterruptedException e) {
      try {
        tally.close();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    return new Prepared(tally, ws, load, (System.nanoTime() - t0) / 1e9);
  }

  /** The number of contacts a search for every one finds ({@code total_count}). */
  static long searchCount(HttpClient client, InProcessTally tally) throws Exception {
    HttpResponse<String> r = tally.post(client, "/contacts/search", "application/json", ALL);
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).path("total_count").asLong();
  }

  private static void awaitSearchable(InProcessTally tally) throws InterruptedException {
    if (!tally.awaitSearchable(Duration.ofMinutes(10))) {
      throw new IllegalStateException("searches did not catch up with the store within 10 minutes");
    }
  }

  // ---------------------------------------------------------------------------------------------
  // recovery

  public static void recovery(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 1_000_000);
    int after = o.integer("writes-after", 20_000);
    Path data = o.freshDir("tally-bench-recovery", "recovery-data");
    Report report =
        new Report(
            "Recovery: total index loss → ready with correct results, "
                + String.format("%,d", n)
                + " contacts");
    HttpClient client = InProcessTally.newClient();
    try (Prepared p = prepare(data, n)) {
      InProcessTally tally = p.tally();
      report.line(
          String.format(
              "- store: SQLite, %,d contacts in one workspace loaded with `Store.writeEach` (chunks of 2,000) in %.1f s; "
                  + "%s; then Tally started on it with no index: rebuilt from the store and ready in %.1f s",
              n,
              p.loadSeconds(),
              BenchFiles.megabytes(data.resolve("tally.db")) + " SQLite file",
              p.startupSeconds()));
      report.line(
          "- Tally in process, default settings except `--snapshot-interval 0s --verify-interval 0s` (the benchmark asks for both);"
              + " index "
              + BenchFiles.megabytes(data.resolve("index"))
              + " on disk");
      List<List<String>> rows = new ArrayList<>();
      // (i) snapshot + redrive
      long ts = System.nanoTime();
      var snap = tally.snapshotNow();
      double snapSeconds = (System.nanoTime() - ts) / 1e9;
      report.line(
          String.format(
              "- snapshot taken on demand (`snapshotNow`, as `tally snapshot`): %.1f s, %,d bytes, position %d",
              snapSeconds, snap.bytes(), snap.position()));
      double writeSeconds = writeAfter(tally.server().store(), p.workspace(), n, after);
      awaitSearchable(tally);
      report.line(
          String.format(
              "- then %,d more writes (half creates, half updates of loaded contacts, `Store.writeEach`, %.1f s) applied"
                  + " by the projector: the snapshot is %,d oplog positions behind",
              after, writeSeconds, tally.server().store().head() - snap.position()));
      rows.add(loseAndHeal(tally, client, p, data, "(i) snapshot + oplog redrive"));
      // (ii) no snapshot: rebuild from the store
      BenchFiles.deleteTree(data.resolve("snapshots"));
      writeSeconds = writeAfter(tally.server().store(), p.workspace(), n + after, after);
      awaitSearchable(tally);
      report.line(
          String.format(
              "- for (ii) every snapshot was deleted and %,d more writes made (%.1f s)",
              after, writeSeconds));
      rows.add(loseAndHeal(tally, client, p, data, "(ii) rebuild from the store"));
      report.line(
          "- loss = the whole index directory deleted (`rm -r <data>/index`) while Tally serves and no writes run; the healer checks"
              + " every second. Phases from `IndexManager`'s rebuild status; *ready* = healing done and `IndexReadiness` true; then checked:"
              + " `IndexManager.verify` agrees (its time in the last column) and a search's `total_count` equals the store's count");
      report.table(
          List.of(
              "way",
              "detection",
              "restore",
              "fill",
              "catch-up",
              "swap",
              "loss → ready",
              "goal ≤ 60 s",
              "verify agrees",
              "search count = store",
              "verify took"),
          rows);
    } finally {
      BenchFiles.deleteTree(data);
    }
    report.finish(o.out());
  }

  private static double writeAfter(Store store, long ws, int from, int n) throws Exception {
    long t0 = System.nanoTime();
    List<Long> ids = store.contactIds(0, 100_000);
    SplittableRandom rnd = new SplittableRandom(from);
    int creates = n / 2;
    GeneratedContacts.load(store, ws, from, creates);
    for (int at = 0; at < n - creates; at += 2000) {
      List<WriteWork<Contact>> works = new ArrayList<>();
      for (int i = at; i < Math.min(n - creates, at + 2000); i++) {
        long id = ids.get(rnd.nextInt(ids.size()));
        ContactPatch patch =
            ContactPatchParser.parse(
                JSON.readTree(
                    "{\"name\":\"updated "
                        + from
                        + "-"
                        + i
                        + "\",\"custom_attributes\":{\"seats\":"
                        + (1 + rnd.nextInt(100))
                        + "}}"),
                ContactPatchParser.Mode.UPDATE);
        works.add(tx -> tx.updateContact(ws, id, patch));
      }
      GeneratedContacts.write(store, works);
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static List<String> loseAndHeal(
      InProcessTally tally, HttpClient client, Prepared p, Path data, String way) throws Exception {
    String before = tally.rebuildStatus().generation();
    Report.progress("recovery: " + way + ": deleting the index directory");
    long t0 = System.nanoTime();
    BenchFiles.deleteTree(data.resolve("index"));
    long deleted = t0; // the loss starts with the first file removed
    long detected = 0;
    while (!tally.indexBusy()) {
      if (System.nanoTime() - deleted > 60_000_000_000L) {
        throw new IllegalStateException("the lost index was not noticed within 60 s");
      }
      LockSupport.parkNanos(200_000);
    }
    detected = System.nanoTime();
    tally.awaitReady(Duration.ofMinutes(5));
    long ready = System.nanoTime();
    var s = tally.rebuildStatus();
    if (s.state() != RebuildRunner.State.DONE
        || (before != null && before.equals(s.generation()))) {
      throw new IllegalStateException("unexpected rebuild status after healing: " + s);
    }
    long v0 = System.nanoTime();
    Verifier.Report v = tally.verify();
    double verifySeconds = (System.nanoTime() - v0) / 1e9;
    long searched = searchCount(client, tally);
    long inStore = tally.server().store().contactCount(p.workspace());
    Report.progress(
        String.format(
            "recovery: %s: ready after %.1f s from %s; phases %s; verify %s in %.1f s; search %d, store %d",
            way,
            (ready - deleted) / 1e9,
            s.source(),
            s.phases(),
            v.agree(),
            verifySeconds,
            searched,
            inStore));
    if (!v.agree() || searched != inStore) {
      throw new IllegalStateException(
          "healed, but not correct: verify " + v + ", search " + searched + ", store " + inStore);
    }
    Map<String, Double> ph = s.phases();
    double total = (ready - deleted) / 1e9;
    return List.of(
        way + " (" + s.source() + ")",
        secs((detected - deleted) / 1e9),
        secs(ph.get("restore")),
        secs(ph.get("fill")),
        secs(ph.get("catch_up")),
        secs(ph.get("swap")),
        "**" + secs(total) + "**",
        total <= 60 ? "yes" : "**no**",
        v.agree()
            + " ("
            + String.format("%,d", v.contacts())
            + " contacts, "
            + v.buckets()
            + " buckets)",
        String.format("%,d = %,d", searched, inStore),
        secs(verifySeconds));
  }

  static String secs(Double s) {
    return s == null ? "—" : String.format("%.1f s", s);
  }

  // ---------------------------------------------------------------------------------------------
  // verify

  public static void verify(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 1_000_000);
    int runs = o.integer("runs", 5);
    int divergent = o.integer("divergent", 100);
    Path work = o.freshDir("tally-bench-verify", "verify-bench");
    Report report =
        new Report(
            String.format("Verify: %,d contacts, agreeing and with %d divergent", n, divergent));
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(work.resolve("tally.db")))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      Report.progress("verify: loading " + n + " contacts");
      double load = GeneratedContacts.load(store, ws, 0, n);
      Report.progress("verify: building the index");
      long tb = System.nanoTime();
      try (LuceneIndex index = LuceneIndex.open(work.resolve("index"), 1000)) {
        new Rebuild(store, 1000).fill(index, new Rebuild.Progress(), 2);
        index.commit();
        double build = (System.nanoTime() - tb) / 1e9;
        report.line(
            String.format(
                "- SQLite store with %,d contacts (`Store.writeEach`, %.1f s); Lucene index built by `Rebuild.fill` (2 threads, %.1f s, %s)",
                n, load, build, BenchFiles.megabytes(work.resolve("index"))));
        report.line(
            "- `new Verifier(store, index, 30 s).verify(null)` — what `tally verify` and the background verifier run: per-bucket digests"
                + " (4,096 ids a bucket) from the store's covering index and from Lucene's doc values, id-by-id only where digests differ;"
                + " 1 warm-up, then "
                + runs
                + " runs each, median (min–max)");
        double[] agree = new double[runs];
        double[] storeDigests = new double[runs];
        double[] indexDigests = new double[runs];
        Verifier.Report last = null;
        for (int r = -1; r < runs; r++) {
          long t0 = System.nanoTime();
          last = new Verifier(store, index, Duration.ofSeconds(30)).verify(null);
          double s = (System.nanoTime() - t0) / 1e9;
          if (!last.agree()) {
            throw new IllegalStateException(
                "store and index disagree before any divergence: " + last.differences().size());
          }
          long t1 = System.nanoTime();
          store.versionDigests();
          double sd = (System.nanoTime() - t1) / 1e9;
          long t2 = System.nanoTime();
          index.versionDigests();
          double id = (System.nanoTime() - t2) / 1e9;
          if (r >= 0) {
            agree[r] = s;
            storeDigests[r] = sd;
            indexDigests[r] = id;
          }
        }
        int buckets = last.buckets();
        // Divergence: half the chosen contacts lose their document in the index (a tombstone one
        // version up: "missing_in_index"), half get a version the store never had
        // ("newer_in_index").
        List<Long> all = new ArrayList<>();
        for (List<Long> ids;
            !(ids = store.contactIds(all.isEmpty() ? 0 : all.get(all.size() - 1), 10_000))
                .isEmpty(); ) {
          all.addAll(ids);
        }
        Collections.shuffle(all, new Random(5));
        List<Long> chosen = all.subList(0, divergent);
        List<IndexBatch.Deletion> gone = new ArrayList<>();
        List<ContactDocument> newer = new ArrayList<>();
        List<ContactDocument> docs = store.documents(chosen);
        for (int i = 0; i < docs.size(); i++) {
          Contact c = docs.get(i).contact();
          if (i % 2 == 0) {
            gone.add(new IndexBatch.Deletion(c.workspaceId(), c.id(), c.version() + 1));
          } else {
            newer.add(
                new ContactDocument(
                    new Contact(c.id(), c.workspaceId(), c.version() + 1, c.fields(), c.custom()),
                    docs.get(i).events()));
          }
        }
        index.apply(new IndexBatch(newer, gone, List.of(), 0));
        long differingBuckets = chosen.stream().map(VersionDigest::bucket).distinct().count();
        double[] diverging = new double[runs];
        for (int r = -1; r < runs; r++) {
          long t0 = System.nanoTime();
          last = new Verifier(store, index, Duration.ofSeconds(30)).verify(null);
          double s = (System.nanoTime() - t0) / 1e9;
          if (last.agree() || last.differences().size() != divergent) {
            throw new IllegalStateException(
                "expected " + divergent + " differences, found " + last.differences().size());
          }
          if (r >= 0) {
            diverging[r] = s;
          }
        }
        report.line(
            String.format(
                "- divergence: %d contacts chosen at random over all ids (%d of %d buckets differ): %d made missing in the"
                    + " index, %d given a newer version; every run found exactly these %d",
                divergent, differingBuckets, buckets, gone.size(), newer.size(), divergent));
        report.table(
            List.of("what", "median", "min–max", "contacts/s"),
            List.of(
                List.of(
                    "verify, all agree (digests only)",
                    fmt(RebuildBench.median(agree)),
                    range(agree),
                    rate(n, RebuildBench.median(agree))),
                List.of(
                    "  of which: store digests (`SqliteStore.versionDigests`)",
                    fmt(RebuildBench.median(storeDigests)),
                    range(storeDigests),
                    ""),
                List.of(
                    "  of which: index digests (`LuceneIndex.versionDigests`)",
                    fmt(RebuildBench.median(indexDigests)),
                    range(indexDigests),
                    ""),
                List.of(
                    "verify, "
                        + divergent
                        + " divergent (digests, then "
                        + differingBuckets
                        + " buckets id by id, twice: once more after a catch-up)",
                    fmt(RebuildBench.median(diverging)),
                    range(diverging),
                    rate(n, RebuildBench.median(diverging)))));
      }
    } finally {
      BenchFiles.deleteTree(work);
    }
    report.finish(o.out());
  }

  static String fmt(double s) {
    return s < 10 ? String.format("%.2f s", s) : String.format("%.1f s", s);
  }

  static String range(double[] v) {
    return fmt(RebuildBench.min(v)) + "–" + fmt(RebuildBench.max(v));
  }

  static String rate(long n, double s) {
    return String.format("%,.0f", n / s);
  }

  // ---------------------------------------------------------------------------------------------
  // rebuild-under-writes

  /** One write of the mix, over HTTP; its send time and latency are kept. */
  static final class Writer {
    private final HttpClient client = InProcessTally.newClient();
    private final InProcessTally tally;
    private final long[] pool;
    private final AtomicLong next = new AtomicLong(50_000_000);
    private final ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
    final AtomicLong errors = new AtomicLong();

    Writer(InProcessTally tally, long[] pool) {
      this.tally = tally;
      this.pool = pool;
    }

    private HttpRequest.Builder req(String path) {
      return HttpRequest.newBuilder(tally.uri(path))
          .timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + tally.token())
          .header("Content-Type", "application/json");
    }

    /**
     * 50 % creates, 30 % updates of loaded contacts, 15 % events, 5 % deletes of contacts this
     * writer created.
     */
    boolean write() {
      ThreadLocalRandom rnd = ThreadLocalRandom.current();
      int op = rnd.nextInt(100);
      try {
        HttpRequest r;
        String deleting = null;
        if (op < 5 && (deleting = created.poll()) != null) {
          r = req("/contacts/" + deleting).DELETE().build();
        } else if (op < 55) {
          long i = next.incrementAndGet();
          r =
              req("/contacts")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          GeneratedContacts.json(new SplittableRandom(i), i)))
                  .build();
        } else if (op < 85) {
          r =
              req("/contacts/" + pool[rnd.nextInt(pool.length)])
                  .PUT(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"name\":\"w"
                              + rnd.nextInt(1_000_000)
                              + "\",\"custom_attributes\":{\"seats\":"
                              + (1 + rnd.nextInt(100))
                              + "}}"))
                  .build();
        } else {
          r =
              req("/events")
                  .POST(
                      HttpRequest.BodyPublishers.ofString(
                          "{\"event_name\":\"tick\",\"created_at\":1700000000,\"id\":\""
                              + pool[rnd.nextInt(pool.length)]
                              + "\"}"))
                  .build();
        }
        HttpResponse<String> res = client.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
          if (errors.incrementAndGet() <= 3) {
            Report.progress("write failed: " + res.statusCode() + " " + res.body());
          }
          return false;
        }
        if (op >= 5 && op < 55 && created.size() < 100_000) {
          created.add(JSON.readTree(res.body()).path("id").asText());
        }
        return true;
      } catch (Exception e) {
        if (errors.incrementAndGet() <= 3) {
          Report.progress("write failed: " + e);
        }
        return false;
      }
    }

    double closedLoop(int clients, int seconds) throws InterruptedException {
      return Workers.closedLoop(clients, seconds, this::write);
    }
  }

  /**
   * Open-loop writes at a fixed rate until stopped: sends are due on a schedule whatever the
   * answers do.
   */
  static final class Paced implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final List<Thread> threads = new ArrayList<>();
    final LongList sent = new LongList();
    final LongList latency = new LongList();
    final AtomicLong acked = new AtomicLong();

    Paced(Writer w, double rate) {
      double interval = 1e9 / rate;
      AtomicLong slot = new AtomicLong();
      long start = System.nanoTime() + 20_000_000L;
      for (int i = 0; i < 48; i++) {
        threads.add(
            Thread.ofPlatform()
                .name("paced-" + i)
                .start(
                    () -> {
                      while (!stop.get()) {
                        long due = start + (long) (slot.getAndIncrement() * interval);
                        for (long now; (now = System.nanoTime()) < due && !stop.get(); ) {
                          LockSupport.parkNanos(Math.min(due - now, 50_000_000L));
                        }
                        if (stop.get()) {
                          return;
                        }
                        long t0 = System.nanoTime();
                        if (w.write()) {
                          long t1 = System.nanoTime();
                          acked.incrementAndGet();
                          synchronized (this) {
                            sent.add(t0);
                            latency.add(t1 - t0);
                          }
                        }
                      }
                    }));
      }
    }

    /** Latencies of the writes sent in [from, to). */
    synchronized long[] between(long from, long to) {
      long[] s = sent.toArray();
      long[] l = latency.toArray();
      LongList out = new LongList();
      for (int i = 0; i < s.length; i++) {
        if (s[i] >= from && s[i] < to) {
          out.add(l[i]);
        }
      }
      return out.toArray();
    }

    @Override
    public void close() throws InterruptedException {
      stop.set(true);
      for (Thread t : threads) {
        t.join();
      }
    }
  }

  record RebuildRun(double seconds, long documents, Map<String, Double> phases) {
    double rate() {
      return documents / seconds;
    }
  }

  static RebuildRun rebuildOnline(InProcessTally tally) throws InterruptedException {
    long t0 = System.nanoTime();
    tally.startRebuild();
    var s = tally.rebuildStatus();
    for (; s.running(); s = tally.rebuildStatus()) {
      Thread.sleep(2);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (s.state() != RebuildRunner.State.DONE) {
      throw new IllegalStateException("the rebuild ended " + s);
    }
    return new RebuildRun(secs, s.documents(), s.phases());
  }

  public static void rebuildUnderWrites(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 300_000);
    int runs = o.integer("runs", 3);
    int maxRateSeconds = o.integer("max-rate-seconds", 10);
    double fraction = o.decimal("load-fraction", 0.5);
    Path data = o.freshDir("tally-bench-ruw", "ruw-data");
    Report report =
        new Report(
            String.format(
                "Rebuild under writes: %,d contacts, writes at %d %% of the maximum rate",
                n, Math.round(fraction * 100)));
    try (Prepared p = prepare(data, n)) {
      InProcessTally tally = p.tally();
      List<Long> ids = tally.server().store().contactIds(0, 100_000);
      long[] pool = ids.stream().mapToLong(Long::longValue).toArray();
      Writer w = new Writer(tally, pool);
      Report.progress("rebuild-under-writes: warm-up (3 s writes, one rebuild)");
      w.closedLoop(8, 3);
      rebuildOnline(tally);
      Report.progress(
          "rebuild-under-writes: maximum write rate, 8 clients, " + maxRateSeconds + " s");
      double max = w.closedLoop(8, maxRateSeconds);
      double target = max * fraction;
      awaitSearchable(tally);
      Report.progress(
          String.format(
              "rebuild-under-writes: max %.0f writes/s; target %.0f writes/s", max, target));
      report.line(
          String.format(
              "- store: SQLite, %,d contacts (`Store.writeEach`, %.1f s); Tally in process (snapshots and background verifier off)",
              n, p.loadSeconds()));
      report.line(
          "- write mix over HTTP/1.1: 50 % `POST /contacts`, 30 % `PUT /contacts/{id}` of loaded contacts, 15 % `POST /events`, 5 % "
              + "`DELETE /contacts/{id}` of contacts the run created");
      report.line(
          String.format(
              "- maximum write rate of that mix: **%.0f writes/s** (8 closed-loop clients, %d s, after a 3 s warm-up and one"
                  + " warm-up rebuild); paced open loop (48 senders) at %.0f writes/s",
              max, maxRateSeconds, target));
      report.line(
          "- each of "
              + runs
              + " rounds: writes alone for as long as the idle rebuild took (idle p99), an online rebuild with no writes"
              + " (`POST /admin/index/rebuild`'s `IndexManager.startRebuild`, until its status is `done`), then one while the paced writes run;"
              + " after the swap and the end of writes, `IndexManager.verify` (catch-up, then every (id, version)) counts the differences");
      List<List<String>> rows = new ArrayList<>();
      double[] idleRate = new double[runs];
      double[] busyRate = new double[runs];
      double[] idleP99 = new double[runs];
      double[] busyP99 = new double[runs];
      long totalDiff = 0;
      Map<String, Double> cpuIdle = new LinkedHashMap<>();
      Map<String, Double> cpuWrites = new LinkedHashMap<>();
      Map<String, Double> cpuBusy = new LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        Report.progress("rebuild-under-writes: round " + r + ": idle rebuild");
        CpuWindow ci = new CpuWindow();
        RebuildRun idle = rebuildOnline(tally);
        ci.end(cpuIdle);
        Report.progress(
            "rebuild-under-writes: round "
                + r
                + ": writes alone for "
                + Math.max(5, Math.round(idle.seconds()))
                + " s");
        long[] alone;
        try (Paced paced = new Paced(w, target)) {
          Thread.sleep(1000);
          long from = System.nanoTime();
          CpuWindow cw = new CpuWindow();
          Thread.sleep(Math.max(5000, Math.round(idle.seconds() * 1000)));
          cw.end(cpuWrites);
          alone = paced.between(from, System.nanoTime());
        }
        awaitSearchable(tally);
        Report.progress("rebuild-under-writes: round " + r + ": rebuild under writes");
        RebuildRun busy;
        long[] during;
        double achieved;
        try (Paced paced = new Paced(w, target)) {
          Thread.sleep(1000);
          long from = System.nanoTime();
          long ackedBefore = paced.acked.get();
          CpuWindow cb = new CpuWindow();
          busy = rebuildOnline(tally);
          cb.end(cpuBusy);
          long to = System.nanoTime();
          achieved = (paced.acked.get() - ackedBefore) / ((to - from) / 1e9);
          during = paced.between(from, to);
        }
        long tv = System.nanoTime();
        Verifier.Report v = tally.verify();
        double verifySeconds = (System.nanoTime() - tv) / 1e9;
        int diff = v.agree() ? 0 : Math.max(1, v.differences().size());
        totalDiff += diff;
        Percentiles a = new Percentiles(alone);
        Percentiles d = new Percentiles(during);
        idleRate[r] = idle.rate();
        busyRate[r] = busy.rate();
        idleP99[r] = a.ms(99);
        busyP99[r] = d.ms(99);
        rows.add(
            List.of(
                Integer.toString(r + 1),
                String.format(
                    "%.1f s, %,.0f docs/s %s", idle.seconds(), idle.rate(), phases(idle.phases())),
                String.format(
                    "%.1f s, %,.0f docs/s %s", busy.seconds(), busy.rate(), phases(busy.phases())),
                Report.ratio(busy.rate(), idle.rate()),
                String.format("%.0f/s", achieved),
                Percentiles.fmt(a.ms(50))
                    + " / "
                    + Percentiles.fmt(a.ms(99))
                    + " ms ("
                    + a.count()
                    + ")",
                Percentiles.fmt(d.ms(50))
                    + " / "
                    + Percentiles.fmt(d.ms(99))
                    + " ms ("
                    + d.count()
                    + ")",
                Report.ratio(d.ms(99), a.ms(99)),
                diff
                    + (v.note() != null ? " (" + v.note() + ")" : "")
                    + String.format(", verify %.1f s", verifySeconds)));
        Report.progress("rebuild-under-writes: round " + r + ": " + rows.get(rows.size() - 1));
      }
      report.line("- write errors: " + w.errors.get());
      report.table(
          List.of(
              "round",
              "idle rebuild (phases)",
              "rebuild under writes (phases)",
              "throughput ratio",
              "writes during",
              "write p50 / p99 alone (n)",
              "write p50 / p99 during rebuild (n)",
              "p99 ratio",
              "differences after the swap"),
          rows);
      List<List<String>> cpuRows = new ArrayList<>();
      for (var e :
          List.of(
              Map.entry("idle rebuild", cpuIdle),
              Map.entry("writes alone", cpuWrites),
              Map.entry("rebuild under writes", cpuBusy))) {
        List<String> row = new ArrayList<>();
        row.add(e.getKey());
        Map<String, Double> m = e.getValue();
        double wall = m.getOrDefault("wall", 0.0);
        row.add(String.format("%.1f s", wall));
        for (String g : cpuColumns()) {
          row.add(String.format("%.1f", m.getOrDefault(g, 0.0)));
        }
        row.add(
            String.format(
                "%.0f%%",
                100
                    * (m.getOrDefault(CpuByThread.TOTAL, 0.0)
                        + m.getOrDefault("other processes", 0.0))
                    / (wall * Runtime.getRuntime().availableProcessors())));
        cpuRows.add(row);
      }
      List<String> header = new ArrayList<>(List.of("stretch (summed over rounds)", "wall"));
      cpuColumns().forEach(g -> header.add(g + " CPU s"));
      header.add("machine busy");
      report.line(
          "- CPU by thread group of the Tally + bench JVM (Linux per-thread run time; *rebuild*: the rebuild's reader and indexing threads (which start and end within the stretch: the JVM's CPU time less that of the threads that were there before and after),"
              + " *projector*: live projector and Lucene merges of both generations, *clients*: the bench's paced senders and HTTP client),"
              + " *other processes*: the rest of the machine (/proc/stat), *machine busy*: share of all "
              + Runtime.getRuntime().availableProcessors()
              + " CPUs used");
      report.table(header, cpuRows);
      double ratio = RebuildBench.median(busyRate) / RebuildBench.median(idleRate);
      double p99Ratio = RebuildBench.median(busyP99) / RebuildBench.median(idleP99);
      report.table(
          List.of("goal", "measured (median of rounds)", "met"),
          List.of(
              List.of(
                  "rebuild throughput under writes ≥ 0.7× idle",
                  String.format(
                      "%.2f× (%,.0f vs %,.0f docs/s)",
                      ratio, RebuildBench.median(busyRate), RebuildBench.median(idleRate)),
                  Report.metAtLeast(ratio, 0.7)),
              List.of(
                  "write p99 during the rebuild ≤ 2× idle",
                  String.format(
                      "%.2f× (%s vs %s ms)",
                      p99Ratio,
                      Percentiles.fmt(RebuildBench.median(busyP99)),
                      Percentiles.fmt(RebuildBench.median(idleP99))),
                  p99Ratio <= 2 ? "yes" : String.format("**no** (%.1f× over)", p99Ratio / 2)),
              List.of(
                  "differences after the swap = 0",
                  Long.toString(totalDiff) + " over " + runs + " rounds",
                  totalDiff == 0 ? "yes" : "**no**")));
    } finally {
      BenchFiles.deleteTree(data);
    }
    report.finish(o.out());
  }

  static List<String> cpuColumns() {
    List<String> cols = CpuByThread.columns();
    cols.add("other processes");
    return cols;
  }

  /** CPU by thread group of this JVM, and of the rest of the machine, over one measured stretch. */
  static final class CpuWindow {
    final CpuByThread threads = CpuByThread.now();
    final double machine = ExternalCpu.machineBusySeconds();
    final double process = ExternalCpu.processSeconds("self");
    final long wall = System.nanoTime();

    /**
     * Seconds by group, then "other processes" and "wall". Threads that start and end within the
     * stretch (the rebuild's) are not in either per-thread snapshot; the process's own total
     * (/proc/self/stat, which keeps the time of ended threads) less the threads seen gives them.
     */
    Map<String, Double> end(Map<String, Double> into) {
      Map<String, Long> by = CpuByThread.now().since(threads);
      double self = ExternalCpu.processSeconds("self") - process;
      double seen = by.getOrDefault(CpuByThread.TOTAL, 0L) / 1e9;
      by.forEach((k, v) -> into.merge(k, v / 1e9, Double::sum));
      into.merge("rebuild", Math.max(0, self - seen), Double::sum);
      into.merge(CpuByThread.TOTAL, Math.max(0, self - seen), Double::sum);
      into.merge(
          "other processes",
          Math.max(0, ExternalCpu.machineBusySeconds() - machine - self),
          Double::sum);
      into.merge("wall", (System.nanoTime() - wall) / 1e9, Double::sum);
      return into;
    }
  }

  private static String phases(Map<String, Double> phases) {
    StringBuilder b = new StringBuilder("(");
    phases.forEach(
        (k, v) ->
            b.append(b.length() > 1 ? ", " : "")
                .append(k)
                .append(' ')
                .append(String.format("%.1f", v)));
    return b.append(")").toString();
  }
}
