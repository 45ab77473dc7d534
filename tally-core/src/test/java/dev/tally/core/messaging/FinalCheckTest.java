package dev.tally.core.messaging;

import static dev.tally.core.messaging.Fixtures.json;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.messaging.FinalCheck.Choice;
import dev.tally.core.messaging.FinalCheck.ConsentType;
import dev.tally.core.messaging.FinalCheck.Facts;
import dev.tally.core.messaging.FinalCheck.Reason;
import dev.tally.core.messaging.FinalCheck.Subscription;
import dev.tally.core.messaging.FinalCheck.Verdict;
import dev.tally.core.model.ContactField;
import dev.tally.core.query.ContactView;
import dev.tally.core.query.Query;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FinalCheckTest {
  /** 12:00 UTC: outside quiet hours 21:00–08:00 in UTC, inside them in Tokyo (21:00). */
  static final Instant NOON_UTC = Instant.parse("2030-06-03T12:00:00Z");

  static final String EMAIL_STEP =
      "{'send':{'channel':'email','from':'a@example.com','subject':'S','body':'B'}}";
  static final String HOOK_STEP =
      "{'send':{'channel':'webhook','url':'https://x.io','secret':'s','body':'B'}}";

  static CampaignDefinition campaign(String extra) {
    ObjectNode body = Fixtures.valid();
    body.set("audience", json("{'field':'custom_attributes.plan','operator':'=','value':'pro'}"));
    body.set(
        "steps",
        json(
            "["
                + HOOK_STEP
                + ",{'exit_when':{'field':'custom_attributes.seats','operator':'>','value':10}},"
                + EMAIL_STEP
                + "]"));
    body.setAll((ObjectNode) json("{" + extra + "}"));
    return Fixtures.parse(body);
  }

  static final CampaignDefinition PLAIN = campaign("");

  static ContactView doc(Map<ContactField, Object> fields, Map<String, Object> custom) {
    return new ContactDocument(Fixtures.contact(fields, custom), Map.of());
  }

  static ContactView pro(Object... customKeysAndValues) {
    Map<String, Object> custom = new HashMap<>(Map.of("plan", "pro", "seats", 1L));
    for (int i = 0; i < customKeysAndValues.length; i += 2) {
      custom.put((String) customKeysAndValues[i], customKeysAndValues[i + 1]);
    }
    return doc(Map.of(ContactField.EMAIL, "ann@example.com"), custom);
  }

  static Facts facts(ContactView doc) {
    return new Facts(doc, false, null, null, 0, ZoneOffset.UTC);
  }

  static Verdict decide(CampaignDefinition c, int step, Facts f) {
    return FinalCheck.decide(c, step, f, NOON_UTC);
  }

  static Verdict skip(Reason r) {
    return new Verdict.Skip(r);
  }

  static final Verdict SEND = new Verdict.Send();

  @Test
  void aMatchingContactIsSent() {
    assertEquals(SEND, decide(PLAIN, 0, facts(pro())));
    assertEquals(SEND, decide(PLAIN, 2, facts(pro())));
  }

  @Test
  void aContactThatIsGoneIsSkippedAsDeleted() {
    assertEquals(skip(Reason.CONTACT_DELETED), decide(PLAIN, 0, facts(null)));
  }

  @Test
  void anArchivedContactIsSkippedEvenWhenItMatches() {
    Facts f = new Facts(pro(), true, null, null, 0, ZoneOffset.UTC);
    assertEquals(skip(Reason.ARCHIVED), decide(PLAIN, 0, f));
  }

  @Test
  void aContactOutsideTheAudienceNowIsSkipped() {
    ContactView free = doc(Map.of(), Map.of("plan", "free"));
    assertEquals(skip(Reason.NO_LONGER_MATCHES), decide(PLAIN, 0, facts(free)));
  }

  @Test
  void aCampaignWithoutAudienceSendsToAnyone() {
    ObjectNode body = Fixtures.valid();
    CampaignDefinition c = Fixtures.parse(body);
    assertEquals(SEND, decide(c, 1, facts(doc(Map.of(), Map.of()))));
  }

  @Test
  void aSegmentEntrySendNeedsTheContactInTheSegmentStill() {
    CampaignDefinition c = campaign("'trigger':{'type':'segment_entry','segment_id':'5'}");
    Query bigTeams =
        Fixtures.PARSER.parse(
            json("{'field':'custom_attributes.seats','operator':'>=','value':5}"));
    Facts in = new Facts(pro("seats", 7L), false, bigTeams, null, 0, ZoneOffset.UTC);
    Facts left = new Facts(pro("seats", 2L), false, bigTeams, null, 0, ZoneOffset.UTC);
    Facts segmentGone = new Facts(pro("seats", 7L), false, null, null, 0, ZoneOffset.UTC);
    assertEquals(SEND, decide(c, 0, in));
    assertEquals(skip(Reason.NO_LONGER_MATCHES), decide(c, 0, left));
    assertEquals(skip(Reason.NO_LONGER_MATCHES), decide(c, 0, segmentGone));
    // Other triggers ignore a segment query.
    assertEquals(SEND, decide(PLAIN, 0, left));
  }

  @Test
  void exitWhenAppliesToTheStepsAfterIt() {
    ContactView big = pro("seats", 11L);
    assertEquals(SEND, decide(PLAIN, 0, facts(big)));
    assertEquals(skip(Reason.EXITED), decide(PLAIN, 2, facts(big)));
  }

  @Test
  void anEmailIsNotSentToAContactWhoUnsubscribedButAWebhookIs() {
    ContactView unsubscribed =
        doc(
            Map.of(ContactField.UNSUBSCRIBED_FROM_EMAILS, true),
            Map.of("plan", "pro", "seats", 1L));
    assertEquals(skip(Reason.UNSUBSCRIBED), decide(PLAIN, 2, facts(unsubscribed)));
    assertEquals(SEND, decide(PLAIN, 0, facts(unsubscribed)));
    ContactView stillSubscribed =
        doc(Map.of(ContactField.UNSUBSCRIBED_FROM_EMAILS, false), Map.of("plan", "pro"));
    assertEquals(SEND, decide(PLAIN, 2, facts(stillSubscribed)));
  }

  @Test
  void theSubscriptionTypeDecidesByItsConsentTypeAndNothingKnownMeansNo() {
    CampaignDefinition c = campaign("'subscription_type_id':'9'");
    record Case(Subscription s, Verdict expected) {}
    for (Case k :
        new Case[] {
          new Case(new Subscription(ConsentType.OPT_IN, Choice.OPTED_IN), SEND),
          new Case(new Subscription(ConsentType.OPT_IN, Choice.NONE), skip(Reason.NOT_SUBSCRIBED)),
          new Case(
              new Subscription(ConsentType.OPT_IN, Choice.OPTED_OUT), skip(Reason.NOT_SUBSCRIBED)),
          new Case(new Subscription(ConsentType.OPT_OUT, Choice.NONE), SEND),
          new Case(new Subscription(ConsentType.OPT_OUT, Choice.OPTED_IN), SEND),
          new Case(
              new Subscription(ConsentType.OPT_OUT, Choice.OPTED_OUT), skip(Reason.NOT_SUBSCRIBED)),
          new Case(null, skip(Reason.NOT_SUBSCRIBED)),
        }) {
      Facts f = new Facts(pro(), false, null, k.s(), 0, ZoneOffset.UTC);
      assertEquals(k.expected(), decide(c, 0, f), String.valueOf(k.s()));
      // Without a subscription type on the campaign, the standing is not asked.
      assertEquals(SEND, decide(PLAIN, 0, f));
    }
  }

  @Test
  void aTypeThatIsNotLiveOrDoesNotCoverEmailLetsNoEmailThrough() {
    CampaignDefinition c = campaign("'subscription_type_id':'9'");
    Subscription archived = new Subscription(ConsentType.OPT_OUT, Choice.NONE, false, true);
    Subscription smsOnly = new Subscription(ConsentType.OPT_IN, Choice.OPTED_IN, true, false);
    // Step 0 is a webhook, step 2 an email.
    assertEquals(skip(Reason.NOT_SUBSCRIBED), decide(c, 0, withSubscription(archived)));
    assertEquals(skip(Reason.NOT_SUBSCRIBED), decide(c, 2, withSubscription(archived)));
    assertEquals(SEND, decide(c, 0, withSubscription(smsOnly)));
    assertEquals(skip(Reason.NOT_SUBSCRIBED), decide(c, 2, withSubscription(smsOnly)));
  }

  static Facts withSubscription(Subscription s) {
    return new Facts(pro(), false, null, s, 0, ZoneOffset.UTC);
  }

  @Test
  void theFrequencyCapCountsSendsAlreadySent() {
    CampaignDefinition c = campaign("'frequency_cap':{'max':2,'per':'7d'}");
    assertEquals(SEND, decide(c, 0, new Facts(pro(), false, null, null, 1, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.FREQUENCY_CAPPED),
        decide(c, 0, new Facts(pro(), false, null, null, 2, ZoneOffset.UTC)));
    assertEquals(SEND, decide(PLAIN, 0, new Facts(pro(), false, null, null, 99, ZoneOffset.UTC)));
  }

  @Test
  void quietHoursDeferToTheirEndInTheContactsZone() {
    CampaignDefinition c = campaign("'quiet_hours':{'start':'21:00','end':'08:00'}");
    // Noon UTC is 21:00 in Tokyo: quiet until 08:00 Tokyo, 23:00 UTC.
    assertEquals(
        new Verdict.Defer(Instant.parse("2030-06-03T23:00:00Z")),
        decide(c, 0, facts(pro("time_zone", "Asia/Tokyo"))));
    // Without one, the workspace's zone.
    Facts tokyoWorkspace = new Facts(pro(), false, null, null, 0, ZoneId.of("Asia/Tokyo"));
    assertEquals(
        new Verdict.Defer(Instant.parse("2030-06-03T23:00:00Z")), decide(c, 0, tokyoWorkspace));
    // A zone Java does not know falls back to the workspace's.
    assertEquals(SEND, decide(c, 0, facts(pro("time_zone", "Mars/Olympus"))));
    assertEquals(SEND, decide(c, 0, facts(pro("time_zone", "Europe/Paris"))));
  }

  @Test
  void quietHoursThatDoNotWrapMidnight() {
    CampaignDefinition c = campaign("'quiet_hours':{'start':'11:30','end':'13:00'}");
    assertEquals(
        new Verdict.Defer(Instant.parse("2030-06-03T13:00:00Z")), decide(c, 0, facts(pro())));
    assertEquals(
        SEND, FinalCheck.decide(c, 0, facts(pro()), Instant.parse("2030-06-03T13:00:00Z")));
    assertEquals(
        SEND, FinalCheck.decide(c, 0, facts(pro()), Instant.parse("2030-06-03T11:29:59Z")));
  }

  @Test
  void quietHoursEndingInADaylightSavingGapEndAfterIt() {
    // Paris skips 02:00–03:00 on 2030-03-31; quiet hours ending 02:30 end at 03:00 local.
    CampaignDefinition c = campaign("'quiet_hours':{'start':'22:00','end':'02:30'}");
    Instant midnightParis = Instant.parse("2030-03-30T23:00:00Z");
    assertEquals(
        new Verdict.Defer(Instant.parse("2030-03-31T01:00:00Z")),
        FinalCheck.decide(c, 0, facts(pro("time_zone", "Europe/Paris")), midnightParis));
  }

  @Test
  void theFirstFailingCheckDecidesInTheDocumentedOrder() {
    CampaignDefinition all =
        campaign(
            "'subscription_type_id':'9','frequency_cap':{'max':1,'per':'1d'},"
                + "'quiet_hours':{'start':'00:00','end':'23:59'}");
    Map<ContactField, Object> unsubscribed = Map.of(ContactField.UNSUBSCRIBED_FROM_EMAILS, true);
    ContactView everything = doc(unsubscribed, Map.of("plan", "free", "seats", 11L));
    ContactView matching = doc(unsubscribed, Map.of("plan", "pro", "seats", 11L));
    ContactView notExited = doc(unsubscribed, Map.of("plan", "pro", "seats", 1L));
    ContactView consenting = doc(Map.of(), Map.of("plan", "pro", "seats", 1L));
    Subscription no = new Subscription(ConsentType.OPT_IN, Choice.NONE);
    Subscription yes = new Subscription(ConsentType.OPT_IN, Choice.OPTED_IN);
    assertEquals(skip(Reason.CONTACT_DELETED), decide(all, 2, facts(null)));
    assertEquals(
        skip(Reason.ARCHIVED),
        decide(all, 2, new Facts(everything, true, null, no, 5, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.NO_LONGER_MATCHES),
        decide(all, 2, new Facts(everything, false, null, no, 5, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.EXITED),
        decide(all, 2, new Facts(matching, false, null, no, 5, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.UNSUBSCRIBED),
        decide(all, 2, new Facts(notExited, false, null, no, 5, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.NOT_SUBSCRIBED),
        decide(all, 2, new Facts(consenting, false, null, no, 5, ZoneOffset.UTC)));
    assertEquals(
        new Verdict.Defer(Instant.parse("2030-06-03T23:59:00Z")),
        decide(all, 2, new Facts(consenting, false, null, yes, 5, ZoneOffset.UTC)));
    assertEquals(
        skip(Reason.FREQUENCY_CAPPED),
        FinalCheck.decide(
            all,
            2,
            new Facts(consenting, false, null, yes, 5, ZoneOffset.UTC),
            Instant.parse("2030-06-03T23:59:30Z")));
  }

  @Test
  void onlyASendStepIsChecked() {
    assertThrows(IllegalArgumentException.class, () -> decide(PLAIN, 1, facts(pro())));
  }

  @Test
  void reasonsAreTheApisWords() {
    assertEquals("no_longer_matches", Reason.NO_LONGER_MATCHES.code());
    assertEquals("contact_deleted", Reason.CONTACT_DELETED.code());
    assertEquals("frequency_capped", Reason.FREQUENCY_CAPPED.code());
  }
}
