package dev.tally.index.lucene;

import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.util.ArrayList;
import java.util.List;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.index.Term;
import org.apache.lucene.search.BooleanClause.Occur;
import org.apache.lucene.search.BooleanQuery;
import org.apache.lucene.search.ConstantScoreQuery;
import org.apache.lucene.search.MatchAllDocsQuery;
import org.apache.lucene.search.MatchNoDocsQuery;
import org.apache.lucene.search.PrefixQuery;
import org.apache.lucene.search.TermInSetQuery;
import org.apache.lucene.search.TermQuery;
import org.apache.lucene.search.WildcardQuery;
import org.apache.lucene.util.BytesRef;

/**
 * Compiles the query language to Lucene, with the reference evaluator's semantics: a negation
 * (!=, NIN, !~) is "not the positive", so it also matches contacts without a value; events.X.count
 * treats a contact that never did X as 0.
 */
final class QueryCompiler {
  private final long now;

  QueryCompiler(long nowSeconds) {
    this.now = nowSeconds;
  }

  /** The query for live documents of one workspace that match {@code q}. */
  org.apache.lucene.search.Query compile(long workspaceId, Query q) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(Fields.WORKSPACE, Long.toString(workspaceId))), Occur.FILTER)
        .add(new TermQuery(new Term(Fields.LIVE, "1")), Occur.FILTER)
        .add(new ConstantScoreQuery(node(q)), Occur.FILTER)
        .build();
  }

  private org.apache.lucene.search.Query node(Query q) {
    return switch (q) {
      case Query.Group g -> {
        BooleanQuery.Builder b = new BooleanQuery.Builder();
        Occur occur = g.logic() == Query.Logic.AND ? Occur.FILTER : Occur.SHOULD;
        for (Query child : g.children()) {
          b.add(node(child), occur);
        }
        yield b.build();
      }
      case Query.Filter f -> filter(f);
    };
  }

  private org.apache.lucene.search.Query filter(Query.Filter f) {
    String path = f.field().path();
    if (f.isNull()) {
      // The id and an event count always have a value (a count is 0 for an event never done).
      boolean alwaysSet = f.field() instanceof Field.Id
          || (f.field() instanceof Field.EventMetric e && e.metric() == Field.EventMetric.Metric.COUNT);
      org.apache.lucene.search.Query has = alwaysSet ? new MatchAllDocsQuery() : has(path);
      return f.operator() == Operator.EQ ? not(has) : has;
    }
    return switch (f.operator()) {
      case NE -> not(positive(f.field(), Operator.EQ, f.values()));
      case NIN -> not(positive(f.field(), Operator.IN, f.values()));
      case NOT_CONTAINS -> not(positive(f.field(), Operator.CONTAINS, f.values()));
      default -> positive(f.field(), f.operator(), f.values());
    };
  }

  private org.apache.lucene.search.Query positive(Field field, Operator op, List<Object> values) {
    org.apache.lucene.search.Query q = switch (field) {
      case Field.Id id -> longs(Fields.ID, op, values);
      case Field.EventMetric e when e.metric() == Field.EventMetric.Metric.COUNT -> {
        // A contact that never did the event has count 0 and no indexed count.
        org.apache.lucene.search.Query indexed = longs(Fields.number(field.path()), op, values);
        yield op.holds(0L, values, now) ? or(indexed, not(has(field.path()))) : indexed;
      }
      default -> switch (field.type()) {
        case STRING -> strings(field.path(), op, values);
        case INTEGER, DATE -> longs(Fields.number(field.path()), op, values);
        case FLOAT -> doubles(Fields.decimal(field.path()), op, values);
        case BOOLEAN -> new TermQuery(new Term(Fields.bool(field.path()), values.get(0).toString()));
      };
    };
    return q;
  }

  private org.apache.lucene.search.Query strings(String path, Operator op, List<Object> values) {
    String field = Fields.keyword(path);
    return switch (op) {
      case EQ -> new TermQuery(new Term(field, Fields.fold((String) values.get(0))));
      case IN -> {
        List<BytesRef> terms = new ArrayList<>();
        values.forEach(v -> terms.add(new BytesRef(Fields.fold((String) v))));
        yield new TermInSetQuery(field, terms);
      }
      case STARTS_WITH -> new PrefixQuery(new Term(field, Fields.fold((String) values.get(0))));
      case ENDS_WITH -> new PrefixQuery(new Term(Fields.reversed(path), Fields.reverse(Fields.fold((String) values.get(0)))));
      case CONTAINS -> new WildcardQuery(new Term(field, "*" + escapeWildcard(Fields.fold((String) values.get(0))) + "*"));
      default -> throw new IllegalArgumentException(op + " on a string");
    };
  }

  private org.apache.lucene.search.Query longs(String field, Operator op, List<Object> values) {
    return switch (op) {
      case EQ -> LongPoint.newExactQuery(field, asLong(values.get(0)));
      case IN -> LongPoint.newSetQuery(field, values.stream().mapToLong(this::asLong).toArray());
      case LT -> {
        long v = asLong(values.get(0));
        yield v == Long.MIN_VALUE ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(field, Long.MIN_VALUE, v - 1);
      }
      case GT -> {
        long v = asLong(values.get(0));
        yield v == Long.MAX_VALUE ? new MatchNoDocsQuery() : LongPoint.newRangeQuery(field, v + 1, Long.MAX_VALUE);
      }
      case LE -> LongPoint.newRangeQuery(field, Long.MIN_VALUE, asLong(values.get(0)));
      case GE -> LongPoint.newRangeQuery(field, asLong(values.get(0)), Long.MAX_VALUE);
      default -> throw new IllegalArgumentException(op + " on a number");
    };
  }

  private org.apache.lucene.search.Query doubles(String field, Operator op, List<Object> values) {
    return switch (op) {
      case EQ -> DoublePoint.newExactQuery(field, (Double) values.get(0));
      case IN -> DoublePoint.newSetQuery(field, values.stream().mapToDouble(v -> (Double) v).toArray());
      case LT -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, DoublePoint.nextDown((Double) values.get(0)));
      case GT -> DoublePoint.newRangeQuery(field, DoublePoint.nextUp((Double) values.get(0)), Double.POSITIVE_INFINITY);
      case LE -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, (Double) values.get(0));
      case GE -> DoublePoint.newRangeQuery(field, (Double) values.get(0), Double.POSITIVE_INFINITY);
      default -> throw new IllegalArgumentException(op + " on a float");
    };
  }

  private long asLong(Object v) {
    return Operator.asLong(v, now);
  }

  private static org.apache.lucene.search.Query has(String path) {
    return new TermQuery(new Term(Fields.HAS, path));
  }

  private static org.apache.lucene.search.Query not(org.apache.lucene.search.Query q) {
    return new BooleanQuery.Builder().add(new MatchAllDocsQuery(), Occur.FILTER).add(q, Occur.MUST_NOT).build();
  }

  private static org.apache.lucene.search.Query or(org.apache.lucene.search.Query a, org.apache.lucene.search.Query b) {
    return new BooleanQuery.Builder().add(a, Occur.SHOULD).add(b, Occur.SHOULD).build();
  }

  private static String escapeWildcard(String s) {
    StringBuilder sb = new StringBuilder(s.length() + 4);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '*' || c == '?' || c == '\\') {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }
}
