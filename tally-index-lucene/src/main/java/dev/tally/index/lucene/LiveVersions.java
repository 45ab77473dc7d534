package dev.tally.index.lucene;

import java.io.IOException;
import java.util.function.BiConsumer;
import org.apache.lucene.index.IndexReader;
import org.apache.lucene.index.LeafReaderContext;
import org.apache.lucene.index.NumericDocValues;
import org.apache.lucene.search.DocIdSetIterator;

/**
 * Reads (id, version) of live documents from doc values alone: verification never loads a document.
 */
final class LiveVersions {
  private LiveVersions() {}

  /** Visits every live document with {@code fromId <= id < toId}. */
  static void visit(IndexReader reader, long fromId, long toId, BiConsumer<Long, Long> visit)
      throws IOException {
    for (LeafReaderContext leaf : reader.leaves()) {
      var live = leaf.reader().getLiveDocs();
      var ids =
          leaf.reader()
              .getSortedNumericDocValues(
                  Fields.ID); // only live documents carry an id; tombstones do not
      NumericDocValues versions = leaf.reader().getNumericDocValues(Fields.VERSION);
      if (ids == null || versions == null) {
        continue;
      }
      for (int doc = ids.nextDoc(); doc != DocIdSetIterator.NO_MORE_DOCS; doc = ids.nextDoc()) {
        long id = ids.nextValue();
        if ((live == null || live.get(doc))
            && id >= fromId
            && id < toId
            && versions.advanceExact(doc)) {
          visit.accept(id, versions.longValue());
        }
      }
    }
  }
}
