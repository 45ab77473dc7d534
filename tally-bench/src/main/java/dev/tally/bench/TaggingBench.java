package dev.tally.bench;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.InProcessTally;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import dev.tally.bench.common.PlainHttp;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.Workers;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Issue 12, "Measure": tagging contacts through {@code POST /contacts/{id}/tags} against creating
 * them through {@code POST /contacts}, both at the same number of clients. Both are one durable
 * write of a contact document through the one door (tagging raises the contact's version and
 * appends an oplog entry, as a create does), so tagging should keep up: the goal is at least 0.8×
 * the create rate.
 *
 * <p>Tally runs in this process on SQLite and Lucene with its default settings. The peers run
 * interleaved in rounds, so that load from other work on the machine falls on both alike and both
 * see a store of about the same size: each round creates its share of the N contacts (measured),
 * then tags the contacts that round created (measured), with a handful of tags given round-robin. A
 * warm-up round of each, not measured, runs first (the JIT, the connection, the caches). Each
 * client is one kept-alive HTTP/1.1 connection ({@link PlainHttp}) in a closed loop; throughput is
 * the requests of a phase over the wall time of its rounds, latency is from the request being built
 * to the answer's last byte read. Any answer but 200 fails the run.
 */
public final class TaggingBench {
  private TaggingBench() {}

  static final String USAGE =
      "tagging        [--contacts 100000] [--clients 8] [--tags 5] [--rounds 5] [--warmup 2000] [--dir DIR]";

