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
