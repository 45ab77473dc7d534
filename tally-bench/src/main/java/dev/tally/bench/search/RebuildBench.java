package dev.tally.bench.search;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.Report;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.projection.Rebuild;
import dev.tally.index.lucene.Fields;
import dev.tally.index.lucene.LuceneIndex;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.store.FSDirectory;

/**
 * Goal 3, rebuild throughput. A SQLite store is loaded with N contacts (through the store's own
 * write path, batched) and exported to NDJSON; then, in rounds with a rotating order, Tally's
 * rebuild ({@link Rebuild#fill} into a new {@link LuceneIndex}, as the server's rebuild does) and
 * the raw Lucene load of the export with 1 and 2 threads each build a fresh index. Every built
 * index is checked to hold the same documents (count and a few filter counts).
 */
public final class RebuildBench {
  private static final int REBUILD_BATCH = 1000; // what the server's rebuild uses
  private static final long COMMIT_INTERVAL_MILLIS = 1000; // what the server's indexes use

  public static void run(BenchOptions o) throws Exception {
    int n = o.integer("contacts", 200_000);
    int runs = o.integer("runs", 5);
    int warmupRuns = o.integer("warmup-runs", 1);
    Path work = o.freshDir("tally-bench-rebuild", "rebuild-bench");
    Report report = new Report("Rebuild throughput at " + String.format("%,d", n) + " contacts");
    try (SqliteStore store = SqliteStore.open(SqliteOptions.defaults(work.resolve("store.db")))) {
      Report.progress("rebuild: loading " + n + " contacts into the SQLite store");
      double loadSeconds = GeneratedContacts.createAndLoad(store, n);
      Path ndjson = work.resolve("contacts.ndjson");
      long exported = NdjsonExport.export(store, ndjson);
      if (exported != n) {
        throw new IllegalStateException("exported " + exported + " of " + n + " contacts");
      }
      report.line(
          String.format(
              "- store: %,d contacts loaded through `Store.writeEach` (chunks of 2,000) in %.1f s; %s SQLite file; "
                  + "NDJSON export %s",
              n,
              loadSeconds,
              BenchFiles.megabytes(work.resolve("store.db")),
              BenchFiles.megabytes(ndjson)));
      report.line(
          "- Tally: `new Rebuild(store, "
              + REBUILD_BATCH
              + ").fill(LuceneIndex.open(dir, "
              + COMMIT_INTERVAL_MILLIS
              + "), …)` then `close()` (final commit, waits for merges) — single-threaded: **a two-thread rebuild is not implemented in Tally**");
      report.line(
          "- peer: NDJSON → Lucene `addDocument` with the same IndexWriterConfig (StandardAnalyzer, 64 MB RAM buffer, new index)"
              + " and the same field layout, then commit and close; 1 and 2 indexing threads");
      report.line(
          "- "
              + warmupRuns
              + " warm-up round(s), then "
              + runs
              + " measured rounds; each round runs the three systems and the four breakdown steps in rotating order,"
              + " each into a new directory; figures are the median (min–max) over the rounds");
      String[] names = {
        "Tally rebuild (from the store, 1 thread)",
        "raw Lucene load, 1 thread",
        "raw Lucene load, 2 threads",
        "breakdown: store reads only (`contactIds` + `documents`, batches of 1,000)",
        "breakdown: `LuceneIndex.apply` of documents already in memory (batches of 1,000)",
        "breakdown: raw load, 1 thread, `updateDocument(_id)` instead of `addDocument`",
        "breakdown: raw load, 1 thread, `updateDocument` + NRT reopen every 1,000 + commit every 1 s",
        "Tally rebuild (from the store, 2 indexing threads)"
      };
      List<ContactDocument> inMemory = readAll(store);
      double[][] secs = new double[names.length][runs];
      long[] reference = null;
      for (int r = -warmupRuns; r < runs; r++) {
        for (int k = 0; k < names.length; k++) {
          int which = Math.floorMod(r + k, names.length);
          Path dir = work.resolve("index-" + which);
          BenchFiles.deleteTree(dir);
          Report.progress("rebuild: round " + r + ": " + names[which]);
          long t0 = System.nanoTime();
          switch (which) {
            case 0 -> {
              try (LuceneIndex fresh = LuceneIndex.open(dir, COMMIT_INTERVAL_MILLIS)) {
                new Rebuild(store, REBUILD_BATCH).fill(fresh, new Rebuild.Progress());
              }
            }
            case 7 -> {
              try (LuceneIndex fresh = LuceneIndex.open(dir, COMMIT_INTERVAL_MILLIS)) {
                new Rebuild(store, REBUILD_BATCH).fill(fresh, new Rebuild.Progress(), 2);
              }
            }
            case 1, 2 -> RawLuceneLoad.load(ndjson, dir, which);
            case 5 -> RawLuceneLoad.load(ndjson, dir, 1, new RawLuceneLoad.Variant(true, false));
            case 6 -> RawLuceneLoad.load(ndjson, dir, 1, new RawLuceneLoad.Variant(true, true));
            case 3 -> {
              if (readAll(store).size() != n) {
                throw new IllegalStateException(
                    "the store read back a different number of contacts");
              }
            }
            case 4 -> {
              try (LuceneIndex fresh = LuceneIndex.open(dir, COMMIT_INTERVAL_MILLIS)) {
                for (int from = 0; from < n; from += REBUILD_BATCH) {
                  fresh.apply(
                      new IndexBatch(
                          inMemory.subList(from, Math.min(n, from + REBUILD_BATCH)),
                          List.of(),
                          List.of(),
                          0));
                }
              }
            }
            default -> throw new IllegalStateException();
          }
          double s = (System.nanoTime() - t0) / 1e9;
          if (which == 3) {
            if (r >= 0) {
              secs[which][r] = s;
            }
            continue;
          }
          reference = sameIndex(names[which], check(dir), reference, n);
          if (r >= 0) {
            secs[which][r] = s;
          }
          BenchFiles.deleteTree(dir);
        }
      }
      report.line(
          "- every index built held the same "
              + n
              + " documents and the same counts for role=user, plan=pro, seats<41, "
              + "a date range ("
              + Arrays.toString(reference)
              + ")");
      double tally = median(secs[0]);
      double one = median(secs[1]);
      double two = median(secs[2]);
      double tallyTwo = median(secs[7]);
      List<List<String>> rows = new ArrayList<>();
      for (int w = 0; w < names.length; w++) {
        double m = median(secs[w]);
        rows.add(
            List.of(
                names[w],
                String.format("%.2f s (%.2f–%.2f)", m, min(secs[w]), max(secs[w])),
                String.format("%,.0f docs/s", n / m)));
      }
      report.table(List.of("system", "median time", "throughput"), rows);
      report.table(
          COMPARISON,
          List.of(
              goalRow("Tally rebuild ÷ raw Lucene load (1 thread each)", one, tally),
              List.of(
                  "raw load, 2 threads ÷ 1 thread",
                  Report.ratio(one, two),
                  "≥ 1.0×",
                  one / two >= 1.0 ? "yes" : "**no**"),
              List.of(
                  "Tally rebuild, 2 threads ÷ 1 thread",
                  Report.ratio(tally, tallyTwo),
                  "≥ 1.0×",
                  tally / tallyTwo >= 1.0 ? "yes" : "**no**")));
    } finally {
      BenchFiles.deleteTree(work);
    }
    report.finish(o.out());
  }

