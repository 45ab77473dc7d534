package dev.tally.bench.search;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.Workers;
import dev.tally.index.lucene.Fields;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.lucene.analysis.standard.StandardAnalyzer;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.index.IndexWriter;
import org.apache.lucene.index.IndexWriterConfig;
import org.apache.lucene.index.Term;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.util.NumericUtils;

/**
 * The rebuild peer: loads an {@link NdjsonExport} straight into Lucene with Tally's writer settings
 * (StandardAnalyzer, 64 MB RAM buffer, a new index) and documents laid out as Tally lays them out
 * (the field names from the index module's {@link Fields}: _id, _ws, _v, _live, id, _has, k./r.
 * keywords, n./d. points with doc values, b. booleans; built here from the JSON lines, lower-cased
 * with {@code Locale.ROOT}). It is the ceiling for a rebuild: addDocument (no version check, no
 * update-by-term), no searcher refreshes, no store reads.
 *
 * <p>With T threads, each thread takes the next 1,000 lines from the shared file and parses and
 * indexes them itself; T = 1 is the same code with one thread.
 */
final class RawLuceneLoad {
  private static final ObjectMapper JSON = new ObjectMapper();

  private RawLuceneLoad() {}

  /**
   * How close to Tally's apply path the load is, for the breakdown: {@code update} writes with
   * updateDocument(_id term) as Tally does instead of addDocument; {@code refreshAndCommit} reopens
   * the near-real-time reader after every chunk of 1,000 (Tally refreshes its searcher after every
   * batch) and commits when a second has passed since the last commit (Tally's commit interval).
   */
  record Variant(boolean update, boolean refreshAndCommit) {
    static final Variant RAW = new Variant(false, false);
  }

  /**
   * Loads {@code ndjson} into a new index in {@code dir} with {@code threads} threads; returns the
   * documents written.
   */
  static long load(Path ndjson, Path dir, int threads) throws Exception {
    return load(ndjson, dir, threads, Variant.RAW);
  }

  static long load(Path ndjson, Path dir, int threads, Variant variant) throws Exception {
    IndexWriterConfig config =
        new IndexWriterConfig(new StandardAnalyzer())
            .setOpenMode(IndexWriterConfig.OpenMode.CREATE)
            .setRAMBufferSizeMB(64);
    AtomicLong docs = new AtomicLong();
    try (FSDirectory directory = FSDirectory.open(dir);
        IndexWriter writer = new IndexWriter(directory, config);
        BufferedReader in = Files.newBufferedReader(ndjson, StandardCharsets.UTF_8)) {
      DirectoryReader[] nrt = {variant.refreshAndCommit() ? DirectoryReader.open(writer) : null};
      long[] lastCommit = {System.nanoTime()};
      Workers.run(
          "raw-load",
          threads,
          () -> {
            for (List<String> chunk; !(chunk = next(in, 1000)).isEmpty(); ) {
              for (String line : chunk) {
                JsonNode j = JSON.readTree(line);
                if (variant.update()) {
                  writer.updateDocument(
                      new Term(Fields.DOC_ID, Long.toString(j.get("id").longValue())), document(j));
                } else {
                  writer.addDocument(document(j));
                }
              }
              docs.addAndGet(chunk.size());
              if (variant.refreshAndCommit()) {
                synchronized (nrt) {
                  DirectoryReader newer = DirectoryReader.openIfChanged(nrt[0], writer);
                  if (newer != null) {
                    nrt[0].close();
                    nrt[0] = newer;
                  }
                  if (System.nanoTime() - lastCommit[0] >= 1_000_000_000L) {
                    writer.commit();
                    lastCommit[0] = System.nanoTime();
                  }
                }
              }
            }
          });
      if (nrt[0] != null) {
        nrt[0].close();
      }
      writer.commit();
    }
    return docs.get();
  }

  private static List<String> next(BufferedReader in, int max) throws IOException {
    List<String> lines = new ArrayList<>(max);
    synchronized (in) {
      for (String l; lines.size() < max && (l = in.readLine()) != null; ) {
        if (!l.isEmpty()) {
          lines.add(l);
        }
      }
    }
    return lines;
  }

  static Document document(JsonNode j) {
    long id = j.get("id").longValue();
    Document d = new Document();
    d.add(new StringField(Fields.DOC_ID, Long.toString(id), Field.Store.NO));
    d.add(
        new StringField(Fields.WORKSPACE, Long.toString(j.get("ws").longValue()), Field.Store.NO));
    d.add(new NumericDocValuesField(Fields.VERSION, j.get("v").longValue()));
    d.add(new StringField(Fields.LIVE, "1", Field.Store.NO));
    d.add(new LongPoint(Fields.ID, id));
    d.add(new SortedNumericDocValuesField(Fields.ID, id));
    for (Iterator<Map.Entry<String, JsonNode>> it = j.get("f").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      add(d, e.getKey(), e.getValue());
    }
    for (Iterator<Map.Entry<String, JsonNode>> it = j.get("c").fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      add(d, "custom_attributes." + e.getKey(), e.getValue());
    }
    for (JsonNode s : j.get("e")) {
      String base = "events." + s.get("name").textValue() + ".";
      add(d, base + "count", s.get("count"));
      add(d, base + "first", s.get("first"));
      add(d, base + "last", s.get("last"));
    }
    return d;
  }

  private static void add(Document d, String path, JsonNode v) {
    if (v == null || v.isNull()) {
      return;
    }
    d.add(new StringField(Fields.HAS, path, Field.Store.NO));
    if (v.isTextual()) {
      String folded = v.textValue().toLowerCase(Locale.ROOT);
      d.add(new StringField(Fields.keyword(path), folded, Field.Store.NO));
      d.add(
          new StringField(
              Fields.reversed(path),
              new StringBuilder(folded).reverse().toString(),
              Field.Store.NO));
    } else if (v.isIntegralNumber()) {
      d.add(new LongPoint(Fields.number(path), v.longValue()));
      d.add(new SortedNumericDocValuesField(Fields.number(path), v.longValue()));
    } else if (v.isNumber()) {
      d.add(new DoublePoint(Fields.decimal(path), v.doubleValue()));
      d.add(
          new SortedNumericDocValuesField(
              Fields.decimal(path), NumericUtils.doubleToSortableLong(v.doubleValue())));
    } else if (v.isBoolean()) {
      d.add(new StringField(Fields.bool(path), Boolean.toString(v.booleanValue()), Field.Store.NO));
    } else {
      throw new IllegalArgumentException("cannot index " + path + " = " + v);
    }
  }
}
