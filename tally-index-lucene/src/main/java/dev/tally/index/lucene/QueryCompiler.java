package dev.tally.index.lucene;

import dev.tally.core.index.IndexQueryCompiler;
import dev.tally.core.index.Wildcards;
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
 * Compiles the query language to Lucene, with the reference evaluator's semantics: a negation (!=,
 * NIN, !~) is "not the positive", so it also matches contacts without a value; events.X.count
 * treats a contact that never did X as 0.
 */
final class QueryCompiler extends IndexQueryCompiler<org.apache.lucene.search.Query> {

  QueryCompiler(long nowSeconds) {
    super(nowSeconds);
  }

  /** The query for live documents of one workspace that match {@code q}. */
  org.apache.lucene.search.Query compile(long workspaceId, Query q) {
    return new BooleanQuery.Builder()
        .add(new TermQuery(new Term(Fields.WORKSPACE, Long.toString(workspaceId))), Occur.FILTER)
        .add(new TermQuery(new Term(Fields.LIVE, "1")), Occur.FILTER)
        .add(new ConstantScoreQuery(node(q)), Occur.FILTER)
        .build();
  }

  @Override
  protected org.apache.lucene.search.Query group(
      Query.Logic logic, List<org.apache.lucene.search.Query> children) {
    if (children.isEmpty()) {
      // As the reference evaluator: all() / any() of nothing. A BooleanQuery without clauses
      // matches nothing, so an empty AND (a broadcast without an audience) would reach no one.
      return logic == Query.Logic.AND ? new MatchAllDocsQuery() : new MatchNoDocsQuery();
    }
    BooleanQuery.Builder b = new BooleanQuery.Builder();
    Occur occur = logic == Query.Logic.AND ? Occur.FILTER : Occur.SHOULD;
    children.forEach(child -> b.add(child, occur));
    return b.build();
  }

  @Override
  protected org.apache.lucene.search.Query everything() {
    return new MatchAllDocsQuery();
  }

  @Override
  protected org.apache.lucene.search.Query ids(Operator op, List<Object> values) {
    return longs(Fields.ID, op, values);
  }

  @Override
  protected org.apache.lucene.search.Query members(String path, Operator op, List<Object> values) {
    return longs(path, op, values);
  }

  @Override
  protected org.apache.lucene.search.Query integers(String path, Operator op, List<Object> values) {
    return longs(Fields.number(path), op, values);
  }

  @Override
  protected org.apache.lucene.search.Query floats(String path, Operator op, List<Object> values) {
    return doubles(Fields.decimal(path), op, values);
  }

  @Override
  protected org.apache.lucene.search.Query bool(String path, boolean value) {
    return new TermQuery(new Term(Fields.bool(path), Boolean.toString(value)));
  }

  @Override
  protected org.apache.lucene.search.Query strings(String path, Operator op, List<Object> values) {
    String field = Fields.keyword(path);
    return switch (op) {
      case EQ -> new TermQuery(new Term(field, Fields.fold((String) values.get(0))));
      case IN -> {
        List<BytesRef> terms = new ArrayList<>();
        values.forEach(v -> terms.add(new BytesRef(Fields.fold((String) v))));
        yield new TermInSetQuery(field, terms);
      }
      case STARTS_WITH -> new PrefixQuery(new Term(field, Fields.fold((String) values.get(0))));
      case ENDS_WITH ->
          new PrefixQuery(
              new Term(Fields.reversed(path), Fields.reverse(Fields.fold((String) values.get(0)))));
      case CONTAINS ->
          new WildcardQuery(
              new Term(field, "*" + Wildcards.escape(Fields.fold((String) values.get(0))) + "*"));
      default -> throw new IllegalArgumentException(op + " on a string");
    };
  }

  private org.apache.lucene.search.Query longs(String field, Operator op, List<Object> values) {
    return switch (op) {
      case EQ -> LongPoint.newExactQuery(field, asLong(values.get(0)));
      case IN -> LongPoint.newSetQuery(field, values.stream().mapToLong(this::asLong).toArray());
      case LT -> {
        long v = asLong(values.get(0));
        yield v == Long.MIN_VALUE
            ? new MatchNoDocsQuery()
            : LongPoint.newRangeQuery(field, Long.MIN_VALUE, v - 1);
      }
      case GT -> {
        long v = asLong(values.get(0));
        yield v == Long.MAX_VALUE
            ? new MatchNoDocsQuery()
            : LongPoint.newRangeQuery(field, v + 1, Long.MAX_VALUE);
      }
      case LE -> LongPoint.newRangeQuery(field, Long.MIN_VALUE, asLong(values.get(0)));
      case GE -> LongPoint.newRangeQuery(field, asLong(values.get(0)), Long.MAX_VALUE);
      default -> throw new IllegalArgumentException(op + " on a number");
    };
  }

  private org.apache.lucene.search.Query doubles(String field, Operator op, List<Object> values) {
    return switch (op) {
      case EQ -> DoublePoint.newExactQuery(field, (Double) values.get(0));
      case IN ->
          DoublePoint.newSetQuery(field, values.stream().mapToDouble(v -> (Double) v).toArray());
      case LT ->
          DoublePoint.newRangeQuery(
              field, Double.NEGATIVE_INFINITY, DoublePoint.nextDown((Double) values.get(0)));
      case GT ->
          DoublePoint.newRangeQuery(
              field, DoublePoint.nextUp((Double) values.get(0)), Double.POSITIVE_INFINITY);
      case LE -> DoublePoint.newRangeQuery(field, Double.NEGATIVE_INFINITY, (Double) values.get(0));
      case GE -> DoublePoint.newRangeQuery(field, (Double) values.get(0), Double.POSITIVE_INFINITY);
      default -> throw new IllegalArgumentException(op + " on a float");
    };
  }

  @Override
  protected org.apache.lucene.search.Query hasValue(String path) {
    return new TermQuery(new Term(Fields.HAS, path));
  }

  @Override
  protected org.apache.lucene.search.Query negate(org.apache.lucene.search.Query q) {
    return new BooleanQuery.Builder()
        .add(new MatchAllDocsQuery(), Occur.FILTER)
        .add(q, Occur.MUST_NOT)
        .build();
  }

  @Override
  protected org.apache.lucene.search.Query either(
      org.apache.lucene.search.Query a, org.apache.lucene.search.Query b) {
    return new BooleanQuery.Builder().add(a, Occur.SHOULD).add(b, Occur.SHOULD).build();
  }
}
