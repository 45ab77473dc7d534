package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.ExternalCpu;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.ServerSpace;
import dev.tally.bench.common.Workers;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.projection.Rebuild;
import dev.tally.index.opensearch.DocumentMapper;
import dev.tally.index.opensearch.Fields;
import dev.tally.index.opensearch.Mapping;
import dev.tally.index.opensearch.OpenSearchIndex;
import dev.tally.index.opensearch.OpenSearchOptions;
import dev.tally.store.postgres.PostgresOptions;
import dev.tally.store.postgres.PostgresStore;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Rebuild into OpenSearch. A PostgreSQL store (a schema of its own) is loaded with N contacts
 * through the store's write path, and its documents are written once, in Tally's OpenSearch layout
 * ({@link DocumentMapper#live}), as a {@code _bulk} NDJSON file. Then, in rounds with a rotating
 * order, each into a new index:
 *
 * <ul>
 *   <li>Tally: {@code OpenSearchIndex.createGeneration} (no replicas, refresh off) and {@code new
 *       Rebuild(store, 1000).fill(generation, progress, T)} as {@code IndexManager} runs it (T =
 *       the CPU count there), then {@code commit()} (a refresh: everything searchable);
 *   <li>raw {@code _bulk}: a new index with the body Tally creates a loading generation with
 *       ({@link Mapping#createIndex}: settings and mapping), then T threads each POSTing the next
 *       1,000 documents of the file, then a refresh.
 * </ul>
 *
 * With {@code --breakdown}: store reads only, Tally's {@code load} of documents already in memory,
 * and the raw load with external versions (as Tally writes them). Every index built is checked to
 * hold the same documents (counts of a few filters), and Tally's sources are compared with the
 * file's.
 */
public final class OpenSearchRebuildBench {
  private static final int BATCH = 1000;

  public static void run(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 100_000);
    int runs = o.integer("runs", 3);
    int warmupRuns = o.integer("warmup-runs", 1);
    int threads = o.integer("threads", Math.max(1, Runtime.getRuntime().availableProcessors()));
    boolean breakdown = o.flag("breakdown");
    String osUrl = o.string("os-url", "http://127.0.0.1:9200");
    String pgUrl = o.string("pg-url", "jdbc:postgresql://127.0.0.1:5432/test?user=postgres");
    Path work = Files.createTempDirectory("tally-bench-rebuild-os");
    Report report =
        new Report("Rebuild into OpenSearch at " + String.format("%,d", n) + " contacts");
    try (ServerSpace space = new ServerSpace(pgUrl, osUrl, "bench_rebuild");
        RawOpenSearch raw = new RawOpenSearch(osUrl)) {
      String schema = space.schema;
      String alias = space.alias;
      OpenSearchOptions options =
          OpenSearchOptions.defaults(osUrl).withAlias(alias).withReplicas(0);
      try (PostgresStore store =
          PostgresStore.open(PostgresOptions.defaults(pgUrl).withSchema(schema))) {
        Report.progress(
            "rebuild-opensearch: loading "
                + n
                + " contacts into PostgreSQL (schema "
                + schema
                + ")");
        double loadSeconds = GeneratedContacts.createAndLoad(store, n);
        Path plain = work.resolve("bulk.ndjson");
        Path versioned = work.resolve("bulk-versioned.ndjson");
        List<ContactDocument> inMemory = exportBulk(store, plain, versioned);
        if (inMemory.size() != n) {
          throw new IllegalStateException("exported " + inMemory.size() + " of " + n + " contacts");
        }
        long ws = inMemory.get(0).contact().workspaceId();
        String settings = Mapping.createIndex(options, true).toString();
        report.line(
            String.format(
                "- store: PostgreSQL, %,d contacts loaded through `Store.writeEach` (chunks of 2,000) in %.1f s; "
                    + "`_bulk` NDJSON file written from `documentsAfter` in Tally's layout: %s",
                n, loadSeconds, BenchFiles.megabytes(plain)));
        report.line(
            "- "
                + raw.describe()
                + "; every index: 1 shard, 0 replicas, `refresh_interval: -1` while loading, the mapping Tally's"
                + " generations get (the peer's from `Mapping.createIndex`, as Tally creates a loading generation), a refresh at the end"
                + " (included in the time)");
        report.line(
            "- Tally: `OpenSearchIndex.createGeneration` + `new Rebuild(store, "
                + BATCH
                + ").fill(generation, progress, "
                + threads
                + ")` (one store reader, "
                + threads
                + " indexing threads, each `load` one `_bulk` of "
                + BATCH
                + " documents with external versions, checked item by item) + `commit()` (refresh)");
        report.line(
            "- peer: create the index, then "
                + threads
                + " threads each POST the next "
                + BATCH
                + " documents of the file"
                + " (`{\"index\":{\"_id\":…}}` action lines), check `errors: false`, then refresh");
        List<String> names =
            new ArrayList<>(
                List.of(
                    "Tally rebuild (PostgreSQL → new generation, " + threads + " threads)",
                    "raw `_bulk` from the NDJSON file (" + threads + " threads)"));
        if (breakdown) {
          names.addAll(
              List.of(
                  "breakdown: store reads only (`documentsAfter`, batches of " + BATCH + ")",
                  "breakdown: Tally's `OpenSearchIndex.load` of documents already in memory ("
                      + threads
                      + " threads)",
                  "breakdown: raw `_bulk` with external versions (" + threads + " threads)"));
        }
        report.line(
            "- "
                + warmupRuns
                + " warm-up round(s), then "
                + runs
                + " measured rounds; each round runs every line below in rotating"
                + " order, each into a new index deleted afterwards; figures are the median (min–max) over the rounds");
        double[][] secs = new double[names.size()][runs];
        double[][] jvmCpu = new double[names.size()][runs];
        double[][] osCpu = new double[names.size()][runs];
        String osPid = Integer.toString(ExternalCpu.openSearchPid(osUrl));
        long[] reference = null;
        boolean sourcesChecked = false;
        int indexNumber = 0;
        for (int r = -warmupRuns; r < runs; r++) {
          for (int k = 0; k < names.size(); k++) {
            int which = Math.floorMod(r + k, names.size());
            Report.progress("rebuild-opensearch: round " + r + ": " + names.get(which));
            String index = null;
            double jvm0 = ExternalCpu.processSeconds("self");
            double os0 = ExternalCpu.processSeconds(osPid);
            long t0 = System.nanoTime();
            switch (which) {
              case 0 -> {
                OpenSearchIndex fresh = OpenSearchIndex.createGeneration(options);
                try {
                  new Rebuild(store, BATCH).fill(fresh, new Rebuild.Progress(), threads);
                  fresh.commit();
                } finally {
                  fresh.close();
                }
                index = fresh.target();
              }
              case 1 ->
                  index = rawLoad(raw, alias + "-raw-" + (++indexNumber), settings, plain, threads);
              case 2 -> {
                long read = 0;
                long after = 0;
                for (List<ContactDocument> d;
                    !(d = store.documentsAfter(after, BATCH)).isEmpty();
                    after = d.get(d.size() - 1).contact().id()) {
                  read += d.size();
                }
                if (read != n) {
                  throw new IllegalStateException("the store read back " + read + " contacts");
                }
              }
              case 3 -> {
                OpenSearchIndex fresh = OpenSearchIndex.createGeneration(options);
                try {
                  loadInMemory(fresh, inMemory, threads);
                } finally {
                  fresh.close();
                }
                index = fresh.target();
                // commit() refreshes only up to an applied oplog position, which load() does not
                // move: refresh as the peer does
                raw.json("POST", "/" + index + "/_refresh", null);
              }
              case 4 ->
                  index =
                      rawLoad(raw, alias + "-raw-" + (++indexNumber), settings, versioned, threads);
              default -> throw new IllegalStateException();
            }
            double s = (System.nanoTime() - t0) / 1e9;
            if (r >= 0) {
              jvmCpu[which][r] = ExternalCpu.processSeconds("self") - jvm0;
              osCpu[which][r] = ExternalCpu.processSeconds(osPid) - os0;
            }
            if (index != null) {
              reference =
                  RebuildBench.sameIndex(names.get(which), check(raw, index, ws), reference, n);
              if (which == 0 && !sourcesChecked) {
                compareSources(raw, index, inMemory);
                sourcesChecked = true;
              }
              raw.status("DELETE", "/" + index);
            }
            if (r >= 0) {
              secs[which][r] = s;
            }
          }
        }
        report.line(
            "- every index built held the same "
                + n
                + " contacts and the same counts for role=user, plan=pro, seats<41, beta=true ("
                + Arrays.toString(reference)
                + "); 500 sampled sources of Tally's generation equal the file's");
        List<List<String>> rows = new ArrayList<>();
        for (int w = 0; w < names.size(); w++) {
          double m = RebuildBench.median(secs[w]);
          rows.add(
              List.of(
                  names.get(w),
                  String.format(
                      "%.2f s (%.2f–%.2f)",
                      m, RebuildBench.min(secs[w]), RebuildBench.max(secs[w])),
                  String.format("%,.0f docs/s", n / m),
                  String.format("%.1f s", RebuildBench.median(jvmCpu[w])),
                  String.format("%.1f s", RebuildBench.median(osCpu[w])),
                  String.format(
                      "%.0f%%",
                      100
                          * (RebuildBench.median(jvmCpu[w]) + RebuildBench.median(osCpu[w]))
                          / (m * Runtime.getRuntime().availableProcessors()))));
        }
        report.table(
            List.of(
                "system",
                "median time",
                "throughput",
                "CPU of this JVM (median)",
                "CPU of OpenSearch (median)",
                "share of all CPUs used by both"),
            rows);
        double tally = RebuildBench.median(secs[0]);
        double peer = RebuildBench.median(secs[1]);
        report.table(
            RebuildBench.COMPARISON,
            List.of(RebuildBench.goalRow("Tally rebuild ÷ raw `_bulk` load", peer, tally)));
      }
    } finally {
      BenchFiles.deleteTree(work);
    }
    report.finish(o.out());
  }

  /** Writes every document as a _bulk pair (plain, and with external versions) and returns them. */
  private static List<ContactDocument> exportBulk(PostgresStore store, Path plain, Path versioned)
      throws Exception {
    List<ContactDocument> all = new ArrayList<>();
    try (BufferedWriter p = Files.newBufferedWriter(plain, StandardCharsets.UTF_8);
        BufferedWriter v = Files.newBufferedWriter(versioned, StandardCharsets.UTF_8)) {
      long after = 0;
      for (List<ContactDocument> docs;
          !(docs = store.documentsAfter(after, BATCH)).isEmpty();
          after = docs.get(docs.size() - 1).contact().id()) {
        for (ContactDocument d : docs) {
          String source = DocumentMapper.live(d).toString();
          long id = d.contact().id();
          p.write("{\"index\":{\"_id\":\"" + id + "\"}}\n" + source + "\n");
          v.write(
              "{\"index\":{\"_id\":\""
                  + id
                  + "\",\"version\":"
                  + d.contact().version()
                  + ",\"version_type\":\"external\"}}\n"
                  + source
                  + "\n");
          all.add(d);
        }
      }
    }
    return all;
  }

  private static String rawLoad(
      RawOpenSearch raw, String index, String settings, Path file, int threads) throws Exception {
    raw.json("PUT", "/" + index, settings);
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      Workers.run(
          "raw-bulk",
          threads,
          () -> {
            for (String body; (body = next(in)) != null; ) {
              JsonNode r = raw.send("POST", "/" + index + "/_bulk", body, "application/x-ndjson");
              if (r.path("errors").asBoolean(true)) {
                throw new IllegalStateException(
                    "the raw bulk load had item errors: "
                        + r.toString().substring(0, Math.min(500, r.toString().length())));
              }
            }
          });
    }
    raw.json("POST", "/" + index + "/_refresh", null);
    return index;
  }

  /** The next BATCH documents (2 lines each) of the file as one _bulk body, or null at the end. */
  private static String next(BufferedReader in) throws java.io.IOException {
    StringBuilder sb = new StringBuilder(BATCH * 600);
    synchronized (in) {
      for (int i = 0; i < 2 * BATCH; i++) {
        String line = in.readLine();
        if (line == null) {
          break;
        }
        sb.append(line).append('\n');
      }
    }
    return sb.isEmpty() ? null : sb.toString();
  }

  private static void loadInMemory(OpenSearchIndex fresh, List<ContactDocument> docs, int threads)
      throws InterruptedException {
    AtomicInteger next = new AtomicInteger();
    Workers.run(
        "tally-load",
        threads,
        () -> {
          for (int from; (from = next.getAndAdd(BATCH)) < docs.size(); ) {
            fresh.load(docs.subList(from, Math.min(docs.size(), from + BATCH)));
          }
        });
  }

  /** Contacts of the workspace, then a few filter counts, so two indexes can be compared. */
  private static long[] check(RawOpenSearch raw, String index, long ws) {
    String scope = "{\"term\":{\"" + Fields.WORKSPACE + "\":\"" + ws + "\"}}";
    return new long[] {
      count(raw, index, scope),
      count(raw, index, "{\"term\":{\"" + Fields.keyword("role") + "\":\"user\"}}"),
      count(
          raw, index, "{\"term\":{\"" + Fields.keyword("custom_attributes.plan") + "\":\"pro\"}}"),
      count(
          raw,
          index,
          "{\"range\":{\"" + Fields.number("custom_attributes.seats") + "\":{\"lte\":40}}}"),
      count(raw, index, "{\"term\":{\"" + Fields.bool("custom_attributes.beta") + "\":true}}")
    };
  }

  private static long count(RawOpenSearch raw, String index, String query) {
    return raw.json("POST", "/" + index + "/_count", "{\"query\":" + query + "}")
        .path("count")
        .asLong();
  }

  /** Tally's sources for 500 sampled contacts must equal the layout the file was written in. */
  private static void compareSources(RawOpenSearch raw, String index, List<ContactDocument> docs)
      throws Exception {
    StringBuilder ids = new StringBuilder("{\"ids\":[");
    List<ContactDocument> sample = new ArrayList<>();
    for (int i = 0; i < 500; i++) {
      ContactDocument d = docs.get((int) ((long) i * docs.size() / 500));
      sample.add(d);
      ids.append(i == 0 ? "" : ",").append('"').append(d.contact().id()).append('"');
    }
    JsonNode got =
        raw.json("POST", "/" + index + "/_mget", ids.append("]}").toString()).path("docs");
    for (int i = 0; i < sample.size(); i++) {
      JsonNode expected =
          RawOpenSearch.JSON.readTree(DocumentMapper.live(sample.get(i)).toString());
      if (!expected.equals(got.get(i).path("_source"))) {
        throw new IllegalStateException(
            "Tally's source for contact "
                + sample.get(i).contact().id()
                + " differs from the file's: "
                + got.get(i).path("_source")
                + " vs "
                + expected);
      }
    }
  }
}
