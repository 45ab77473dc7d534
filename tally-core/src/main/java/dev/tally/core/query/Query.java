package dev.tally.core.query;

import java.util.List;

/**
 * The one query language of search, segments and final checks, parsed once into this AST.
 * Evaluators: {@link ReferenceEvaluator} over one document; index compilers in the index modules.
 */
public sealed interface Query {

  enum Logic {
    AND,
    OR
  }

  record Group(Logic logic, List<Query> children) implements Query {
    public Group {
      children = List.copyOf(children);
    }
  }

  /**
   * Contacts the child does not match. Not written in the language: {@code segment_id != X} and
   * {@code NIN} become it (not in the segment), so every evaluator negates a whole query the same
   * way it negates a filter.
   */
  record Not(Query child) implements Query {}

  /**
   * One comparison. {@code values} holds the operand(s), typed for the field: String, Long (ids,
   * integers, dates), Double, Boolean or {@link RelativeTime}; empty with {@code isNull} for "has
   * no value" (= null) and "has a value" (!= null).
   */
  record Filter(Field field, Operator operator, List<Object> values, boolean isNull)
      implements Query {
    public Filter {
      values = List.copyOf(values);
    }

    public Object value() {
      return values.isEmpty() ? null : values.get(0);
    }
  }
}