  /** Every contact document of the store, read as the rebuild reads them. */
  private static List<ContactDocument> readAll(SqliteStore store) {
    List<ContactDocument> all = new ArrayList<>();
    long after = 0;
    for (List<Long> ids;
        !(ids = store.contactIds(after, REBUILD_BATCH)).isEmpty();
        after = ids.get(ids.size() - 1)) {
      all.addAll(store.documents(ids));
    }
    return all;
  }

  /** Documents, then the counts of a few filters, so two indexes can be compared. */
  private static long[] check(Path dir) throws Exception {
    try (FSDirectory d = FSDirectory.open(dir);
        DirectoryReader r = DirectoryReader.open(d)) {
      IndexSearcher s = new IndexSearcher(r);
      return new long[] {
        r.numDocs(),
        s.count(new TermQuery(new Term(Fields.keyword("role"), "user"))),
        s.count(new TermQuery(new Term(Fields.keyword("custom_attributes.plan"), "pro"))),
        s.count(
            LongPoint.newRangeQuery(Fields.number("custom_attributes.seats"), Long.MIN_VALUE, 40)),
        s.count(
            LongPoint.newRangeQuery(Fields.number("signed_up_at"), 1_630_000_000L, Long.MAX_VALUE)),
        s.count(new TermQuery(new Term(Fields.bool("custom_attributes.beta"), "true")))
      };
    }
  }

  static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  static double min(double[] v) {
    return Arrays.stream(v).min().orElse(0);
  }

  static double max(double[] v) {
    return Arrays.stream(v).max().orElse(0);
  }

  /**
   * Checks that a build's {@code check} (document count, then counts of a few filters) holds all
   * {@code n} contacts and matches the builds before it ({@code reference}, null for the first);
   * returns it as the reference for the next.
   */
  /** The header of the table of throughput ratios against their goals. */
  static final List<String> COMPARISON = List.of("comparison", "ratio (throughput)", "goal", "met");

  /**
   * The goal for a rebuild: Tally's throughput at least 0.9× the raw load's, that is its
   * time ({@code tallySeconds}) at most the raw load's ({@code rawSeconds}) ÷ 0.9.
   */
  static List<String> goalRow(String name, double rawSeconds, double tallySeconds) {
    return List.of(
        name,
        Report.ratio(rawSeconds, tallySeconds),
        "≥ 0.9×",
        Report.metAtLeast(rawSeconds / tallySeconds, 0.9));
  }

  static long[] sameIndex(String name, long[] check, long[] reference, long n) {
    if (check[0] != n || (reference != null && !Arrays.equals(reference, check))) {
      throw new IllegalStateException(
          name
              + " built a different index: "
              + Arrays.toString(check)
              + " vs "
              + Arrays.toString(reference)
              + " ("
              + n
              + " contacts)");
    }
    return check;
  }
}
