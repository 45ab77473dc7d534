package dev.tally.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Parse → print → parse round-trips (T10), and a fuzz of the parser: any JSON gets a 400 or a
 * query, nothing else.
 */
class QueryProperties {
  static final ObjectMapper JSON = new ObjectMapper();
  static final JsonNodeFactory F = JsonNodeFactory.instance;

  @Provide
  Arbitrary<Query> queries() {
    return QueryGenerators.queries(4);
  }

  @Property(tries = 500)
  void printedQueriesParseBackToThemselves(@ForAll("queries") Query q) {
    JsonNode printed = QueryPrinter.print(q);
    Query again = QueryParserTest.PARSER.parse(printed);
    assertEquals(q, again, printed.toString());
  }

  static final QueryLimits TIGHT = new QueryLimits(3, 4, 3, 6, 2, 8);
  static final QueryParser TIGHT_PARSER = new QueryParser(TIGHT, QueryParserTest.ATTRS::get);

  /**
   * T10 with the cost limits (issue 11): under limits small enough for random queries to cross, a
   * query either parses within every limit or is refused with a 400 naming a query path.
   */
  private static void withinTheLimitsOrRefused(Query q) {
    JsonNode printed = QueryPrinter.print(q);
    try {
      Query parsed = TIGHT_PARSER.parse(printed);
      int[] cost = cost(parsed, 1);
      assertEquals(true, cost[0] <= TIGHT.maxFilters(), "filters " + cost[0] + " in " + printed);
      assertEquals(true, cost[1] <= TIGHT.maxPatterns(), "patterns " + cost[1] + " in " + printed);
      assertEquals(true, cost[2] <= TIGHT.maxValues(), "values " + cost[2] + " in " + printed);
      assertEquals(true, cost[3] <= TIGHT.maxDepth(), "depth " + cost[3] + " in " + printed);
      net.jqwik.api.statistics.Statistics.collect("parsed");
    } catch (TallyException e) {
      net.jqwik.api.statistics.Statistics.collect("refused");
      assertEquals(TallyException.Kind.BAD_REQUEST, e.kind(), e.getMessage());
      assertEquals(true, e.field() != null && e.field().startsWith("query"), e.getMessage());
      assertEquals(true, e.getMessage().contains("limit"), e.getMessage());
    }
  }

  @Property(tries = 1000)
  @net.jqwik.api.statistics.StatisticsReport(format = net.jqwik.api.statistics.Histogram.class)
  void everyParsedQueryIsWithinTheLimitsAndEveryOtherIsANamedFourHundred(
      @ForAll("queries") Query q) {
    withinTheLimitsOrRefused(q);
    net.jqwik.api.statistics.Statistics.coverage(
        c -> {
          c.check("parsed").count(n -> n > 0);
          c.check("refused").count(n -> n > 0);
        });
  }

  /** Filters, patterns, values and depth of a parsed query. */
  private static int[] cost(Query q, int depth) {
    if (q instanceof Query.Filter f) {
      return new int[] {
        1, f.operator().isText() ? 1 : 0, f.isNull() ? 0 : f.values().size(), depth
      };
    }
    int[] sum = {0, 0, 0, depth};
    for (Query c : ((Query.Group) q).children()) {
      int[] x = cost(c, depth + 1);
      sum[0] += x[0];
      sum[1] += x[1];
      sum[2] += x[2];
      sum[3] = Math.max(sum[3], x[3]);
    }
    return sum;
  }

  @Provide
  Arbitrary<JsonNode> junk() {
    Arbitrary<JsonNode> scalars =
        Arbitraries.oneOf(
            Arbitraries.strings().ofMaxLength(12).map(F::textNode),
            Arbitraries.of(
                    "=",
                    "!=",
                    "IN",
                    "NIN",
                    "<",
                    ">",
                    "<=",
                    ">=",
                    "~",
                    "!~",
                    "^",
                    "$",
                    "AND",
                    "OR",
                    "email",
                    "id",
                    "role",
                    "created_at",
                    "custom_attributes.seats",
                    "custom_attributes.",
                    "events.x.count",
                    "events..count",
                    "now-1d",
                    "now+",
                    "\u0000",
                    "\uD83D\uDE00",
                    "9223372036854775808")
                .map(F::textNode),
            Arbitraries.longs().map(F::numberNode),
            Arbitraries.doubles().map(F::numberNode),
            Arbitraries.of(
                F.nullNode(),
                F.booleanNode(true),
                F.numberNode(new java.math.BigInteger("123456789012345678901234567890"))));
    return Arbitraries.recursive(() -> scalars, this::container, 5);
  }

  private Arbitrary<JsonNode> container(Arbitrary<JsonNode> inner) {
    Arbitrary<JsonNode> array =
        inner
            .list()
            .ofMaxSize(4)
            .map(
                l -> {
                  ArrayNode a = F.arrayNode();
                  l.forEach(a::add);
                  return a;
                });
    Arbitrary<JsonNode> object =
        Arbitraries.maps(Arbitraries.of("field", "operator", "value", "x"), inner)
            .ofMaxSize(4)
            .map(
                m -> {
                  ObjectNode o = F.objectNode();
                  m.forEach(o::set);
                  return o;
                });
    return Arbitraries.oneOf(array, object, object);
  }

  @Property(tries = 2000)
  void anyJsonIsAQueryOrANamedFourHundred(@ForAll("junk") JsonNode node) {
    try {
      Query q = QueryParserTest.PARSER.parse(node);
      assertEquals(q, QueryParserTest.PARSER.parse(QueryPrinter.print(q)));
    } catch (TallyException e) {
      assertEquals(TallyException.Kind.BAD_REQUEST, e.kind(), e.getMessage());
      assertEquals(
          true,
          e.field() != null && e.field().startsWith("query"),
          "no path in: " + e.getMessage());
    }
  }
}
