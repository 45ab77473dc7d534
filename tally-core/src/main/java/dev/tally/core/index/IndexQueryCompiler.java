package dev.tally.core.index;

import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.util.ArrayList;
import java.util.List;

/**
 * Translates the query language into an index's own queries, {@code Q}, with the reference
 * evaluator's semantics, written once for every index: a negation (!=, NIN, !~) is "not the
 * positive", so it also matches contacts without a value; {@code events.X.count} treats a contact
 * that never did X as 0; the id and an event count always have a value. Each index supplies the
 * primitives (how a term, a range or a negation is written in its layout).
 */
public abstract class IndexQueryCompiler<Q> {
  /** The time relative dates ("30 days ago") are resolved against, in epoch seconds. */
  protected final long now;

  protected IndexQueryCompiler(long nowSeconds) {
    this.now = nowSeconds;
  }

  /** The index's query for {@code q} (without the workspace and liveness scope). */
  public final Q node(Query q) {
    return switch (q) {
      case Query.Group g -> {
        List<Q> children = new ArrayList<>(g.children().size());
        g.children().forEach(child -> children.add(node(child)));
        yield group(g.logic(), children);
      }
      case Query.Not n -> negate(node(n.child()));
      case Query.Filter f -> filter(f);
    };
  }

  private Q filter(Query.Filter f) {
    if (f.isNull()) {
      boolean alwaysSet =
          f.field() instanceof Field.Id
              || (f.field() instanceof Field.EventMetric e
                  && e.metric() == Field.EventMetric.Metric.COUNT);
      Q has = alwaysSet ? everything() : hasValue(f.field().path());
      return f.operator() == Operator.EQ ? negate(has) : has;
    }
    return switch (f.operator()) {
      case NE -> negate(positive(f.field(), Operator.EQ, f.values()));
      case NIN -> negate(positive(f.field(), Operator.IN, f.values()));
      case NOT_CONTAINS -> negate(positive(f.field(), Operator.CONTAINS, f.values()));
      default -> positive(f.field(), f.operator(), f.values());
    };
  }

  private Q positive(Field field, Operator op, List<Object> values) {
    return switch (field) {
      case Field.Id id -> ids(op, values);
      case Field.Members m -> members(m.path(), op, values);
      case Field.EventMetric e when e.metric() == Field.EventMetric.Metric.COUNT -> {
        // A contact that never did the event has count 0 and no indexed count.
        Q indexed = integers(field.path(), op, values);
        yield op.holds(0L, values, now) ? either(indexed, negate(hasValue(field.path()))) : indexed;
      }
      default ->
          switch (field.type()) {
            case STRING -> strings(field.path(), op, values);
            case INTEGER, DATE -> integers(field.path(), op, values);
            case FLOAT -> floats(field.path(), op, values);
            case BOOLEAN -> bool(field.path(), (Boolean) values.get(0));
          };
    };
  }

  /** A whole-number operand: a Long, or a relative time resolved at {@link #now}. */
  protected final long asLong(Object value) {
    return Operator.asLong(value, now);
  }

  /**
   * An AND (every child) or OR (any child) of translated children; of none, as the reference
   * evaluator: all / nothing.
   */
  protected abstract Q group(Query.Logic logic, List<Q> children);

  protected abstract Q everything();

  protected abstract Q negate(Q q);

  protected abstract Q either(Q a, Q b);

  /** Contacts that have a value at {@code path}. */
  protected abstract Q hasValue(String path);

  /** A positive operator (=, IN, ~, ^, $) on a string at {@code path}. */
  protected abstract Q strings(String path, Operator op, List<Object> values);

  /**
   * A positive operator (= or IN) on one of the contact's id sets at {@code path} (tag_id,
   * company_id): it has (one of) the id(s).
   */
  protected abstract Q members(String path, Operator op, List<Object> values);

  /** A positive operator on the contact id. */
  protected abstract Q ids(Operator op, List<Object> values);

  /** A positive operator on a whole number or date at {@code path}. */
  protected abstract Q integers(String path, Operator op, List<Object> values);

  /** A positive operator on a float at {@code path}. */
  protected abstract Q floats(String path, Operator op, List<Object> values);

  protected abstract Q bool(String path, boolean value);
}
