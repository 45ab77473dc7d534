package dev.tally.core.messaging;

import static dev.tally.core.messaging.Fixtures.json;
import static dev.tally.core.messaging.Fixtures.parse;
import static dev.tally.core.messaging.Fixtures.valid;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import java.net.URI;
import java.time.Duration;
import java.time.LocalTime;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CampaignDefinitionTest {

  static final String HOOK =
      "{'send':{'channel':'webhook','url':'https://example.com/h','secret':'s','body':'Hi'}}";
  static final String MAIL =
      "{'send':{'channel':'email','from':'team@example.com','subject':'Hello {{name}}',"
          + "'body':'Dear {{ name }}, your plan is {{custom_attributes.plan}}'}}";

  @Test
  void aFullDefinitionParsesToWhatItSays() {
    ObjectNode body = valid();
    body.set("trigger", json("{'type':'segment_entry','segment_id':'4294967297'}"));
    body.set("audience", json("{'field':'custom_attributes.plan','operator':'=','value':'pro'}"));
    body.set(
        "steps",
        json(
            "[{'wait':'30m'},{'exit_when':{'field':'custom_attributes.seats','operator':'>','value':5}},"
                + MAIL
                + ",{'wait':'1w'},"
                + HOOK
                + "]"));
    body.put("expires_after", "48h");
    body.set("frequency_cap", json("{'max':2,'per':'7d'}"));
    body.set("quiet_hours", json("{'start':'21:00','end':'08:00'}"));
    body.put("subscription_type_id", "4294967299");

    CampaignDefinition d = parse(body);

    assertEquals("Welcome", d.name());
    assertEquals(new Trigger.SegmentEntry(4294967297L), d.trigger());
    assertEquals(5, d.steps().size());
    assertEquals(new Step.Wait(Duration.ofMinutes(30)), d.steps().get(0));
    Message.Email mail = (Message.Email) ((Step.Send) d.steps().get(2)).message();
    assertEquals("team@example.com", mail.from());
    assertEquals("Hello {{name}}", mail.subject().source());
    Message.Webhook hook = (Message.Webhook) ((Step.Send) d.steps().get(4)).message();
    assertEquals(URI.create("https://example.com/h"), hook.url());
    assertEquals(Duration.ofHours(48), d.expiresAfter());
    assertEquals(new CampaignDefinition.FrequencyCap(2, Duration.ofDays(7)), d.frequencyCap());
    assertEquals(
        new CampaignDefinition.QuietHours(LocalTime.of(21, 0), LocalTime.of(8, 0)), d.quietHours());
    assertEquals(4294967299L, d.subscriptionTypeId());
    assertEquals(1, d.exitConditionsBefore(2).size());
    assertEquals(0, d.exitConditionsBefore(1).size());
  }

  @Test
  void optionalFieldsDefaultAndNullMeansAbsent() {
    ObjectNode body = valid();
    body.putNull("audience");
    body.putNull("frequency_cap");
    CampaignDefinition d = parse(body);
    assertNull(d.audience());
    assertNull(d.frequencyCap());
    assertNull(d.quietHours());
    assertNull(d.subscriptionTypeId());
    assertEquals(Duration.ofHours(24), d.expiresAfter());
  }

  @Test
  void theStoredJsonIsCanonicalAndReadsBack() {
    ObjectNode body = valid();
    body.put("expires_after", "24h");
    body.put("subscription_type_id", 12);
    body.set("trigger", json("{'type':'broadcast'}"));
    body.set("audience", json("{'field':'email','operator':'$','value':'@example.com'}"));
    CampaignDefinition d = parse(body);

    String stored = d.toJson().toString();

    assertEquals(
        json("{'name':'Welcome','trigger':{'type':'broadcast'},"
                + "'audience':{'field':'email','operator':'$','value':'@example.com'},"
                + "'steps':[{'wait':'2h'},{'send':{'channel':'webhook','url':'https://example.com/h',"
                + "'secret':'s3cret','body':'Hi {{name}}'}}],'expires_after':'1d',"
                + "'subscription_type_id':'12'}")
            .toString(),
        stored);
    assertEquals(d, CampaignDefinition.fromStored(stored, Fixtures.PARSER));
  }

  @Test
  void aStoredDefinitionThatNoLongerParsesIsAnInternalFaultNotABadRequest() {
    TallyException e =
        assertThrows(
            TallyException.class,
            () -> CampaignDefinition.fromStored("{\"name\":\"x\"}", Fixtures.PARSER));
    assertEquals(TallyException.Kind.INTERNAL, e.kind());
    assertTrue(e.getMessage().contains("trigger"), e.getMessage());
    assertEquals(
        TallyException.Kind.INTERNAL,
        assertThrows(
                TallyException.class, () -> CampaignDefinition.fromStored("{", Fixtures.PARSER))
            .kind());
  }

  @Test
  void theSecretStaysOutOfToString() {
    CampaignDefinition d = parse(valid());
    assertTrue(!d.toString().contains("s3cret"), d.toString());
  }

  /** Each case: the field to set in the valid body (null value text removes it), what to expect. */
  static Stream<Arguments> refusals() {
    String steps = "steps";
    return Stream.of(
        bad("name", null, "name", "required"),
        bad("name", "''", "name", "non-empty"),
        bad("name", "'" + "n".repeat(256) + "'", "name", "at most 255"),
        bad("colour", "'red'", "colour", "unknown field \"colour\" in a campaign"),
        bad("trigger", null, "trigger", "required"),
        bad("trigger", "'event'", "trigger", "must be an object"),
        bad("trigger", "{}", "trigger.type", "required"),
        bad("trigger", "{'type':'sometimes'}", "trigger.type", "event, segment_entry or broadcast"),
        bad("trigger", "{'type':'event'}", "trigger.event_name", "required"),
        bad("trigger", "{'type':'event','event_name':''}", "trigger.event_name", "non-empty"),
        bad(
            "trigger",
            "{'type':'event','event_name':'x','segment_id':'1'}",
            "trigger.segment_id",
            "unknown field"),
        bad("trigger", "{'type':'segment_entry'}", "trigger.segment_id", "required"),
        bad(
            "trigger",
            "{'type':'segment_entry','segment_id':'abc'}",
            "trigger.segment_id",
            "positive 64-bit"),
        bad("trigger", "{'type':'broadcast','event_name':'x'}", "trigger.event_name", "unknown"),
        bad(
            "audience",
            "{'field':'nope','operator':'=','value':1}",
            "audience.field",
            "unknown field"),
        bad(
            "audience",
            "{'operator':'AND','value':[{'field':'email','operator':'=','value':'a'},"
                + "{'field':'email','operator':'??','value':'a'}]}",
            "audience.value[1].operator",
            "must be one of"),
        bad(steps, null, "steps", "required"),
        bad(steps, "[]", "steps", "non-empty"),
        bad(steps, "[" + (HOOK + ",").repeat(20) + HOOK + "]", "steps", "at most 20"),
        bad(steps, "[{'wait':'2h'}]", "steps", "at least one {\"send\""),
        bad(steps, "[{'wait':'2h','exit_when':{}}," + HOOK + "]", "steps[0]", "exactly one"),
        bad(steps, "[{'sleep':'2h'}," + HOOK + "]", "steps[0].sleep", "unknown field"),
        bad(steps, "['wait'," + HOOK + "]", "steps[0]", "exactly one"),
        bad(steps, "[{'wait':'2 hours'}," + HOOK + "]", "steps[0].wait", "duration such as"),
        bad(steps, "[{'wait':'0s'}," + HOOK + "]", "steps[0].wait", "between 1s and 365d"),
        bad(steps, "[{'wait':'53w'}," + HOOK + "]", "steps[0].wait", "between 1s and 365d"),
        bad(steps, "[{'wait':7200}," + HOOK + "]", "steps[0].wait", "duration such as"),
        bad(
            steps,
            "[{'exit_when':{'field':'email','operator':'??','value':'a'}}," + HOOK + "]",
            "steps[0].exit_when.operator",
            "must be one of"),
        bad(steps, "[{'wait':'2h'},{'send':'hello'}]", "steps[1].send", "must be a message"),
        bad(steps, "[{'send':{'url':'https://x.io'}}]", "steps[0].send.channel", "required"),
        bad(steps, "[{'send':{'channel':'sms'}}]", "steps[0].send.channel", "webhook or email"),
        bad(steps, hook("'url':'ftp://x.io/h'"), "steps[0].send.url", "http or https"),
        bad(steps, hook("'url':'not a url'"), "steps[0].send.url", "http or https"),
        bad(steps, hook("'url':'https:///nohost'"), "steps[0].send.url", "http or https"),
        bad(steps, hook("'url':null"), "steps[0].send.url", "required"),
        bad(steps, hook("'secret':''"), "steps[0].send.secret", "non-empty"),
        bad(steps, hook("'secret':'a\\nb'"), "steps[0].send.secret", "control character"),
        bad(steps, hook("'body':'Hi {{nmae}}'"), "steps[0].send.body", "\"{{nmae}}\""),
        bad(steps, hook("'body':'Hi {{name'"), "steps[0].send.body", "never closed"),
        bad(steps, hook("'body':5"), "steps[0].send.body", "non-empty string"),
        bad(steps, hook("'subject':'x'"), "steps[0].send.subject", "unknown field"),
        bad(steps, mail("'from':'nobody'"), "steps[0].send.from", "email address"),
        bad(steps, mail("'subject':null"), "steps[0].send.subject", "required"),
        bad(
            steps,
            mail("'subject':'{{custom_attributes.}}'"),
            "steps[0].send.subject",
            "unknown placeholder"),
        bad(steps, mail("'subject':'a\\nBcc: x@y.z'"), "steps[0].send.subject", "control"),
        bad(steps, mail("'body':'{{'"), "steps[0].send.body", "never closed"),
        bad("expires_after", "'1s'", "expires_after", "between 1m and 30d"),
        bad("expires_after", "'31d'", "expires_after", "between 1m and 30d"),
        bad("expires_after", "5", "expires_after", "duration such as"),
        bad("frequency_cap", "'2/7d'", "frequency_cap", "an object like"),
        bad("frequency_cap", "{'max':0,'per':'7d'}", "frequency_cap.max", "from 1 to 1000"),
        bad("frequency_cap", "{'max':1.5,'per':'7d'}", "frequency_cap.max", "whole number"),
        bad("frequency_cap", "{'per':'7d'}", "frequency_cap.max", "required"),
        bad("frequency_cap", "{'max':2}", "frequency_cap.per", "required"),
        bad("frequency_cap", "{'max':2,'per':'7x'}", "frequency_cap.per", "duration such as"),
        bad("frequency_cap", "{'max':2,'per':'7d','x':1}", "frequency_cap.x", "unknown field"),
        bad("quiet_hours", "'21-08'", "quiet_hours", "an object like"),
        bad("quiet_hours", "{'start':'25:00','end':'08:00'}", "quiet_hours.start", "HH:MM"),
        bad("quiet_hours", "{'start':'9:00','end':'08:00'}", "quiet_hours.start", "HH:MM"),
        bad("quiet_hours", "{'start':'21:00'}", "quiet_hours.end", "required"),
        bad("quiet_hours", "{'start':'08:00','end':'08:00'}", "quiet_hours.end", "must differ"),
        bad("quiet_hours", "{'start':'08:00','end':'09:00','tz':1}", "quiet_hours.tz", "unknown"),
        bad("subscription_type_id", "'x'", "subscription_type_id", "positive 64-bit"),
        bad("subscription_type_id", "-1", "subscription_type_id", "positive 64-bit"),
        bad("subscription_type_id", "true", "subscription_type_id", "positive 64-bit"));
  }

  /** The steps of one webhook send, with the fields of {@code override} ("'k':v") replaced. */
  private static String hook(String override) {
    return send(
        "{'channel':'webhook','url':'https://example.com/h','secret':'s','body':'Hi'}", override);
  }

  private static String mail(String override) {
    return send("{'channel':'email','from':'a@example.com','subject':'S','body':'B'}", override);
  }

  private static String send(String base, String override) {
    ObjectNode m = (ObjectNode) json(base);
    m.setAll((ObjectNode) json("{" + override + "}"));
    return "[{\"send\":" + m + "}]";
  }

  private static Arguments bad(String field, String value, String path, String fragment) {
    return Arguments.of(field, value, path, fragment);
  }

  @ParameterizedTest(name = "{0} = {1} -> 400 at {2}")
  @MethodSource("refusals")
  void everyRefusalNamesTheFieldAndSaysWhatWasExpected(
      String field, String value, String path, String fragment) {
    ObjectNode body = valid();
    if (value == null) {
      body.remove(field);
    } else {
      body.set(field, json(value));
    }
    TallyException e = assertThrows(TallyException.class, () -> parse(body), body::toString);
    assertEquals(TallyException.Kind.BAD_REQUEST, e.kind(), e.getMessage());
    assertEquals(path, e.field(), e.getMessage());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
  }

  @Test
  void aBodyThatIsNotAnObjectIsRefusedAsTheBody() {
    TallyException e = assertThrows(TallyException.class, () -> parse(json("[]")));
    assertEquals("body", e.field());
  }

  @Test
  void aRefusedQueryNamesItsPathInTheCampaign() {
    ObjectNode body = valid();
    body.set("audience", json("{'field':'custom_attributes.colour','operator':'=','value':'x'}"));
    TallyException e = assertThrows(TallyException.class, () -> parse(body));
    assertEquals("audience.field", e.field());
    assertTrue(e.getMessage().contains("not defined in this workspace"), e.getMessage());
  }

  @Test
  void durationsAreWrittenInTheLargestExactUnit() {
    assertEquals("1d", Durations.format(Duration.ofHours(24)));
    assertEquals("90m", Durations.format(Duration.ofMinutes(90)));
    assertEquals("2w", Durations.format(Duration.ofDays(14)));
    assertEquals("45s", Durations.format(Duration.ofSeconds(45)));
    assertEquals(
        List.of(Duration.ofDays(7), Duration.ofSeconds(45)),
        List.of(
            Durations.parse(json("'1w'"), "x", Duration.ZERO, Duration.ofDays(9)),
            Durations.parse(json("'45s'"), "x", Duration.ZERO, Duration.ofDays(9))));
  }
}
