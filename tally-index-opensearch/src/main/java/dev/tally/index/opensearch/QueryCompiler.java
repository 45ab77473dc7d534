package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.index.IndexQueryCompiler;
import dev.tally.core.index.Wildcards;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.util.List;

/**
 * Compiles the query language to the OpenSearch query DSL with the reference evaluator's semantics,
 * clause for clause as the Lucene compiler does: a negation (!=, NIN, !~) is "not the positive", so
 * it also matches contacts without a value; events.X.count treats a contact that never did X as 0.
 * Ranges are sent as inclusive bounds computed here (as Lucene's point queries are), so exclusive
 * bounds on longs and doubles (-0.0 below 0.0) mean exactly what the evaluator means. Everything
 * runs in filter context: no scoring.
 */
final class QueryCompiler extends IndexQueryCompiler<ObjectNode> {

  QueryCompiler(long nowSeconds) {
    super(nowSeconds);
  }

  /** The query for live documents of one workspace that match {@code q}. */
  ObjectNode compile(long workspaceId, Query q) {
    return and(scope(workspaceId), node(q));
  }

  /** Live documents of one workspace. */
  static ObjectNode scope(long workspaceId) {
    ObjectNode bool = object();
    ArrayNode filter = bool.putObject("bool").putArray("filter");
    filter.add(term(Fields.WORKSPACE, Long.toString(workspaceId)));
    filter.add(term(Fields.LIVE, true));
    return bool;
  }

  @Override
  protected ObjectNode group(Query.Logic logic, List<ObjectNode> children) {
    if (children.isEmpty()) {
      return logic == Query.Logic.AND
          ? matchAll()
          : matchNone(); // as the reference evaluator: all() / any() of nothing
    }
    ObjectNode bool = object();
    ObjectNode inner = bool.putObject("bool");
    ArrayNode clauses = inner.putArray(logic == Query.Logic.AND ? "filter" : "should");
    children.forEach(clauses::add);
    if (logic == Query.Logic.OR) {
      inner.put("minimum_should_match", 1);
    }
    return bool;
  }

  @Override
  protected ObjectNode everything() {
    return matchAll();
  }

  @Override
  protected ObjectNode negate(ObjectNode q) {
    return not(q);
  }

  @Override
  protected ObjectNode either(ObjectNode a, ObjectNode b) {
    return or(a, b);
  }

  @Override
  protected ObjectNode hasValue(String path) {
    return has(path);
  }

  @Override
  protected ObjectNode ids(Operator op, List<Object> values) {
    return longs(Fields.ID, op, values);
  }

  @Override
  protected ObjectNode members(String path, Operator op, List<Object> values) {
    return longs(path, op, values);
  }

  @Override
  protected ObjectNode integers(String path, Operator op, List<Object> values) {
    return longs(Fields.number(path), op, values);
  }

  @Override
  protected ObjectNode floats(String path, Operator op, List<Object> values) {
    return doubles(Fields.decimal(path), op, values);
  }

  @Override
  protected ObjectNode bool(String path, boolean value) {
    return term(Fields.bool(path), value);
  }

  @Override
  protected ObjectNode strings(String path, Operator op, List<Object> values) {
    String field = Fields.keyword(path);
    String first = Fields.fold((String) values.get(0));
    return switch (op) {
      case EQ -> term(field, first);
      case IN -> {
        ObjectNode q = object();
        ArrayNode terms = q.putObject("terms").putArray(field);
        values.forEach(v -> terms.add(Fields.fold((String) v)));
        yield q;
      }
      case STARTS_WITH -> prefix(field, first);
      case ENDS_WITH -> prefix(Fields.reversed(path), Fields.reverse(first));
      case CONTAINS -> {
        ObjectNode q = object();
        q.putObject("wildcard").putObject(field).put("value", "*" + Wildcards.escape(first) + "*");
        yield q;
      }
      default -> throw new IllegalArgumentException(op + " on a string");
    };
  }

