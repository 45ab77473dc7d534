package dev.tally.bench.search;

import dev.tally.index.lucene.Fields;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.ScoreDoc;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Peer A of the segment query: the query Tally should compile to, written by hand against Tally's
 * field layout ({@link Fields}: k.* keywords, n.* LongPoints, _ws, _live, id doc values), on the
 * same index files. What Tally adds on top of this is its own overhead.
 */
final class LuceneSegmentPeer {
  private static final Sort BY_ID =
      new Sort(new SortedNumericSortField(Fields.ID, SortField.Type.LONG));

  private final IndexSearcher searcher;

  LuceneSegmentPeer(IndexSearcher searcher) {
    this.searcher = searcher;
  }

  static Query query(long ws, long t1, long s) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(Fields.WORKSPACE, Long.toString(ws))), Occur.FILTER)
        .add(new TermQuery(new Term(Fields.LIVE, "1")), Occur.FILTER)
        .add(new TermQuery(new Term(Fields.keyword("role"), "user")), Occur.FILTER)
        .add(new TermQuery(new Term(Fields.keyword("custom_attributes.plan"), "pro")), Occur.FILTER)
        .add(LongPoint.newRangeQuery(Fields.number("created_at"), t1, Long.MAX_VALUE), Occur.FILTER)
        .add(
            LongPoint.newRangeQuery(
                Fields.number("custom_attributes.seats"), Long.MIN_VALUE, s - 1),
            Occur.FILTER)
        .build();
  }

  SegmentResult run(long ws, long t1, long s) throws IOException {
    Query q = query(ws, t1, s);
    long count = searcher.count(q);
    TopDocs top = searcher.search(q, 50, BY_ID);
    List<Long> ids = new ArrayList<>(top.scoreDocs.length);
    for (ScoreDoc sd : top.scoreDocs) {
      ids.add((Long) ((FieldDoc) sd).fields[0]);
    }
    return new SegmentResult(count, ids);
  }
}
