package dev.tally.core.query;

import dev.tally.core.model.ContactField;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;

/**
 * Random well-formed queries over the fields of {@link QueryParserTest#ATTRS}: every operator ×
 * field type.
 */
final class QueryGenerators {
  private QueryGenerators() {}

  static Arbitrary<Field> fields() {
    List<Field> all = new ArrayList<>();
    all.add(new Field.Id());
    all.add(Field.Members.TAGS);
    all.add(Field.Members.COMPANIES);
    for (ContactField f : ContactField.values()) {
      all.add(new Field.Standard(f));
    }
    QueryParserTest.ATTRS.forEach((k, v) -> all.add(new Field.Custom(k, v)));
    for (Field.EventMetric.Metric m : Field.EventMetric.Metric.values()) {
      all.add(new Field.EventMetric("bought", m));
    }
    return Arbitraries.of(all);
  }

  static Arbitrary<Object> values(Field f) {
    if (f instanceof Field.Id || f instanceof Field.Members) {
      return Arbitraries.longs().between(1, Long.MAX_VALUE).map(v -> v);
    }
    return switch (f.type()) {
      case STRING ->
          Arbitraries.strings()
              .ofMinLength(1)
              .ofMaxLength(6)
              .withChars("aAbBé\u0130ß1@. ")
              .map(v -> v);
      case BOOLEAN -> Arbitraries.of(true, false).map(v -> v);
      case INTEGER ->
          Arbitraries.oneOf(
                  Arbitraries.longs(), Arbitraries.of(Long.MIN_VALUE, Long.MAX_VALUE, 0L, 1L << 32))
              .map(v -> v);
      case FLOAT -> Arbitraries.doubles().between(-1e6, 1e6).map(v -> v);
      case DATE ->
          Arbitraries.oneOf(
              Arbitraries.longs().between(0, 4_000_000_000L).map(v -> (Object) v),
              Arbitraries.of(
                      new RelativeTime(-86400, "now-1d"),
                      new RelativeTime(3600, "now+1h"),
                      new RelativeTime(0, "now"))
                  .map(v -> v));
    };
  }

  static Arbitrary<Query> filters() {
    return fields()
        .flatMap(
            f -> {
              List<Operator> ops = new ArrayList<>();
              for (Operator o : Operator.values()) {
                if (allowed(f, o)) {
                  ops.add(o);
                }
              }
              return Arbitraries.of(ops)
                  .flatMap(
                      op -> {
                        if (op.isList()) {
                          return values(f)
                              .list()
                              .ofMinSize(1)
                              .ofMaxSize(4)
                              .map(vs -> (Query) new Query.Filter(f, op, vs, false));
                        }
                        Arbitrary<Query> plain =
                            values(f).map(v -> new Query.Filter(f, op, List.of(v), false));
                        if ((op == Operator.EQ || op == Operator.NE)
                            && !(f instanceof Field.Members)) {
                          return Arbitraries.frequencyOf(
                              net.jqwik.api.Tuple.of(5, plain),
                              net.jqwik.api.Tuple.of(
                                  1, Arbitraries.just(new Query.Filter(f, op, List.of(), true))));
                        }
                        return plain;
                      });
            });
  }

  static boolean allowed(Field f, Operator o) {
    return dev.tally.core.query.QueryParser.allows(f, o);
  }

  static Arbitrary<Query> queries(int depth) {
    if (depth <= 1) {
      return filters();
    }
    Arbitrary<Query> group =
        Combinators.combine(
                Arbitraries.of(Query.Logic.class),
                queries(depth - 1).list().ofMinSize(1).ofMaxSize(4))
            .as((l, c) -> (Query) new Query.Group(l, c));
    return Arbitraries.frequencyOf(
        net.jqwik.api.Tuple.of(2, filters()), net.jqwik.api.Tuple.of(1, group));
  }
}
