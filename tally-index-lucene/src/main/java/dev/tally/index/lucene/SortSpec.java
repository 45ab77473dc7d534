package dev.tally.index.lucene;

import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.FieldDoc;
import org.apache.lucene.search.IndexSearcher;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.Query;
import org.apache.lucene.search.Sort;
import org.apache.lucene.search.SortField;
import org.apache.lucene.search.SortedNumericSortField;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.TopDocs;

/**
 * Sorting and stateless keyset pagination. Results are ordered by the sort field, then by id;
 * contacts without a value come last, in id order. The two parts are searched separately (rather
 * than giving missing values a sentinel, which a real Long.MIN_VALUE would tie with), and the next
 * page is "strictly after the last hit" expressed as a query, so a cursor stays valid across index
 * refreshes and a page never skips or repeats a contact.
 */
final class SortSpec {
  private final Field field;
  private final boolean descending;
  private final boolean isDouble;

  private SortSpec(Field field, boolean descending) {
    this.field = field;
    this.descending = descending;
    this.isDouble = field != null && field.type() == FieldType.FLOAT;
  }

  static SortSpec of(SearchRequest.Sort sort) {
    return sort == null ? new SortSpec(null, false) : new SortSpec(sort.field(), sort.descending());
  }

  boolean byIdOnly() {
    return field == null || field instanceof Field.Id;
  }

  /**
   * The first page in id order and the exact total, counted while collecting (one pass over the
   * matches).
   */
  SearchPage firstPageById(IndexSearcher searcher, Query q, int limit) throws IOException {
    boolean desc = field != null && descending;
    TopDocs top =
        searcher.search(
            q,
            new org.apache.lucene.search.TopFieldCollectorManager(
                new Sort(idSort(desc)),
                limit + 1,
                null,
                Integer.MAX_VALUE,
                searcher.getSlices().length > 1));
    return SearchPage.of(
        ids(top), limit, top.totalHits.value, id -> SearchRequest.Cursor.afterId(id));
  }

  SearchPage page(
      IndexSearcher searcher, Query q, SearchRequest.Cursor after, int limit, long total)
      throws IOException {
    if (field == null || field instanceof Field.Id) {
      boolean desc = field != null && descending;
      Query page =
          after == null
              ? q
              : and(
                  q,
                  desc
                      ? LongPoint.newRangeQuery(Fields.ID, Long.MIN_VALUE, after.id() - 1)
                      : LongPoint.newRangeQuery(Fields.ID, after.id() + 1, Long.MAX_VALUE));
      List<Long> ids = ids(searcher.search(page, limit + 1, new Sort(idSort(desc))));
      return SearchPage.of(ids, limit, total, id -> SearchRequest.Cursor.afterId(id));
    }
    Query has = new TermQuery(new Term(Fields.HAS, field.path()));
    List<Long> ids = new ArrayList<>();
    SearchRequest.Cursor lastValued = null;
    int valued = 0;
    if (after == null || !after.missing()) {
      Query withValue = and(q, has);
      if (after != null) {
        withValue = and(withValue, strictlyAfter(after));
      }
      TopDocs top = searcher.search(withValue, limit + 1, new Sort(valueSort(), idSort(false)));
      for (var sd : top.scoreDocs) {
        FieldDoc fd = (FieldDoc) sd;
        ids.add((Long) fd.fields[1]);
        Object v = fd.fields[0];
        if (ids.size() == limit) {
          lastValued =
              new SearchRequest.Cursor(
                  isDouble ? Double.doubleToLongBits((Double) v) : (Long) v,
                  false,
                  ids.get(limit - 1));
        }
      }
      valued = ids.size();
    }
    if (ids.size() <= limit) {
      Query without =
          new BooleanQuery.Builder().add(q, Occur.FILTER).add(has, Occur.MUST_NOT).build();
      if (after != null && after.missing()) {
        without = and(without, LongPoint.newRangeQuery(Fields.ID, after.id() + 1, Long.MAX_VALUE));
      }
      ids.addAll(ids(searcher.search(without, limit + 1 - ids.size(), new Sort(idSort(false)))));
    }
    SearchRequest.Cursor fromValued = lastValued;
    int valuedCount = valued;
    return SearchPage.of(
        ids,
        limit,
        total,
        id -> valuedCount >= limit ? fromValued : new SearchRequest.Cursor(0, true, id));
  }

  private static List<Long> ids(TopDocs top) {
    List<Long> ids = new ArrayList<>(top.scoreDocs.length);
    for (var sd : top.scoreDocs) {
      FieldDoc fd = (FieldDoc) sd;
      ids.add((Long) fd.fields[fd.fields.length - 1]);
    }
    return ids;
  }

  private static SortField idSort(boolean descending) {
    return new SortedNumericSortField(Fields.ID, SortField.Type.LONG, descending);
  }

  private SortField valueSort() {
    return isDouble
        ? new SortedNumericSortField(
            Fields.decimal(field.path()), SortField.Type.DOUBLE, descending)
        : new SortedNumericSortField(Fields.number(field.path()), SortField.Type.LONG, descending);
  }

  /** Valued documents after the cursor: a value beyond it, or the same value and a later id. */
  private Query strictlyAfter(SearchRequest.Cursor c) {
    Query laterId = LongPoint.newRangeQuery(Fields.ID, c.id() + 1, Long.MAX_VALUE);
    Query beyond;
    Query same;
    if (isDouble) {
      String f = Fields.decimal(field.path());
      double v = Double.longBitsToDouble(c.sortKey());
      beyond =
          descending
              ? DoublePoint.newRangeQuery(f, Double.NEGATIVE_INFINITY, DoublePoint.nextDown(v))
              : DoublePoint.newRangeQuery(f, DoublePoint.nextUp(v), Double.POSITIVE_INFINITY);
      same = DoublePoint.newExactQuery(f, v);
    } else {
      String f = Fields.number(field.path());
      long v = c.sortKey();
      beyond =
          descending
              ? (v == Long.MIN_VALUE
                  ? new MatchNoDocsQuery()
                  : LongPoint.newRangeQuery(f, Long.MIN_VALUE, v - 1))
              : (v == Long.MAX_VALUE
                  ? new MatchNoDocsQuery()
                  : LongPoint.newRangeQuery(f, v + 1, Long.MAX_VALUE));
      same = LongPoint.newExactQuery(f, v);
    }
    return new BooleanQuery.Builder()
        .add(beyond, Occur.SHOULD)
        .add(and(same, laterId), Occur.SHOULD)
        .build();
  }

  private static Query and(Query a, Query b) {
    return new BooleanQuery.Builder().add(a, Occur.FILTER).add(b, Occur.FILTER).build();
  }
}
