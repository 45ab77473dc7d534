package dev.tally.core.query;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.EventSummary;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ReferenceEvaluatorTest {
  static final Contact ANN =
      new Contact(
          9007199254740993L,
          1,
          1,
          Map.of(
              ContactField.EMAIL,
              "Ann@Example.com",
              ContactField.ROLE,
              "user",
              ContactField.CREATED_AT,
              1000L,
              ContactField.UNSUBSCRIBED_FROM_EMAILS,
              false),
          Map.of("plan", "Pro", "seats", 3L, "score", 2.5, "vip", true));
  static final Map<String, EventSummary> EVENTS =
      Map.of("bought", new EventSummary("bought", 2, 500, 900));

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "{'field':'email','operator':'=','value':'ann@example.COM'}            | true",
        "{'field':'email','operator':'~','value':'EXAMPLE'}                    | true",
        "{'field':'email','operator':'^','value':'ann@'}                       | true",
        "{'field':'email','operator':'$','value':'.org'}                       | false",
        "{'field':'name','operator':'!=','value':'Bob'}                        | true",
        "{'field':'name','operator':'=','value':'Bob'}                         | false",
        "{'field':'name','operator':'NIN','value':['Bob']}                     | true",
        "{'field':'name','operator':'!~','value':'o'}                          | true",
        "{'field':'name','operator':'~','value':'o'}                           | false",
        "{'field':'name','operator':'=','value':null}                          | true",
        "{'field':'email','operator':'!=','value':null}                        | true",
        "{'field':'created_at','operator':'<=','value':1000}                   | true",
        "{'field':'created_at','operator':'<','value':1000}                    | false",
        "{'field':'created_at','operator':'>','value':'now-1d'}                | false",
        "{'field':'custom_attributes.seats','operator':'IN','value':[1,3]}     | true",
        "{'field':'custom_attributes.score','operator':'>','value':2}          | true",
        "{'field':'custom_attributes.vip','operator':'=','value':'true'}       | true",
        "{'field':'custom_attributes.plan','operator':'=','value':'pro'}       | true",
        "{'field':'id','operator':'=','value':'9007199254740993'}              | true",
        "{'field':'id','operator':'=','value':'9007199254740992'}              | false",
        "{'field':'events.bought.count','operator':'=','value':2}              | true",
        "{'field':'events.never.count','operator':'=','value':0}               | true",
        "{'field':'events.never.first','operator':'>','value':0}               | false",
        "{'field':'events.bought.last','operator':'>=','value':900}            | true",
        "{'operator':'AND','value':[{'field':'role','operator':'=','value':'user'},{'operator':'OR','value':[{'field':'name','operator':'=','value':'x'},{'field':'unsubscribed_from_emails','operator':'=','value':false}]}]} | true",
      })
  void meansWhatItSays(String json, boolean expected) throws Exception {
    Query q = QueryParserTest.parse(json);
    assertEquals(expected, ReferenceEvaluator.matches(q, ANN, EVENTS, 100_000));
  }
}
