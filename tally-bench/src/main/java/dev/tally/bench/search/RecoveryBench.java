package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Rebuild;
import dev.tally.core.projection.Verifier;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteWork;
import dev.tally.index.lucene.LuceneIndex;
import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.search.IndexManager;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * Issue 5's measurements, on the embedded default (SQLite store + Lucene index), Tally in process:
 * <ul>
 *   <li>{@code recovery}: total index loss while Tally serves → ready with correct results, healed
 *       (i) from a snapshot plus an oplog redrive and (ii) by a rebuild from the store;
 *   <li>{@code verify}: verifying agreeing contacts (digests only), and with divergent ones;
 *   <li>{@code rebuild-under-writes}: an online rebuild idle vs under writes at half the maximum rate.
 * </ul>
 */
final class RecoveryBench {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String ALL = "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"},\"pagination\":{\"per_page\":1}}";

  private RecoveryBench() {}

  // ---------------------------------------------------------------------------------------------
  // Shared set-up: a data directory whose store holds N contacts in the default workspace.

  /** Tally on {@code data}, with the scheduled snapshots and the background verifier off (the benchmark drives both). */
  static TallyServer start(Path data, PrintStream out) throws Exception {
    Map<Setting, String> flags = new HashMap<>(Map.of(Settings.DATA, data.toString(), Settings.PORT, "0", Settings.LOG_FORMAT, "text",
        Settings.SNAPSHOT_INTERVAL, "0s", Settings.VERIFY_INTERVAL, "0s"));
    return TallyServer.start(Config.resolve(flags, n -> null), "bench-admin", out);
  }

  record Prepared(String token, long workspace, double loadSeconds, double startupSeconds) {}

  /**
   * First start (default workspace, token), stop; load {@code n} contacts straight into the store
   * with {@code Store.writeEach} in chunks of 2,000 (the index directory removed meanwhile); start
   * again: Tally finds the store full and the index missing and rebuilds it (timed until ready).
   */
  static Prepared prepare(Path data, int n, Holder<TallyServer> serving) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (TallyServer first = start(data, new PrintStream(out, true, StandardCharsets.UTF_8))) {
      // only the token
    }
    String token = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("TALLY_TOKEN="))
        .map(l -> l.substring("TALLY_TOKEN=".length())).findFirst().orElseThrow();
    FreshnessBench.deleteTree(data.resolve("index"));
    long ws;
    double load;
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(data.resolve("tally.db")))) {
      ws = store.workspaces().get(0).id();
      Report.progress("loading " + n + " contacts into the SQLite store");
      load = loadInto(store, ws, 0, n);
    }
    Report.progress(String.format("loaded in %.1f s; starting Tally (the index is missing: it rebuilds from the store)", load));
    long t0 = System.nanoTime();
    TallyServer server = start(data, new PrintStream(OutputStreamNull.INSTANCE));
    serving.value = server;
    awaitReady(server, Duration.ofMinutes(10));
    return new Prepared(token, ws, load, (System.nanoTime() - t0) / 1e9);
  }

  static final class Holder<T> {
    T value;
  }

  private static final class OutputStreamNull extends java.io.OutputStream {
    static final OutputStreamNull INSTANCE = new OutputStreamNull();

    @Override
    public void write(int b) {
      // discarded
    }
  }

  /** Creates contacts {@code from} ..< {@code from + n} in workspace {@code ws}, as {@link RebuildBench} shapes them. */
  static double loadInto(Store store, long ws, int from, int n) throws Exception {
    long t0 = System.nanoTime();
    SplittableRandom rnd = new SplittableRandom(7 + from);
    for (int at = from; at < from + n; at += 2000) {
      List<WriteWork<Contact>> works = new ArrayList<>();
      for (int i = at; i < Math.min(from + n, at + 2000); i++) {
        ContactPatch patch = ContactPatchParser.parse(JSON.readTree(contactJson(rnd, i)), ContactPatchParser.Mode.CREATE);
        works.add(tx -> tx.createContact(ws, patch));
      }
      for (Outcome<Contact> o : store.writeEach(works)) {
        if (!o.ok()) {
          throw o.error();
        }
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static String contactJson(SplittableRandom rnd, long i) {
    String[] plans = {"free", "starter", "pro", "enterprise"};
    String[] countries = {"US", "DE", "FR", "GB", "BR", "IN", "JP", "CA", "ES", "NL"};
    return "{\"role\":\"" + (rnd.nextDouble() < 0.6 ? "user" : "lead") + "\",\"external_id\":\"r-" + i
        + "\",\"email\":\"r" + i + "@example.com\",\"name\":\"Contact " + i + "\",\"signed_up_at\":" + (1_600_000_000L + rnd.nextLong(63_072_000L))
        + ",\"last_seen_at\":" + (1_660_000_000L + rnd.nextLong(31_536_000L)) + ",\"location\":{\"country\":\""
        + countries[rnd.nextInt(countries.length)] + "\"},\"custom_attributes\":{\"plan\":\"" + plans[rnd.nextInt(plans.length)]
        + "\",\"seats\":" + (1 + rnd.nextLong(100)) + ",\"mrr\":" + (rnd.nextInt(100_000) / 100.0) + ",\"beta\":" + rnd.nextBoolean() + "}}";
  }

  static void awaitReady(TallyServer server, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (!(server.indexes().healing() == null && !server.indexes().status().state().equals("running")
        && server.readiness().refresh().ready())) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("Tally was not ready within " + timeout + ": " + server.readiness().current().reasons());
      }
      Thread.sleep(5);
    }
  }

  static long searchCount(HttpClient client, TallyServer server, String token) throws Exception {
    HttpResponse<String> r = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/contacts/search"))
        .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
        .POST(HttpRequest.BodyPublishers.ofString(ALL)).build(), HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("search answered " + r.statusCode() + " " + r.body());
    }
    return JSON.readTree(r.body()).path("total_count").asLong();
  }

  static String mb(Path dir) {
    try (var s = Files.walk(dir)) {
      return String.format("%.0f MB", s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1e6);
    } catch (java.io.IOException e) {
      return "?";
    }
  }

  // ---------------------------------------------------------------------------------------------
  // recovery

  static void recovery(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 1_000_000);
    int after = o.integer("writes-after", 20_000);
    Path base = o.values().containsKey("dir") ? Files.createDirectories(Path.of(o.string("dir", ""))) : Files.createTempDirectory("tally-bench-recovery");
    Path data = base.resolve("recovery-data");
    FreshnessBench.deleteTree(data);
    Report report = new Report("Recovery: total index loss → ready with correct results, " + String.format("%,d", n) + " contacts");
    Holder<TallyServer> holder = new Holder<>();
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    try {
      Prepared p = prepare(data, n, holder);
      TallyServer server = holder.value;
      report.line(String.format("- store: SQLite, %,d contacts in one workspace loaded with `Store.writeEach` (chunks of 2,000) in %.1f s; "
          + "%s; then Tally started on it with no index: rebuilt from the store and ready in %.1f s", n, p.loadSeconds(),
          mb(data.resolve("tally.db")) + " SQLite file", p.startupSeconds()));
      report.line("- Tally in process, default settings except `--snapshot-interval 0s --verify-interval 0s` (the benchmark asks for both);"
          + " index " + mb(data.resolve("index")) + " on disk");
      List<List<String>> rows = new ArrayList<>();
      // (i) snapshot + redrive
      long ts = System.nanoTime();
      var snap = server.indexes().snapshotNow();
      double snapSeconds = (System.nanoTime() - ts) / 1e9;
      report.line(String.format("- snapshot taken on demand (`snapshotNow`, as `tally snapshot`): %.1f s, %,d bytes, position %d",
          snapSeconds, snap.bytes(), snap.position()));
      double writeSeconds = writeAfter(server.store(), p.workspace(), n, after);
      awaitSearchable(server);
      report.line(String.format("- then %,d more writes (half creates, half updates of loaded contacts, `Store.writeEach`, %.1f s) applied"
          + " by the projector: the snapshot is %,d oplog positions behind", after, writeSeconds, server.store().head() - snap.position()));
      rows.add(loseAndHeal(server, client, p, data, "(i) snapshot + oplog redrive"));
      // (ii) no snapshot: rebuild from the store
      FreshnessBench.deleteTree(data.resolve("snapshots"));
      writeSeconds = writeAfter(server.store(), p.workspace(), n + after, after);
      awaitSearchable(server);
      report.line(String.format("- for (ii) every snapshot was deleted and %,d more writes made (%.1f s)", after, writeSeconds));
      rows.add(loseAndHeal(server, client, p, data, "(ii) rebuild from the store"));
      report.line("- loss = the whole index directory deleted (`rm -r <data>/index`) while Tally serves and no writes run; the healer checks"
          + " every second. Phases from `IndexManager`'s rebuild status; *ready* = healing done and `IndexReadiness` true; then checked:"
          + " `IndexManager.verify` agrees (its time in the last column) and a search's `total_count` equals the store's count");
      report.table(List.of("way", "detection", "restore", "fill", "catch-up", "swap", "loss → ready", "goal ≤ 60 s", "verify agrees",
          "search count = store", "verify took"), rows);
    } finally {
      if (holder.value != null) {
        holder.value.close();
      }
      FreshnessBench.deleteTree(data);
    }
    report.finish(o.out());
  }

  private static double writeAfter(Store store, long ws, int from, int n) throws Exception {
    long t0 = System.nanoTime();
    List<Long> ids = store.contactIds(0, 100_000);
    SplittableRandom rnd = new SplittableRandom(from);
    int creates = n / 2;
    loadInto(store, ws, from, creates);
    for (int at = 0; at < n - creates; at += 2000) {
      List<WriteWork<Contact>> works = new ArrayList<>();
      for (int i = at; i < Math.min(n - creates, at + 2000); i++) {
        long id = ids.get(rnd.nextInt(ids.size()));
        ContactPatch patch = ContactPatchParser.parse(JSON.readTree("{\"name\":\"updated " + from + "-" + i + "\",\"custom_attributes\":{\"seats\":"
            + (1 + rnd.nextInt(100)) + "}}"), ContactPatchParser.Mode.UPDATE);
        works.add(tx -> tx.updateContact(ws, id, patch));
      }
      for (Outcome<Contact> o : store.writeEach(works)) {
        if (!o.ok()) {
          throw o.error();
        }
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  private static void awaitSearchable(TallyServer server) throws InterruptedException {
    long head = server.store().head();
    while (server.searchablePosition() < head) {
      Thread.sleep(5);
    }
  }

  private static List<String> loseAndHeal(TallyServer server, HttpClient client, Prepared p, Path data, String way) throws Exception {
    IndexManager indexes = server.indexes();
    String before = indexes.status().generation();
    Report.progress("recovery: " + way + ": deleting the index directory");
    long t0 = System.nanoTime();
    FreshnessBench.deleteTree(data.resolve("index"));
    long deleted = t0; // the loss starts with the first file removed
    long detected = 0;
    while (indexes.healing() == null && !indexes.status().state().equals("running")) {
      if (System.nanoTime() - deleted > 60_000_000_000L) {
        throw new IllegalStateException("the lost index was not noticed within 60 s");
      }
      LockSupport.parkNanos(200_000);
    }
    detected = System.nanoTime();
    awaitReady(server, Duration.ofMinutes(5));
    long ready = System.nanoTime();
    IndexManager.RebuildStatus s = indexes.status();
    if (!s.state().equals("done") || (before != null && before.equals(s.generation()))) {
      throw new IllegalStateException("unexpected rebuild status after healing: " + s);
    }
    long v0 = System.nanoTime();
    Verifier.Report v = indexes.verify(false);
    double verifySeconds = (System.nanoTime() - v0) / 1e9;
    long searched = searchCount(client, server, p.token());
    long inStore = server.store().contactCount(p.workspace());
    Report.progress(String.format("recovery: %s: ready after %.1f s from %s; phases %s; verify %s in %.1f s; search %d, store %d", way,
        (ready - deleted) / 1e9, s.source(), s.phases(), v.agree(), verifySeconds, searched, inStore));
    if (!v.agree() || searched != inStore) {
      throw new IllegalStateException("healed, but not correct: verify " + v + ", search " + searched + ", store " + inStore);
    }
    Map<String, Double> ph = s.phases();
    double total = (ready - deleted) / 1e9;
    return List.of(way + " (" + s.source() + ")", secs((detected - deleted) / 1e9), secs(ph.get("restore")), secs(ph.get("fill")),
        secs(ph.get("catch_up")), secs(ph.get("swap")), "**" + secs(total) + "**", total <= 60 ? "yes" : "**no**",
        v.agree() + " (" + String.format("%,d", v.contacts()) + " contacts, " + v.buckets() + " buckets)",
        String.format("%,d = %,d", searched, inStore), secs(verifySeconds));
  }

  static String secs(Double s) {
    return s == null ? "—" : String.format("%.1f s", s);
  }

  // ---------------------------------------------------------------------------------------------
  // verify

  static void verify(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 1_000_000);
    int runs = o.integer("runs", 5);
    int divergent = o.integer("divergent", 100);
    Path base = o.values().containsKey("dir") ? Files.createDirectories(Path.of(o.string("dir", ""))) : Files.createTempDirectory("tally-bench-verify");
    Path work = base.resolve("verify-bench");
    FreshnessBench.deleteTree(work);
    Files.createDirectories(work);
    Report report = new Report("Verify: " + String.format("%,d", n) + " contacts, agreeing and with " + divergent + " divergent");
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(work.resolve("tally.db")))) {
      long ws = store.write(tx -> tx.createWorkspace("w")).value().id();
      Report.progress("verify: loading " + n + " contacts");
      double load = loadInto(store, ws, 0, n);
      Report.progress("verify: building the index");
      long tb = System.nanoTime();
      try (LuceneIndex index = LuceneIndex.open(work.resolve("index"), 1000)) {
        new Rebuild(store, 1000).fill(index, new Rebuild.Progress(), 2);
        index.commit();
        double build = (System.nanoTime() - tb) / 1e9;
        report.line(String.format("- SQLite store with %,d contacts (`Store.writeEach`, %.1f s); Lucene index built by `Rebuild.fill` (2 threads, %.1f s, %s)",
            n, load, build, mb(work.resolve("index"))));
        report.line("- `new Verifier(store, index, 30 s).verify(null)` — what `tally verify` and the background verifier run: per-bucket digests"
            + " (4,096 ids a bucket) from the store's covering index and from Lucene's doc values, id-by-id only where digests differ;"
            + " 1 warm-up, then " + runs + " runs each, median (min–max)");
        double[] agree = new double[runs];
        double[] storeDigests = new double[runs];
        double[] indexDigests = new double[runs];
        Verifier.Report last = null;
        for (int r = -1; r < runs; r++) {
          long t0 = System.nanoTime();
          last = new Verifier(store, index, Duration.ofSeconds(30)).verify(null);
          double s = (System.nanoTime() - t0) / 1e9;
          if (!last.agree()) {
            throw new IllegalStateException("store and index disagree before any divergence: " + last.differences().size());
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
        // version up: "missing_in_index"), half get a version the store never had ("newer_in_index").
        List<Long> all = new ArrayList<>();
        for (List<Long> ids; !(ids = store.contactIds(all.isEmpty() ? 0 : all.get(all.size() - 1), 10_000)).isEmpty(); ) {
          all.addAll(ids);
        }
        java.util.Collections.shuffle(all, new java.util.Random(5));
        List<Long> chosen = all.subList(0, divergent);
        List<IndexBatch.Deletion> gone = new ArrayList<>();
        List<ContactDocument> newer = new ArrayList<>();
        List<ContactDocument> docs = store.documents(chosen);
        for (int i = 0; i < docs.size(); i++) {
          Contact c = docs.get(i).contact();
          if (i % 2 == 0) {
            gone.add(new IndexBatch.Deletion(c.workspaceId(), c.id(), c.version() + 1));
          } else {
            newer.add(new ContactDocument(new Contact(c.id(), c.workspaceId(), c.version() + 1, c.fields(), c.custom()), docs.get(i).events()));
          }
        }
        index.apply(new IndexBatch(newer, gone, List.of(), 0));
        long differingBuckets = chosen.stream().map(dev.tally.core.verify.VersionDigest::bucket).distinct().count();
        double[] diverging = new double[runs];
        for (int r = -1; r < runs; r++) {
          long t0 = System.nanoTime();
          last = new Verifier(store, index, Duration.ofSeconds(30)).verify(null);
          double s = (System.nanoTime() - t0) / 1e9;
          if (last.agree() || last.differences().size() != divergent) {
            throw new IllegalStateException("expected " + divergent + " differences, found " + last.differences().size());
          }
          if (r >= 0) {
            diverging[r] = s;
          }
        }
        report.line(String.format("- divergence: %d contacts chosen at random over all ids (%d of %d buckets differ): %d made missing in the"
            + " index, %d given a newer version; every run found exactly these %d", divergent, differingBuckets, buckets, gone.size(),
            newer.size(), divergent));
        report.table(List.of("what", "median", "min–max", "contacts/s"), List.of(
            List.of("verify, all agree (digests only)", fmt(RebuildBench.median(agree)), range(agree), rate(n, RebuildBench.median(agree))),
            List.of("  of which: store digests (`SqliteStore.versionDigests`)", fmt(RebuildBench.median(storeDigests)), range(storeDigests), ""),
            List.of("  of which: index digests (`LuceneIndex.versionDigests`)", fmt(RebuildBench.median(indexDigests)), range(indexDigests), ""),
            List.of("verify, " + divergent + " divergent (digests, then " + differingBuckets + " buckets id by id, twice: once more after a catch-up)",
                fmt(RebuildBench.median(diverging)), range(diverging), rate(n, RebuildBench.median(diverging)))));
      }
    } finally {
      FreshnessBench.deleteTree(work);
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
    private final HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5)).build();
    private final TallyServer server;
    private final String token;
    private final long[] pool;
    private final AtomicLong next = new AtomicLong(50_000_000);
    private final ConcurrentLinkedQueue<String> created = new ConcurrentLinkedQueue<>();
    final AtomicLong errors = new AtomicLong();

    Writer(TallyServer server, String token, long[] pool) {
      this.server = server;
      this.token = token;
      this.pool = pool;
    }

    private HttpRequest.Builder req(String path) {
      return HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path)).timeout(Duration.ofSeconds(30))
          .header("Authorization", "Bearer " + token).header("Content-Type", "application/json");
    }

    /** 50 % creates, 30 % updates of loaded contacts, 15 % events, 5 % deletes of contacts this writer created. */
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
          r = req("/contacts").POST(HttpRequest.BodyPublishers.ofString(contactJson(new SplittableRandom(i), i))).build();
        } else if (op < 85) {
          r = req("/contacts/" + pool[rnd.nextInt(pool.length)]).PUT(HttpRequest.BodyPublishers.ofString(
              "{\"name\":\"w" + rnd.nextInt(1_000_000) + "\",\"custom_attributes\":{\"seats\":" + (1 + rnd.nextInt(100)) + "}}")).build();
        } else {
          r = req("/events").POST(HttpRequest.BodyPublishers.ofString("{\"event_name\":\"tick\",\"created_at\":1700000000,\"id\":\""
              + pool[rnd.nextInt(pool.length)] + "\"}")).build();
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
      AtomicLong ok = new AtomicLong();
      long start = System.nanoTime();
      long end = start + seconds * 1_000_000_000L;
      List<Thread> ts = new ArrayList<>();
      for (int i = 0; i < clients; i++) {
        ts.add(Thread.ofPlatform().start(() -> {
          while (System.nanoTime() < end) {
            if (write()) {
              ok.incrementAndGet();
            }
          }
        }));
      }
      for (Thread t : ts) {
        t.join();
      }
      return ok.get() / ((System.nanoTime() - start) / 1e9);
    }
  }

  /** Open-loop writes at a fixed rate until stopped: sends are due on a schedule whatever the answers do. */
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
        threads.add(Thread.ofPlatform().name("paced-" + i).start(() -> {
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

  static RebuildRun rebuildOnline(TallyServer server) throws InterruptedException {
    IndexManager indexes = server.indexes();
    long t0 = System.nanoTime();
    indexes.startRebuild();
    IndexManager.RebuildStatus s;
    while ((s = indexes.status()).state().equals("running")) {
      Thread.sleep(2);
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (!s.state().equals("done")) {
      throw new IllegalStateException("the rebuild ended " + s);
    }
    return new RebuildRun(secs, s.documents(), s.phases());
  }

  static void rebuildUnderWrites(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 300_000);
    int runs = o.integer("runs", 3);
    int maxRateSeconds = o.integer("max-rate-seconds", 10);
    double fraction = o.decimal("load-fraction", 0.5);
    Path base = o.values().containsKey("dir") ? Files.createDirectories(Path.of(o.string("dir", ""))) : Files.createTempDirectory("tally-bench-ruw");
    Path data = base.resolve("ruw-data");
    FreshnessBench.deleteTree(data);
    Report report = new Report("Rebuild under writes: " + String.format("%,d", n) + " contacts, writes at "
        + Math.round(fraction * 100) + " % of the maximum rate");
    Holder<TallyServer> holder = new Holder<>();
    try {
      Prepared p = prepare(data, n, holder);
      TallyServer server = holder.value;
      List<Long> ids = server.store().contactIds(0, 100_000);
      long[] pool = ids.stream().mapToLong(Long::longValue).toArray();
      Writer w = new Writer(server, p.token(), pool);
      Report.progress("rebuild-under-writes: warm-up (3 s writes, one rebuild)");
      w.closedLoop(8, 3);
      rebuildOnline(server);
      Report.progress("rebuild-under-writes: maximum write rate, 8 clients, " + maxRateSeconds + " s");
      double max = w.closedLoop(8, maxRateSeconds);
      double target = max * fraction;
      awaitSearchable(server);
      Report.progress(String.format("rebuild-under-writes: max %.0f writes/s; target %.0f writes/s", max, target));
      report.line(String.format("- store: SQLite, %,d contacts (`Store.writeEach`, %.1f s); Tally in process (snapshots and background verifier off)", n,
          p.loadSeconds()));
      report.line("- write mix over HTTP/1.1: 50 % `POST /contacts`, 30 % `PUT /contacts/{id}` of loaded contacts, 15 % `POST /events`, 5 % "
          + "`DELETE /contacts/{id}` of contacts the run created");
      report.line(String.format("- maximum write rate of that mix: **%.0f writes/s** (8 closed-loop clients, %d s, after a 3 s warm-up and one"
          + " warm-up rebuild); paced open loop (48 senders) at %.0f writes/s", max, maxRateSeconds, target));
      report.line("- each of " + runs + " rounds: writes alone for as long as the idle rebuild took (idle p99), an online rebuild with no writes"
          + " (`POST /admin/index/rebuild`'s `IndexManager.startRebuild`, until its status is `done`), then one while the paced writes run;"
          + " after the swap and the end of writes, `IndexManager.verify` (catch-up, then every (id, version)) counts the differences");
      List<List<String>> rows = new ArrayList<>();
      double[] idleRate = new double[runs];
      double[] busyRate = new double[runs];
      double[] idleP99 = new double[runs];
      double[] busyP99 = new double[runs];
      long totalDiff = 0;
      Map<String, Double> cpuIdle = new java.util.LinkedHashMap<>();
      Map<String, Double> cpuWrites = new java.util.LinkedHashMap<>();
      Map<String, Double> cpuBusy = new java.util.LinkedHashMap<>();
      for (int r = 0; r < runs; r++) {
        Report.progress("rebuild-under-writes: round " + r + ": idle rebuild");
        CpuWindow ci = new CpuWindow();
        RebuildRun idle = rebuildOnline(server);
        ci.end(cpuIdle);
        Report.progress("rebuild-under-writes: round " + r + ": writes alone for " + Math.max(5, Math.round(idle.seconds())) + " s");
        long[] alone;
        try (Paced paced = new Paced(w, target)) {
          Thread.sleep(1000);
          long from = System.nanoTime();
          CpuWindow cw = new CpuWindow();
          Thread.sleep(Math.max(5000, Math.round(idle.seconds() * 1000)));
          cw.end(cpuWrites);
          alone = paced.between(from, System.nanoTime());
        }
        awaitSearchable(server);
        Report.progress("rebuild-under-writes: round " + r + ": rebuild under writes");
        RebuildRun busy;
        long[] during;
        double achieved;
        try (Paced paced = new Paced(w, target)) {
          Thread.sleep(1000);
          long from = System.nanoTime();
          long ackedBefore = paced.acked.get();
          CpuWindow cb = new CpuWindow();
          busy = rebuildOnline(server);
          cb.end(cpuBusy);
          long to = System.nanoTime();
          achieved = (paced.acked.get() - ackedBefore) / ((to - from) / 1e9);
          during = paced.between(from, to);
        }
        long tv = System.nanoTime();
        Verifier.Report v = server.indexes().verify(false);
        double verifySeconds = (System.nanoTime() - tv) / 1e9;
        int diff = v.agree() ? 0 : Math.max(1, v.differences().size());
        totalDiff += diff;
        Percentiles a = new Percentiles(alone);
        Percentiles d = new Percentiles(during);
        idleRate[r] = idle.rate();
        busyRate[r] = busy.rate();
        idleP99[r] = a.ms(99);
        busyP99[r] = d.ms(99);
        rows.add(List.of(Integer.toString(r + 1), String.format("%.1f s, %,.0f docs/s %s", idle.seconds(), idle.rate(), phases(idle.phases())),
            String.format("%.1f s, %,.0f docs/s %s", busy.seconds(), busy.rate(), phases(busy.phases())), Report.ratio(busy.rate(), idle.rate()),
            String.format("%.0f/s", achieved), Percentiles.fmt(a.ms(50)) + " / " + Percentiles.fmt(a.ms(99)) + " ms (" + a.count() + ")",
            Percentiles.fmt(d.ms(50)) + " / " + Percentiles.fmt(d.ms(99)) + " ms (" + d.count() + ")", Report.ratio(d.ms(99), a.ms(99)),
            diff + (v.note() != null ? " (" + v.note() + ")" : "") + String.format(", verify %.1f s", verifySeconds)));
        Report.progress("rebuild-under-writes: round " + r + ": " + rows.get(rows.size() - 1));
      }
      report.line("- write errors: " + w.errors.get());
      report.table(List.of("round", "idle rebuild (phases)", "rebuild under writes (phases)", "throughput ratio", "writes during",
          "write p50 / p99 alone (n)", "write p50 / p99 during rebuild (n)", "p99 ratio", "differences after the swap"), rows);
      List<List<String>> cpuRows = new ArrayList<>();
      for (var e : List.of(Map.entry("idle rebuild", cpuIdle), Map.entry("writes alone", cpuWrites), Map.entry("rebuild under writes", cpuBusy))) {
        List<String> row = new ArrayList<>();
        row.add(e.getKey());
        Map<String, Double> m = e.getValue();
        double wall = m.getOrDefault("wall", 0.0);
        row.add(String.format("%.1f s", wall));
        for (String g : cpuColumns()) {
          row.add(String.format("%.1f", m.getOrDefault(g, 0.0)));
        }
        row.add(String.format("%.0f%%", 100 * (m.getOrDefault(CpuByThread.TOTAL, 0.0) + m.getOrDefault("other processes", 0.0))
            / (wall * Runtime.getRuntime().availableProcessors())));
        cpuRows.add(row);
      }
      List<String> header = new ArrayList<>(List.of("stretch (summed over rounds)", "wall"));
      cpuColumns().forEach(g -> header.add(g + " CPU s"));
      header.add("machine busy");
      report.line("- CPU by thread group of the Tally + bench JVM (Linux per-thread run time; *rebuild*: the rebuild's reader and indexing threads (which start and end within the stretch: the JVM's CPU time less that of the threads that were there before and after),"
          + " *projector*: live projector and Lucene merges of both generations, *clients*: the bench's paced senders and HTTP client),"
          + " *other processes*: the rest of the machine (/proc/stat), *machine busy*: share of all " + Runtime.getRuntime().availableProcessors()
          + " CPUs used");
      report.table(header, cpuRows);
      double ratio = RebuildBench.median(busyRate) / RebuildBench.median(idleRate);
      double p99Ratio = RebuildBench.median(busyP99) / RebuildBench.median(idleP99);
      report.table(List.of("goal", "measured (median of rounds)", "met"), List.of(
          List.of("rebuild throughput under writes ≥ 0.7× idle", String.format("%.2f× (%,.0f vs %,.0f docs/s)", ratio,
              RebuildBench.median(busyRate), RebuildBench.median(idleRate)), ratio >= 0.7 ? "yes" : String.format("**no** (%.0f%% short)", 100 * (1 - ratio / 0.7))),
          List.of("write p99 during the rebuild ≤ 2× idle", String.format("%.2f× (%s vs %s ms)", p99Ratio, Percentiles.fmt(RebuildBench.median(busyP99)),
              Percentiles.fmt(RebuildBench.median(idleP99))), p99Ratio <= 2 ? "yes" : String.format("**no** (%.1f× over)", p99Ratio / 2)),
          List.of("differences after the swap = 0", Long.toString(totalDiff) + " over " + runs + " rounds", totalDiff == 0 ? "yes" : "**no**")));
    } finally {
      if (holder.value != null) {
        holder.value.close();
      }
      FreshnessBench.deleteTree(data);
    }
    report.finish(o.out());
  }

  static List<String> cpuColumns() {
    List<String> cols = new ArrayList<>();
    CpuByThread.GROUPS.forEach(g -> cols.add(g.getKey()));
    cols.addAll(List.of(CpuByThread.OTHER, CpuByThread.TOTAL, "other processes"));
    return cols;
  }

  /** CPU seconds used by every process on the machine so far (all CPUs), from /proc/stat; NaN off Linux. */
  static double machineBusySeconds() {
    try {
      String[] f = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i : new int[] {1, 2, 3, 6, 7, 8}) { // user nice system irq softirq steal
        busy += Long.parseLong(f[i]);
      }
      return busy / 100.0;
    } catch (Exception e) {
      return Double.NaN;
    }
  }

  /** CPU by thread group of this JVM, and of the rest of the machine, over one measured stretch. */
  static final class CpuWindow {
    final CpuByThread threads = CpuByThread.now();
    final double machine = machineBusySeconds();
    final double process = ProcessCpu.seconds("self");
    final long wall = System.nanoTime();

    /**
     * Seconds by group, then "other processes" and "wall". Threads that start and end within the
     * stretch (the rebuild's) are not in either per-thread snapshot; the process's own total
     * (/proc/self/stat, which keeps the time of ended threads) less the threads seen gives them.
     */
    Map<String, Double> end(Map<String, Double> into) {
      Map<String, Long> by = CpuByThread.now().since(threads);
      double self = ProcessCpu.seconds("self") - process;
      double seen = by.getOrDefault(CpuByThread.TOTAL, 0L) / 1e9;
      by.forEach((k, v) -> into.merge(k, v / 1e9, Double::sum));
      into.merge("rebuild", Math.max(0, self - seen), Double::sum);
      into.merge(CpuByThread.TOTAL, Math.max(0, self - seen), Double::sum);
      into.merge("other processes", Math.max(0, machineBusySeconds() - machine - self), Double::sum);
      into.merge("wall", (System.nanoTime() - wall) / 1e9, Double::sum);
      return into;
    }
  }

  private static String phases(Map<String, Double> phases) {
    StringBuilder b = new StringBuilder("(");
    phases.forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append(' ').append(String.format("%.1f", v)));
    return b.append(")").toString();
  }
}
