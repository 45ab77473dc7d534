package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;
import dev.tally.core.query.QueryPrinter;
import dev.tally.core.query.ReferenceEvaluator;
import dev.tally.core.query.RelativeTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.lifecycle.AfterContainer;
import org.apache.lucene.store.ByteBuffersDirectory;

/**
 * T11: random contacts, random queries; the reference evaluator and Lucene must return the same
 * ids. Query values are often drawn from the generated contacts (with their case changed), so
 * equality and prefix filters really match; every operator × type pair must have produced a result
 * that was neither empty nor everything at least once over the run, or the test fails. Contacts
 * carry random sets of tags from a small pool, so tag_id filters match some and not others. The
 * generators are public: the OpenSearch module runs all three evaluators on the same data with
 * them.
 */
public class DifferentialQueryProperties {
  public static final long WS = (1L << 53) + 5;
  public static final long NOW = 1_700_000_000L;
  public static final Map<String, FieldType> ATTRS =
      Map.of(
          "plan",
          FieldType.STRING,
          "seats",
          FieldType.INTEGER,
          "score",
          FieldType.FLOAT,
          "vip",
          FieldType.BOOLEAN,
          "renew_at",
          FieldType.DATE);
  static final String ALPHABET = "aAbBé\u0130ß1@. ";
  public static final List<Field> FIELDS = fields();
  static final Map<String, Boolean> COVERED = new ConcurrentHashMap<>();
  static final QueryParser PARSER = new QueryParser(QueryLimits.DEFAULTS, ATTRS::get);

  /** The tags contacts draw from: above 2^53, so a tag id that passed through a double is off. */
  public static final List<Long> TAGS =
      List.of((1L << 53) + 11, (1L << 53) + 13, (1L << 53) + 15, (1L << 53) + 17);

  /**
   * The companies contacts draw from, above 2^53 too; one id is also a tag's, so mixing up the two
   * fields is caught.
   */
  public static final List<Long> COMPANIES =
      List.of((1L << 53) + 21, (1L << 53) + 23, (1L << 53) + 13);

  static List<Field> fields() {
    List<Field> all = new ArrayList<>();
    all.add(new Field.Id());
    all.add(Field.Members.TAGS);
    all.add(Field.Members.COMPANIES);
    for (ContactField f :
        List.of(
            ContactField.EMAIL,
            ContactField.NAME,
            ContactField.ROLE,
            ContactField.EXTERNAL_ID,
            ContactField.OWNER_ID,
            ContactField.CREATED_AT,
            ContactField.LAST_SEEN_AT,
            ContactField.UNSUBSCRIBED_FROM_EMAILS,
            ContactField.LOCATION_CITY)) {
      all.add(new Field.Standard(f));
    }
    ATTRS.forEach((k, v) -> all.add(new Field.Custom(k, v)));
    for (Field.EventMetric.Metric m : Field.EventMetric.Metric.values()) {
      all.add(new Field.EventMetric("bought", m));
    }
    return all;
  }

  // 200 tries: with company_id among the fields, 150 sometimes left an operator never exercised.
  @Property(tries = 200)
  void luceneAgreesWithTheReferenceEvaluator(@ForAll long seed) {
    Random r = new Random(seed);
    List<ContactDocument> docs = new ArrayList<>();
    int n = 1 + r.nextInt(40);
    long id = (1L << 53) + 1 + r.nextInt(1000);
    for (int i = 0; i < n; i++) {
      id += 1 + r.nextInt(3);
      docs.add(randomDoc(r, id));
    }
    try (LuceneIndex index = LuceneIndex.open(new ByteBuffersDirectory(), 1000)) {
      index.apply(new IndexBatch(docs, List.of(), List.of(), 1));
      for (int q = 0; q < 25; q++) {
        // Mostly shallow queries; one in ten nests to the parser's bound (10 levels) with narrow
        // groups.
        Query query =
            r.nextInt(10) == 0
                ? deepQuery(r, docs, QueryLimits.DEFAULTS.maxDepth())
                : randomQuery(r, docs, 1 + r.nextInt(3));
        Set<Long> expected = new TreeSet<>();
        for (ContactDocument d : docs) {
          if (ReferenceEvaluator.matches(query, d, NOW)) {
            expected.add(d.contact().id());
          }
        }
        SearchRequest.Sort sort = randomSort(r);
        List<Long> actualOrder = new ArrayList<>();
        SearchRequest.Cursor after = null;
        long total = -1;
        do {
          SearchPage page =
              index.search(new SearchRequest(WS, query, sort, 1 + r.nextInt(7), after, NOW));
          actualOrder.addAll(page.ids());
          total = page.total();
          after = page.next();
        } while (after != null);
        Set<Long> actual = new TreeSet<>(actualOrder);
        assertEquals(expected, actual, "seed " + seed + ", query " + QueryPrinter.print(query));
        assertEquals(actualOrder.size(), actual.size(), "a contact repeated across pages");
        assertEquals(
            expectedOrder(docs, expected, sort),
            actualOrder,
            "order, seed " + seed + ", sort " + sort);
        assertEquals(expected.size(), total, "total_count, query " + QueryPrinter.print(query));
        if (query instanceof Query.Filter f
            && !expected.isEmpty()
            && expected.size() < docs.size()) {
          COVERED.put(key(f.field(), f.operator()), true);
        }
      }
    }
  }

