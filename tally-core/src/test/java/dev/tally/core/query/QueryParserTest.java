package dev.tally.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.model.FieldType;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class QueryParserTest {
  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, FieldType> ATTRS =
      Map.of(
          "plan",
          FieldType.STRING,
          "seats",
          FieldType.INTEGER,
          "score",
          FieldType.FLOAT,
          "vip",
          FieldType.BOOLEAN,
          "renew_at",
          FieldType.DATE);
  static final QueryParser PARSER = new QueryParser(QueryLimits.DEFAULTS, ATTRS::get);

  static Query parse(String json) throws Exception {
    return PARSER.parse(JSON.readTree(json.replace('\'', '"')));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "[]                                                                   | query",
        "{'field':'email'}                                                    | query.operator",
        "{'field':'email','operator':'=='  ,'value':'a'}                      | query.operator",
        "{'field':'emial','operator':'=','value':'a'}                         | query.field",
        "{'field':5,'operator':'=','value':'a'}                               | query.field",
        "{'field':'email','operator':'='}                                     | query.value",
        "{'field':'email','operator':'=','value':5}                           | query.value",
        "{'field':'email','operator':'<','value':'a'}                         | query.operator",
        "{'field':'email','operator':'~','value':''}                          | query.value",
        "{'field':'email','operator':'IN','value':'a'}                        | query.value",
        "{'field':'email','operator':'IN','value':[]}                         | query.value",
        "{'field':'email','operator':'IN','value':['a',5]}                    | query.value[1]",
        "{'field':'email','operator':'~','value':null}                        | query.value",
        "{'field':'created_at','operator':'~','value':'1'}                    | query.operator",
        "{'field':'created_at','operator':'>','value':'yesterday'}            | query.value",
        "{'field':'created_at','operator':'>','value':'now-7x'}               | query.value",
        "{'field':'custom_attributes.nope','operator':'=','value':'a'}        | query.field",
        "{'field':'custom_attributes.seats','operator':'=','value':1.5}       | query.value",
        "{'field':'custom_attributes.vip','operator':'>','value':true}        | query.operator",
        "{'field':'custom_attributes.score','operator':'=','value':'high'}    | query.value",
        "{'field':'events.bought.total','operator':'>','value':1}             | query.field",
        "{'field':'id','operator':'~','value':'1'}                            | query.operator",
        "{'field':'tag_id','operator':'<','value':'1'}                        | query.operator",
        "{'field':'tag_id','operator':'~','value':'1'}                        | query.operator",
        "{'field':'tag_id','operator':'=','value':null}                       | query.value",
        "{'field':'tag_id','operator':'=','value':'vip'}                      | query.value",
        "{'field':'tag_id','operator':'=','value':'0'}                        | query.value",
        "{'field':'tag_id','operator':'NIN','value':['1','x']}                | query.value[1]",
        "{'field':'id','operator':'=','value':'abc'}                          | query.value",
        "{'field':'email','operator':'=','value':'a','extra':1}               | query.extra",
        "{'operator':'AND'}                                                   | query.value",
        "{'operator':'AND','value':[]}                                        | query.value",
        "{'operator':'AND','value':{}}                                        | query.value",
        "{'operator':'OR','value':[{'field':'email','operator':'=','value':'a'},{'field':'role','operator':'=','value':'user'},{'field':'x','operator':'=','value':1}]} | query.value[2].field",
        "{'operator':'AND','value':[{'operator':'OR','value':[{'field':'role','operator':'nope','value':'user'}]}]} | query.value[0].value[0].operator",
      })
  void badQueriesNameThePathOfTheBadNode(String json, String path) {
    TallyException e = assertThrows(TallyException.class, () -> parse(json));
    assertEquals(TallyException.Kind.BAD_REQUEST, e.kind());
    assertEquals(path, e.field(), e.getMessage());
    assertTrue(e.getMessage().length() > 15, e.getMessage());
  }

  @Test
  void limitsAreNamedWhenExceeded() {
    String leaf = "{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"}";
    String deep = leaf;
    for (int i = 0; i < 10; i++) {
      deep = "{\"operator\":\"AND\",\"value\":[" + deep + "]}";
    }
    String finalDeep = deep;
    TallyException e =
        assertThrows(TallyException.class, () -> PARSER.parse(JSON.readTree(finalDeep)));
    assertTrue(e.getMessage().contains("limit of 10"), e.getMessage());
    String wide =
        "{\"operator\":\"OR\",\"value\":["
            + String.join(",", java.util.Collections.nCopies(101, leaf))
            + "]}";
    e = assertThrows(TallyException.class, () -> PARSER.parse(JSON.readTree(wide)));
    assertTrue(e.getMessage().contains("limit per group is 100"), e.getMessage());
  }

  /** groups × perGroup leaves, each {@code leaf}, under one OR of ANDs. */
  static String orOfAnds(int groups, int perGroup, String leaf) {
    String and =
        "{\"operator\":\"AND\",\"value\":["
            + String.join(",", java.util.Collections.nCopies(perGroup, leaf))
            + "]}";
    return "{\"operator\":\"OR\",\"value\":["
        + String.join(",", java.util.Collections.nCopies(groups, and))
        + "]}";
  }

  @Test
  void theCostOfAWholeQueryIsBoundedBeforeTheIndexSeesIt() throws Exception {
    // Issue 11 finding 1: 10 OR groups of 100 ~ filters, each group within the limits, burned
    // 10-22 s of CPU in the index. Now the whole query's filters, patterns and values are counted.
    String contains = "{\"field\":\"email\",\"operator\":\"~\",\"value\":\"abc\"}";
    TallyException e =
        assertThrows(
            TallyException.class, () -> PARSER.parse(JSON.readTree(orOfAnds(10, 100, contains))));
    assertEquals("query.value[0].value[20]", e.field());
    assertTrue(e.getMessage().contains("more than 20 ~, !~, ^ and $ filters"), e.getMessage());

    String equals = "{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a@x.io\"}";
    e =
        assertThrows(
            TallyException.class, () -> PARSER.parse(JSON.readTree(orOfAnds(10, 100, equals))));
    assertEquals("query.value[1].value[0]", e.field());
    assertTrue(e.getMessage().contains("more than 100 filters"), e.getMessage());

    String in =
        "{\"field\":\"email\",\"operator\":\"IN\",\"value\":["
            + String.join(",", java.util.Collections.nCopies(1000, "\"a@x.io\""))
            + "]}";
    e = assertThrows(TallyException.class, () -> PARSER.parse(JSON.readTree(orOfAnds(1, 11, in))));
    assertEquals("query.value[0].value[10].value", e.field());
    assertTrue(e.getMessage().contains("more than 10000 values"), e.getMessage());

    // At the limits, a query parses.
    PARSER.parse(JSON.readTree(orOfAnds(1, 20, contains)));
    PARSER.parse(JSON.readTree(orOfAnds(1, 100, equals)));
    PARSER.parse(JSON.readTree(orOfAnds(1, 10, in)));
  }

  @Test
  void aPatternPastTheLimitIsRefusedBeforeItsValueIsRead() throws Exception {
    // 3,000 !~ filters burned 6 s before their 400; the 21st is refused now, whatever follows.
    QueryParser tight = new QueryParser(new QueryLimits(10, 100, 1000, 100, 2, 10_000), ATTRS::get);
    String bad = "{\"field\":\"email\",\"operator\":\"!~\",\"value\":[1,2,3]}";
    String ok = "{\"field\":\"email\",\"operator\":\"!~\",\"value\":\"x\"}";
    String q = "{\"operator\":\"AND\",\"value\":[" + ok + "," + ok + "," + bad + "]}";
    TallyException e = assertThrows(TallyException.class, () -> tight.parse(JSON.readTree(q)));
    assertEquals("query.value[2]", e.field());
  }

  @Test
  void valuesAreTypedByTheirField() throws Exception {
    Query.Filter f =
        (Query.Filter) parse("{'field':'created_at','operator':'>','value':'1306054154'}");
    assertEquals(1306054154L, f.value());
    f = (Query.Filter) parse("{'field':'last_seen_at','operator':'<','value':'now-7d'}");
    assertEquals(new RelativeTime(-7 * 86400, "now-7d"), f.value());
    f = (Query.Filter) parse("{'field':'custom_attributes.score','operator':'>=','value':2}");
    assertEquals(2.0, f.value());
    f = (Query.Filter) parse("{'field':'id','operator':'IN','value':['9007199254740993', 5]}");
    assertEquals(java.util.List.of(9007199254740993L, 5L), f.values());
    f = (Query.Filter) parse("{'field':'events.bought.count','operator':'>','value':2}");
    assertEquals(new Field.EventMetric("bought", Field.EventMetric.Metric.COUNT), f.field());
    f = (Query.Filter) parse("{'field':'location.city','operator':'=','value':null}");
    assertTrue(f.isNull());
  }

  /** segment_id's operator is checked before anything else: a missing one is a 400, never a 500. */
  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'field':'segment_id','value':'NaN'}                   | query.operator",
        "{'field':'segment_id','operator':null,'value':'1'}     | query.operator",
        "{'field':'segment_id','operator':'~','value':'1'}      | query.operator",
        "{'field':'segment_id','operator':'!=','value':'99'}    | query.value",
        "{'field':'segment_id','operator':'NIN','value':[]}     | query.value"
      })
  void segmentIdMistakesNameTheirPath(String json, String path) throws Exception {
    QueryParser withSegments = new QueryParser(QueryLimits.DEFAULTS, ATTRS::get, id -> null);
    dev.tally.core.TallyException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            dev.tally.core.TallyException.class,
            () -> withSegments.parse(JSON.readTree(json.replace('\'', '"'))));
    assertEquals(path, e.field());
    assertEquals(400, e.kind().status);
  }
}
