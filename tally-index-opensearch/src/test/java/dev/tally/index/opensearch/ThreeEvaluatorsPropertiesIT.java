package dev.tally.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.Contact;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryPrinter;
import dev.tally.core.query.ReferenceEvaluator;
import dev.tally.index.lucene.DifferentialQueryProperties;
import dev.tally.index.lucene.LuceneIndex;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * T11 on all three evaluators: random contacts and random queries (the Lucene module's generators),
 * and the reference evaluator, Lucene and OpenSearch must return the same ids in the same order,
 * page by page, with the same total. One OpenSearch index serves the whole run; each try gets its
 * own workspace and id range, so no try sees another's contacts and nothing has to be cleared.
 * Fewer tries than the Lucene-only test, since each query is a few HTTP round trips; a quarter of
 * the queries aim at operator × type pairs not yet covered, so coverage does not hang on luck.
 */
class ThreeEvaluatorsPropertiesIT {
  static final Map<String, Boolean> COVERED = new ConcurrentHashMap<>();
  static final AtomicLong TRY = new AtomicLong();
  static OpenSearchOptions options;
  static OpenSearchIndex openSearch;

  @BeforeContainer
  static void createIndex() {
    options = TestNode.options("tally-t11");
    openSearch = OpenSearchIndex.open(options);
  }

  @AfterContainer
  static void deleteIndex() {
    if (openSearch != null) {
      openSearch.close();
      TestNode.deleteAll(options);
    }
  }

  @Property(tries = 50)
  void referenceLuceneAndOpenSearchAgree(@ForAll long seed) {
    Random r = new Random(seed);
    long n = TRY.incrementAndGet();
    long ws = DifferentialQueryProperties.WS + n;
    List<ContactDocument> docs = new ArrayList<>();
    int count = 1 + r.nextInt(40);
    long id = (1L << 53) + n * 10_000 + r.nextInt(1000);
    for (int i = 0; i < count; i++) {
      id += 1 + r.nextInt(3);
      docs.add(inWorkspace(DifferentialQueryProperties.randomDoc(r, id), ws));
    }
    try (LuceneIndex lucene = LuceneIndex.open(new ByteBuffersDirectory(), 1000)) {
      IndexBatch batch = new IndexBatch(docs, List.of(), List.of(), n);
      lucene.apply(batch);
      openSearch.apply(batch);
      openSearch.refresh();
      for (int q = 0; q < 20; q++) {
        // The last queries of a try go to operator × type pairs not yet seen with a non-trivial
        // result:
        // with few tries, uniform draws would leave the rarer pairs (floats) to chance.
        Query query =
            q >= 15
                ? uncoveredFilter(r, docs)
                : r.nextInt(10) == 0
                    ? DifferentialQueryProperties.deepQuery(
                        r, docs, QueryLimits.DEFAULTS.maxDepth())
                    : DifferentialQueryProperties.randomQuery(r, docs, 1 + r.nextInt(3));
        Set<Long> expected = new TreeSet<>();
        for (ContactDocument d : docs) {
          if (ReferenceEvaluator.matches(query, d, DifferentialQueryProperties.NOW)) {
            expected.add(d.contact().id());
          }
        }
        SearchRequest.Sort sort = DifferentialQueryProperties.randomSort(r);
        int pageSize = 2 + r.nextInt(9);
        String what =
            "seed "
                + seed
                + ", query "
                + QueryPrinter.print(query)
                + ", sort "
                + sort
                + ", pages of "
                + pageSize;
        List<Long> order = DifferentialQueryProperties.expectedOrder(docs, expected, sort);
        check("Lucene", lucene, ws, query, sort, pageSize, expected, order, what);
        check("OpenSearch", openSearch, ws, query, sort, pageSize, expected, order, what);
        if (query instanceof Query.Filter f
            && !expected.isEmpty()
            && expected.size() < docs.size()) {
          COVERED.put(DifferentialQueryProperties.key(f.field(), f.operator()), true);
        }
      }
    }
  }

  private static void check(
      String name,
      SearchIndex index,
      long ws,
      Query query,
      SearchRequest.Sort sort,
      int pageSize,
      Set<Long> expected,
      List<Long> expectedOrder,
      String what) {
    List<Long> actual = new ArrayList<>();
    SearchRequest.Cursor after = null;
    long total;
    do {
      SearchPage page =
          index.search(
              new SearchRequest(ws, query, sort, pageSize, after, DifferentialQueryProperties.NOW));
      actual.addAll(page.ids());
      total = page.total();
      after = page.next();
    } while (after != null);
    assertEquals(
        expected,
        new TreeSet<>(actual),
        name + " ids differ from the reference evaluator's: " + what);
    assertEquals(expectedOrder, actual, name + " order (or a repeat across pages): " + what);
    assertEquals(expected.size(), total, name + " total: " + what);
  }

  /**
   * A random filter whose operator × type pair has not yet had a non-trivial result (any filter
   * once all have).
   */
  private static Query uncoveredFilter(Random r, List<ContactDocument> docs) {
    Query.Filter f = null;
    for (int attempt = 0; attempt < 200; attempt++) {
      f = (Query.Filter) DifferentialQueryProperties.randomFilter(r, docs);
      if (!COVERED.containsKey(DifferentialQueryProperties.key(f.field(), f.operator()))) {
        break;
      }
    }
    return f;
  }

  private static ContactDocument inWorkspace(ContactDocument d, long ws) {
    Contact c = d.contact();
    return new ContactDocument(
        new Contact(c.id(), ws, c.version(), c.fields(), c.custom()),
        d.events(),
        d.tagIds(),
        d.companyIds());
  }

  @AfterContainer
  static void everyOperatorAndTypeWasExercised() {
    List<String> missing = new ArrayList<>();
    for (Field f : DifferentialQueryProperties.FIELDS) {
      for (Operator op : Operator.values()) {
        if (DifferentialQueryProperties.allowed(f, op)
            && !COVERED.containsKey(DifferentialQueryProperties.key(f, op))) {
          missing.add(DifferentialQueryProperties.key(f, op));
        }
      }
    }
    assertTrue(
        missing.isEmpty(),
        "never a non-trivial result for: " + missing.stream().distinct().toList());
  }
}