  private ObjectNode longs(String field, Operator op, List<Object> values) {
    return switch (op) {
      case EQ -> term(field, asLong(values.get(0)));
      case IN -> {
        ObjectNode q = object();
        ArrayNode terms = q.putObject("terms").putArray(field);
        values.forEach(v -> terms.add(asLong(v)));
        yield q;
      }
      case LT -> {
        long v = asLong(values.get(0));
        yield v == Long.MIN_VALUE ? matchNone() : range(field, Long.MIN_VALUE, v - 1);
      }
      case GT -> {
        long v = asLong(values.get(0));
        yield v == Long.MAX_VALUE ? matchNone() : range(field, v + 1, Long.MAX_VALUE);
      }
      case LE -> range(field, Long.MIN_VALUE, asLong(values.get(0)));
      case GE -> range(field, asLong(values.get(0)), Long.MAX_VALUE);
      default -> throw new IllegalArgumentException(op + " on a number");
    };
  }

  private ObjectNode doubles(String field, Operator op, List<Object> values) {
    double v = (Double) values.get(0);
    return switch (op) {
      case EQ -> term(field, v);
      case IN -> {
        ObjectNode q = object();
        ArrayNode terms = q.putObject("terms").putArray(field);
        values.forEach(x -> terms.add((Double) x));
        yield q;
      }
      case LT ->
          nextDown(v) == Double.NEGATIVE_INFINITY
              ? matchNone()
              : range(field, Double.NEGATIVE_INFINITY, nextDown(v));
      case GT ->
          nextUp(v) == Double.POSITIVE_INFINITY
              ? matchNone()
              : range(field, nextUp(v), Double.POSITIVE_INFINITY);
      case LE -> range(field, Double.NEGATIVE_INFINITY, v);
      case GE -> range(field, v, Double.POSITIVE_INFINITY);
      default -> throw new IllegalArgumentException(op + " on a float");
    };
  }

  /**
   * The next double in Lucene's point order, where -0.0 comes just before 0.0 (Math.nextUp skips
   * it).
   */
  static double nextUp(double d) {
    return Double.doubleToRawLongBits(d) == Long.MIN_VALUE ? 0.0 : Math.nextUp(d);
  }

  static double nextDown(double d) {
    return Double.doubleToRawLongBits(d) == 0L ? -0.0 : Math.nextDown(d);
  }

  static ObjectNode has(String path) {
    return term(Fields.HAS, path);
  }

  static ObjectNode term(String field, String value) {
    ObjectNode q = object();
    q.putObject("term").put(field, value);
    return q;
  }

  static ObjectNode term(String field, long value) {
    ObjectNode q = object();
    q.putObject("term").put(field, value);
    return q;
  }

  static ObjectNode term(String field, double value) {
    ObjectNode q = object();
    q.putObject("term").put(field, value);
    return q;
  }

  static ObjectNode term(String field, boolean value) {
    ObjectNode q = object();
    q.putObject("term").put(field, value);
    return q;
  }

  static ObjectNode range(String field, long from, long to) {
    ObjectNode q = object();
    q.putObject("range").putObject(field).put("gte", from).put("lte", to);
    return q;
  }

  static ObjectNode range(String field, double from, double to) {
    ObjectNode q = object();
    ObjectNode r = q.putObject("range").putObject(field);
    // Infinite bounds are left open: JSON has no infinity.
    if (from != Double.NEGATIVE_INFINITY) {
      r.put("gte", from);
    }
    if (to != Double.POSITIVE_INFINITY) {
      r.put("lte", to);
    }
    return q;
  }

  private static ObjectNode prefix(String field, String value) {
    ObjectNode q = object();
    q.putObject("prefix").putObject(field).put("value", value);
    return q;
  }

  static ObjectNode not(ObjectNode q) {
    ObjectNode bool = object();
    bool.putObject("bool").putArray("must_not").add(q);
    return bool;
  }

  static ObjectNode and(ObjectNode a, ObjectNode b) {
    ObjectNode bool = object();
    bool.putObject("bool").putArray("filter").add(a).add(b);
    return bool;
  }

  private static ObjectNode or(ObjectNode a, ObjectNode b) {
    ObjectNode bool = object();
    ObjectNode inner = bool.putObject("bool");
    inner.putArray("should").add(a).add(b);
    inner.put("minimum_should_match", 1);
    return bool;
  }

  static ObjectNode matchAll() {
    ObjectNode q = object();
    q.putObject("match_all");
    return q;
  }

  static ObjectNode matchNone() {
    ObjectNode q = object();
    q.putObject("match_none");
    return q;
  }

  private static ObjectNode object() {
    return OpenSearchHttp.JSON.createObjectNode();
  }
}
