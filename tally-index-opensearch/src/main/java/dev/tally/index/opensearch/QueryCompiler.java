package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.util.List;

/**
 * Compiles the query language to the OpenSearch query DSL with the reference evaluator's
 * semantics, clause for clause as the Lucene compiler does: a negation (!=, NIN, !~) is "not the
 * positive", so it also matches contacts without a value; events.X.count treats a contact that
 * never did X as 0. Ranges are sent as inclusive bounds computed here (as Lucene's point queries
 * are), so exclusive bounds on longs and doubles (-0.0 below 0.0) mean exactly what the evaluator
 * means. Everything runs in filter context: no scoring.
 */
final class QueryCompiler {
  private final long now;

  QueryCompiler(long nowSeconds) {
    this.now = nowSeconds;
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

  private ObjectNode node(Query q) {
    return switch (q) {
      case Query.Group g -> {
        if (g.children().isEmpty()) {
          yield g.logic() == Query.Logic.AND ? matchAll() : matchNone(); // as the reference evaluator: all() / any() of nothing
        }
        ObjectNode bool = object();
        ObjectNode inner = bool.putObject("bool");
        ArrayNode clauses = inner.putArray(g.logic() == Query.Logic.AND ? "filter" : "should");
        for (Query child : g.children()) {
          clauses.add(node(child));
        }
        if (g.logic() == Query.Logic.OR) {
          inner.put("minimum_should_match", 1);
        }
        yield bool;
      }
      case Query.Filter f -> filter(f);
    };
  }

  private ObjectNode filter(Query.Filter f) {
    String path = f.field().path();
    if (f.isNull()) {
      // The id and an event count always have a value (a count is 0 for an event never done).
      boolean alwaysSet = f.field() instanceof Field.Id
          || (f.field() instanceof Field.EventMetric e && e.metric() == Field.EventMetric.Metric.COUNT);
      ObjectNode has = alwaysSet ? matchAll() : has(path);
      return f.operator() == Operator.EQ ? not(has) : has;
    }
    return switch (f.operator()) {
      case NE -> not(positive(f.field(), Operator.EQ, f.values()));
      case NIN -> not(positive(f.field(), Operator.IN, f.values()));
      case NOT_CONTAINS -> not(positive(f.field(), Operator.CONTAINS, f.values()));
      default -> positive(f.field(), f.operator(), f.values());
    };
  }

  private ObjectNode positive(Field field, Operator op, List<Object> values) {
    return switch (field) {
      case Field.Id id -> longs(Fields.ID, op, values);
      case Field.EventMetric e when e.metric() == Field.EventMetric.Metric.COUNT -> {
        // A contact that never did the event has count 0 and no indexed count.
        ObjectNode indexed = longs(Fields.number(field.path()), op, values);
        yield op.holds(0L, values, now) ? or(indexed, not(has(field.path()))) : indexed;
      }
      default -> switch (field.type()) {
        case STRING -> strings(field.path(), op, values);
        case INTEGER, DATE -> longs(Fields.number(field.path()), op, values);
        case FLOAT -> doubles(Fields.decimal(field.path()), op, values);
        case BOOLEAN -> term(Fields.bool(field.path()), (Boolean) values.get(0));
      };
    };
  }

  private ObjectNode strings(String path, Operator op, List<Object> values) {
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
        q.putObject("wildcard").putObject(field).put("value", "*" + escapeWildcard(first) + "*");
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
      case LT -> nextDown(v) == Double.NEGATIVE_INFINITY ? matchNone() : range(field, Double.NEGATIVE_INFINITY, nextDown(v));
      case GT -> nextUp(v) == Double.POSITIVE_INFINITY ? matchNone() : range(field, nextUp(v), Double.POSITIVE_INFINITY);
      case LE -> range(field, Double.NEGATIVE_INFINITY, v);
      case GE -> range(field, v, Double.POSITIVE_INFINITY);
      default -> throw new IllegalArgumentException(op + " on a float");
    };
  }

  /** The next double in Lucene's point order, where -0.0 comes just before 0.0 (Math.nextUp skips it). */
  static double nextUp(double d) {
    return Double.doubleToRawLongBits(d) == Long.MIN_VALUE ? 0.0 : Math.nextUp(d);
  }

  static double nextDown(double d) {
    return Double.doubleToRawLongBits(d) == 0L ? -0.0 : Math.nextDown(d);
  }

  private long asLong(Object v) {
    return Operator.asLong(v, now);
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