  public static SearchRequest.Sort randomSort(Random r) {
    List<Field> sortable = new ArrayList<>();
    for (Field f : FIELDS) {
      boolean count =
          f instanceof Field.EventMetric e && e.metric() == Field.EventMetric.Metric.COUNT;
      if (f instanceof Field.Id
          || (!count
              && !(f instanceof Field.Members)
              && f.type() != FieldType.STRING
              && f.type() != FieldType.BOOLEAN)) {
        sortable.add(f);
      }
    }
    return r.nextInt(3) == 0
        ? null
        : new SearchRequest.Sort(sortable.get(r.nextInt(sortable.size())), r.nextBoolean());
  }

  /**
   * The reference order: by the sort value (missing last), then by id; by id alone without a sort.
   */
  public static List<Long> expectedOrder(
      List<ContactDocument> docs, Set<Long> ids, SearchRequest.Sort sort) {
    List<ContactDocument> hits =
        new ArrayList<>(docs.stream().filter(d -> ids.contains(d.contact().id())).toList());
    java.util.Comparator<ContactDocument> byId =
        java.util.Comparator.comparingLong(d -> d.contact().id());
    if (sort == null) {
      hits.sort(byId);
    } else if (sort.field() instanceof Field.Id) {
      hits.sort(sort.descending() ? byId.reversed() : byId);
    } else {
      hits.sort(
          (a, b) -> {
            Object va = ReferenceEvaluator.valueOf(sort.field(), a.contact(), a.events());
            Object vb = ReferenceEvaluator.valueOf(sort.field(), b.contact(), b.events());
            if (va == null || vb == null) {
              return va == null && vb == null ? byId.compare(a, b) : va == null ? 1 : -1;
            }
            int c =
                va instanceof Double da
                    ? Double.compare(da, (Double) vb)
                    : Long.compare((Long) va, (Long) vb);
            c = sort.descending() ? -c : c;
            return c != 0 ? c : byId.compare(a, b);
          });
    }
    return hits.stream().map(d -> d.contact().id()).toList();
  }

  public static String key(Field f, Operator op) {
    return (f instanceof Field.Id
            ? "id"
            : f instanceof Field.Members m ? m.path() : f.type().apiName())
        + " "
        + op.symbol();
  }

  @AfterContainer
  static void everyOperatorAndTypeWasExercised() {
    List<String> missing = new ArrayList<>();
    for (Field f : FIELDS) {
      for (Operator op : Operator.values()) {
        if (allowed(f, op) && !COVERED.containsKey(key(f, op))) {
          missing.add(key(f, op));
        }
      }
    }
    assertTrue(
        missing.stream().distinct().toList().isEmpty(),
        "never a non-trivial result for: " + missing.stream().distinct().toList());
  }

  public static boolean allowed(Field f, Operator o) {
    return dev.tally.core.query.QueryParser.allows(f, o);
  }

  public static ContactDocument randomDoc(Random r, long id) {
    Map<ContactField, Object> f = new LinkedHashMap<>();
    f.put(ContactField.ROLE, r.nextBoolean() ? "user" : "lead");
    f.put(ContactField.UNSUBSCRIBED_FROM_EMAILS, r.nextBoolean());
    f.put(ContactField.CREATED_AT, NOW - r.nextInt(200_000));
    maybe(r, () -> f.put(ContactField.EMAIL, str(r) + "@" + str(r)));
    maybe(r, () -> f.put(ContactField.NAME, str(r)));
    maybe(r, () -> f.put(ContactField.EXTERNAL_ID, str(r)));
    maybe(r, () -> f.put(ContactField.LOCATION_CITY, str(r)));
    maybe(r, () -> f.put(ContactField.OWNER_ID, boundaryLong(r)));
    maybe(r, () -> f.put(ContactField.LAST_SEEN_AT, NOW + r.nextInt(400_000) - 200_000L));
    Map<String, Object> c = new LinkedHashMap<>();
    maybe(r, () -> c.put("plan", str(r)));
    maybe(r, () -> c.put("seats", boundaryLong(r)));
    maybe(
        r,
        () ->
            c.put(
                "score",
                switch (r.nextInt(4)) {
                  case 0 -> (double) r.nextInt(5);
                  case 1 -> r.nextBoolean() ? -0.0 : 0.0;
                  default -> r.nextDouble() * 10 - 5;
                }));
    maybe(r, () -> c.put("vip", r.nextBoolean()));
    maybe(r, () -> c.put("renew_at", (long) r.nextInt(5) * 1000));
    Map<String, EventSummary> events = new HashMap<>();
    if (r.nextBoolean()) {
      long first = NOW - r.nextInt(100_000);
      events.put(
          "bought", new EventSummary("bought", 1 + r.nextInt(4), first, first + r.nextInt(50_000)));
    }
    List<Long> tags = new ArrayList<>();
    for (long tag : TAGS) {
      if (r.nextInt(3) == 0) {
        tags.add(tag);
      }
    }
    List<Long> companies = new ArrayList<>();
    for (long company : COMPANIES) {
      if (r.nextInt(3) == 0) {
        companies.add(company);
      }
    }
    return new ContactDocument(
        new Contact(id, WS, 1 + r.nextInt(5), f, c), events, tags, companies);
  }

