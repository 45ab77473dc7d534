package dev.tally.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.Contact;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/**
 * tag_id's set semantics in the reference evaluator, and how a deleted tag is kept from matching.
 */
class MemberFiltersTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final QueryParser PARSER = new QueryParser(QueryLimits.DEFAULTS, name -> null);
  static final long BIG = (1L << 53) + 1; // a double would round it
  static final Contact C = new Contact(7, 1, 1, Map.of(), Map.of());

  static Query parse(String json) throws Exception {
    return PARSER.parse(JSON.readTree(json.replace('\'', '"')));
  }

  static boolean matches(String json, List<Long> tags) throws Exception {
    return ReferenceEvaluator.matches(parse(json), C, Map.of(), tags, 0);
  }

  @Test
  void tagIdIsASet() throws Exception {
    String eq = "{'field':'tag_id','operator':'=','value':'" + BIG + "'}";
    String ne = "{'field':'tag_id','operator':'!=','value':'" + BIG + "'}";
    String in = "{'field':'tag_id','operator':'IN','value':['5','" + BIG + "']}";
    String nin = "{'field':'tag_id','operator':'NIN','value':['5','" + BIG + "']}";
    assertTrue(matches(eq, List.of(3L, BIG)));
    assertFalse(matches(eq, List.of(BIG - 1)), "compared as 64-bit integers, not doubles");
    assertFalse(matches(ne, List.of(3L, BIG)));
    assertTrue(matches(ne, List.of()), "a contact without tags has none of them");
    assertTrue(matches(in, List.of(5L)));
    assertFalse(matches(in, List.of(6L)));
    assertFalse(matches(nin, List.of(6L, 5L)));
    assertTrue(matches(nin, List.of(6L)));
    assertFalse(ReferenceEvaluator.matches(parse(eq), C, Map.of(), 0), "without tags given, none");
  }

  @Test
  void aDeadTagMatchesAsNoTag() throws Exception {
    Query q =
        parse(
            "{'operator':'OR','value':[{'field':'tag_id','operator':'=','value':'5'},"
                + "{'field':'tag_id','operator':'NIN','value':['6','7']}]}");
    assertEquals(Set.of(5L, 6L, 7L), MemberFilters.ids(q, Field.Members.Kind.TAG));
    AtomicInteger asked = new AtomicInteger();
    Query live =
        MemberFilters.onlyLive(
            q,
            Field.Members.Kind.TAG,
            ids -> {
              asked.incrementAndGet();
              return Set.of(6L);
            });
    assertEquals(1, asked.get(), "one look-up for the whole query");
    // A contact that still carries deleted tags 5 and 7 (not yet re-projected):
    List<Long> stale = List.of(5L, 7L);
    assertTrue(ReferenceEvaluator.matches(q, C, Map.of(), List.of(5L), 0));
    assertFalse(
        ReferenceEvaluator.matches(live, C, Map.of(), List.of(5L, 6L), 0),
        "= deleted matches nothing; NIN [live 6, deleted 7] is NIN [6]");
    assertTrue(ReferenceEvaluator.matches(live, C, Map.of(), stale, 0));
    Query none = parse("{'field':'email','operator':'=','value':'a'}");
    assertSame(
        none,
        MemberFilters.onlyLive(none, Field.Members.Kind.TAG, ids -> Set.of()),
        "no tag, no look-up");
  }

  @Test
  void tagIdRoundTripsAsAString() throws Exception {
    Query q = parse("{'field':'tag_id','operator':'IN','value':['" + BIG + "', 12]}");
    assertEquals("\"" + BIG + "\"", QueryPrinter.print(q).get("value").get(0).toString());
    assertEquals(q, PARSER.parse(QueryPrinter.print(q)));
  }
}