  /** The goal: tagging at least this fraction of the create rate. */
  static final double GOAL = 0.8;

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly("contacts", "clients", "tags", "rounds", "warmup", "dir", "out");
    int n = o.positive("contacts", 100_000);
    int clients = o.positive("clients", 8);
    int tagCount = o.positive("tags", 5);
    int rounds = Math.min(o.positive("rounds", 5), n);
    int warmup = o.integer("warmup", 2_000);
    Path dataDir = o.freshDir("tally-bench-tagging", "data");
    Report report =
        new Report(
            "Tagging vs creating contacts at "
                + clients
                + " clients, "
                + String.format("%,d", n)
                + " contacts");
    try (InProcessTally tally = InProcessTally.start(dataDir)) {
      int port = tally.server().port();
      String token = tally.token();
      List<String> tags = new ArrayList<>();
      try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
        for (int t = 0; t < tagCount; t++) {
          PlainHttp.Answer a =
              http.send(
                  "POST", "/tags", token, "application/json", "{\"name\":\"bench-tag-" + t + "\"}");
          tags.add(id(a, "POST /tags"));
        }
      }
      Phase create = new Phase();
      Phase tag = new Phase();
      AtomicLong serial = new AtomicLong();
      if (warmup > 0) {
        Report.progress(String.format("warm-up: %,d creates and %,d taggings", warmup, warmup));
        String[] ids = create(port, token, clients, warmup, serial, new Phase());
        tag(port, token, clients, ids, tags, new Phase());
      }
      for (int r = 0; r < rounds; r++) {
        int share = n / rounds + (r < n % rounds ? 1 : 0);
        Report.progress(
            String.format(
                "round %d of %d: creating %,d contacts, then tagging them", r + 1, rounds, share));
        String[] ids = create(port, token, clients, share, serial, create);
        tag(port, token, clients, ids, tags, tag);
      }
      report.line(
          "- Tally in process on SQLite + Lucene, default settings; "
              + clients
              + " clients, each one kept-alive HTTP/1.1 connection in a closed loop");
      report.line(
          String.format(
              "- creating: `POST /contacts` (external_id, email, name, two custom attributes);"
                  + " tagging: `POST /contacts/{id}/tags` with `{\"id\": tag}`, %d tags round-robin,"
                  + " each contact tagged once; %d interleaved rounds of %,d contacts each way after a"
                  + " warm-up of %,d each (not measured)",
              tagCount, rounds, n / rounds, warmup));
      Percentiles c = new Percentiles(create.latencies());
      Percentiles t = new Percentiles(tag.latencies());
      double createRate = create.rate();
      double tagRate = tag.rate();
      report.table(
          List.of("phase", "requests", "req/s", "p50", "p99"),
          List.of(
              List.of(
                  "creating (`POST /contacts`)",
                  String.format("%,d", c.count()),
                  String.format("%,.0f", createRate),
                  Report.ms(c.ms(50)),
                  Report.ms(c.ms(99))),
              List.of(
                  "tagging (`POST /contacts/{id}/tags`)",
                  String.format("%,d", t.count()),
                  String.format("%,.0f", tagRate),
                  Report.ms(t.ms(50)),
                  Report.ms(t.ms(99)))));
      double ratio = createRate == 0 ? 0 : tagRate / createRate;
      report.line(
          "- tagging / creating throughput: "
              + Report.ratio(tagRate, createRate)
              + " (goal ≥ "
              + GOAL
              + "×: "
              + Report.metAtLeast(ratio, GOAL)
              + ")");
    } finally {
      BenchFiles.deleteTree(dataDir);
    }
    report.finish(o.out());
  }

  /** What one peer measured over all rounds: latencies, and the wall time its rounds took. */
  private static final class Phase {
    private final List<LongList> perClient = new ArrayList<>();
    private long wallNanos;
    private long requests;

    synchronized void add(LongList clientLatencies) {
      perClient.add(clientLatencies);
      requests += clientLatencies.size();
    }

    long[] latencies() {
      return LongList.concat(perClient);
    }

    double rate() {
      return wallNanos == 0 ? 0 : requests / (wallNanos / 1e9);
    }
  }

  /** One request of a phase: the {@code i}th, sent on {@code http}; throws unless answered 200. */
  private interface Request {
    void send(PlainHttp http, int i) throws IOException;
  }

  /**
   * Sends requests 0 to {@code count - 1} from {@code clients} kept-alive connections in closed
   * loops, adding their latencies and wall time to {@code phase}.
   */
  private static void measure(
      String name, int port, int clients, int count, Phase phase, Request request)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    long t0 = System.nanoTime();
    Workers.run(
        name,
        clients,
        () -> {
          LongList latencies = new LongList();
          try (PlainHttp http = new PlainHttp("127.0.0.1", port)) {
            for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
              long s = System.nanoTime();
              request.send(http, i);
              latencies.add(System.nanoTime() - s);
            }
          }
          phase.add(latencies);
        });
    phase.wallNanos += System.nanoTime() - t0;
  }

  /** Creates {@code count} contacts at {@code clients}; their ids, in the order numbered. */
  private static String[] create(
      int port, String token, int clients, int count, AtomicLong serial, Phase phase)
      throws InterruptedException {
    String[] ids = new String[count];
    measure(
        "bench-create",
        port,
        clients,
        count,
        phase,
        (http, i) -> {
          String body = ContactBodies.json(serial.incrementAndGet());
          ids[i] =
              id(http.send("POST", "/contacts", token, "application/json", body), "POST /contacts");
        });
    return ids;
  }

  /** Tags each of {@code ids} once at {@code clients}, the tags given round-robin. */
  private static void tag(
      int port, String token, int clients, String[] ids, List<String> tags, Phase phase)
      throws InterruptedException {
    measure(
        "bench-tag",
        port,
        clients,
        ids.length,
        phase,
        (http, i) -> {
          String path = "/contacts/" + ids[i] + "/tags";
          String body = "{\"id\":\"" + tags.get(i % tags.size()) + "\"}";
          PlainHttp.Answer a = http.send("POST", path, token, "application/json", body);
          if (a.status() != 200) {
            throw new IOException("POST " + path + " answered " + a.status() + ": " + a.body());
          }
        });
  }

  /**
   * The id of the object a 200 answered (the first {@code "id"} of the body: a contact's and a
   * tag's come right after their type); any other answer fails the run.
   */
  private static String id(PlainHttp.Answer a, String what) throws IOException {
    int at = a.body().indexOf("\"id\":\"");
    if (a.status() != 200 || at < 0) {
      throw new IOException(what + " answered " + a.status() + ": " + a.body());
    }
    int from = at + 6;
    return a.body().substring(from, a.body().indexOf('"', from));
  }
}