  static void maybe(Random r, Runnable put) {
    if (r.nextInt(4) != 0) {
      put.run();
    }
  }

  static String str(Random r) {
    StringBuilder sb = new StringBuilder();
    int len = 1 + r.nextInt(4);
    for (int i = 0; i < len; i++) {
      sb.append(ALPHABET.charAt(r.nextInt(ALPHABET.length())));
    }
    return sb.toString();
  }

  static long boundaryLong(Random r) {
    return switch (r.nextInt(6)) {
      case 0 -> Long.MIN_VALUE;
      case 1 -> Long.MAX_VALUE;
      case 2 -> (1L << 32) + r.nextInt(3);
      default -> r.nextInt(7) - 3;
    };
  }

  public static Query randomQuery(Random r, List<ContactDocument> docs, int depth) {
    if (depth <= 1 || r.nextInt(3) == 0) {
      return randomFilter(r, docs);
    }
    List<Query> children = new ArrayList<>();
    int k = 1 + r.nextInt(3);
    for (int i = 0; i < k; i++) {
      children.add(randomQuery(r, docs, depth - 1));
    }
    Query g = new Query.Group(r.nextBoolean() ? Query.Logic.AND : Query.Logic.OR, children);
    // A negated group, as segment_id != / NIN expand to.
    return r.nextInt(5) == 0 ? new Query.Not(g) : g;
  }

  /**
   * A query exactly {@code depth} levels deep (groups of one or two), which the parser must accept.
   */
  public static Query deepQuery(Random r, List<ContactDocument> docs, int depth) {
    if (depth == 1) {
      return randomFilter(r, docs);
    }
    List<Query> children = new ArrayList<>();
    children.add(deepQuery(r, docs, depth - 1));
    if (r.nextBoolean()) {
      children.add(randomFilter(r, docs));
    }
    Query g = new Query.Group(r.nextBoolean() ? Query.Logic.AND : Query.Logic.OR, children);
    if (depth == QueryLimits.DEFAULTS.maxDepth()) {
      // The printed form parses back at the bound: the limit admits exactly what it says.
      assertEquals(g, PARSER.parse(QueryPrinter.print(g)));
    }
    return g;
  }

  public static Query randomFilter(Random r, List<ContactDocument> docs) {
    Field f = FIELDS.get(r.nextInt(FIELDS.size()));
    List<Operator> ops = new ArrayList<>();
    for (Operator o : Operator.values()) {
      if (allowed(f, o)) {
        ops.add(o);
      }
    }
    Operator op = ops.get(r.nextInt(ops.size()));
    if ((op == Operator.EQ || op == Operator.NE)
        && !(f instanceof Field.Members)
        && r.nextInt(6) == 0) {
      return new Query.Filter(f, op, List.of(), true);
    }
    int count = op.isList() ? 1 + r.nextInt(3) : 1;
    List<Object> values = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      values.add(value(r, f, op, docs));
    }
    return new Query.Filter(f, op, values, false);
  }

  static Object value(Random r, Field f, Operator op, List<ContactDocument> docs) {
    if (f instanceof Field.Members m) {
      // Mostly a member of the pool; sometimes one no contact has.
      List<Long> pool = m.kind() == Field.Members.Kind.TAG ? TAGS : COMPANIES;
      return r.nextInt(6) == 0 ? pool.get(0) + 1 : pool.get(r.nextInt(pool.size()));
    }
    if (r.nextInt(3) != 0) {
      ContactDocument d = docs.get(r.nextInt(docs.size()));
      Object v = ReferenceEvaluator.valueOf(f, d.contact(), d.events());
      if (v instanceof String s) {
        String cased = r.nextBoolean() ? s.toUpperCase(Locale.ROOT) : s;
        if (op.isText() && cased.length() > 1) {
          int a = r.nextInt(cased.length());
          int b = a + 1 + r.nextInt(cased.length() - a);
          cased =
              op == Operator.STARTS_WITH
                  ? cased.substring(0, b)
                  : op == Operator.ENDS_WITH ? cased.substring(a) : cased.substring(a, b);
        }
        return cased;
      }
      if (v != null) {
        return v;
      }
    }
    if (f instanceof Field.Id) {
      return docs.get(r.nextInt(docs.size())).contact().id() + r.nextInt(3) - 1;
    }
    return switch (f.type()) {
      case STRING -> str(r);
      case BOOLEAN -> r.nextBoolean();
      case INTEGER -> boundaryLong(r);
      case FLOAT -> (double) (r.nextInt(7) - 3);
      case DATE -> {
        if (r.nextInt(4) == 0) {
          long hours = r.nextInt(60);
          yield new RelativeTime(-hours * 3600, "now-" + hours + "h");
        }
        yield NOW - r.nextInt(200_000);
      }
    };
  }
}
