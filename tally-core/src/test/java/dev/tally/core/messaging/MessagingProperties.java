package dev.tally.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.messaging.FinalCheck.Choice;
import dev.tally.core.messaging.FinalCheck.ConsentType;
import dev.tally.core.messaging.FinalCheck.Reason;
import dev.tally.core.messaging.FinalCheck.Subscription;
import dev.tally.core.messaging.FinalCheck.Verdict;
import dev.tally.core.model.ContactField;
import java.net.URI;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;

/**
 * Properties of the messaging model: a definition survives its storage, any body gets a definition
 * or a 400 naming a field, and the final check sends exactly when the contact matches and nothing
 * forbids it (invariant 9), against an oracle written apart from {@link FinalCheck}.
 */
class MessagingProperties {

  // ---- definitions: parse(toJson(d)) == d ----

  static final List<String> QUERIES =
      List.of(
          "{'field':'custom_attributes.plan','operator':'=','value':'pro'}",
          "{'field':'email','operator':'$','value':'@example.com'}",
          "{'operator':'OR','value':[{'field':'custom_attributes.seats','operator':'>','value':3},"
              + "{'field':'created_at','operator':'<','value':'now-7d'}]}");
  static final List<String> TEXTS =
      List.of(
          "", "Hi {{name}}", "{{ email }} / {{custom_attributes.plan}}", "#{{id}} {{external_id}}");

  static Arbitrary<Condition> conditions() {
    return Arbitraries.of(QUERIES)
        .map(Fixtures::json)
        .map(j -> new Condition(j, Fixtures.PARSER.parse(j)));
  }

  static Arbitrary<Duration> seconds(Duration min, Duration max) {
    return Arbitraries.longs().between(min.toSeconds(), max.toSeconds()).map(Duration::ofSeconds);
  }

  static Arbitrary<Template> templates(boolean allowEmpty) {
    return Arbitraries.of(TEXTS)
        .filter(t -> allowEmpty || !t.isEmpty())
        .map(t -> Template.parse(t, "t"));
  }

  static Arbitrary<Message> messages() {
    Arbitrary<Message> hooks =
        Combinators.combine(
                Arbitraries.of("https://example.com/h", "http://10.0.0.1:8080/in?x=1"),
                Arbitraries.strings().alpha().ofMinLength(1).ofMaxLength(12),
                templates(false))
            .as((u, s, b) -> new Message.Webhook(URI.create(u), s, b));
    Arbitrary<Message> mails =
        Combinators.combine(
                Arbitraries.of("team@example.com", "a.b@mail.example.org"),
                templates(false),
                templates(false))
            .as(Message.Email::new);
    return Arbitraries.oneOf(hooks, mails);
  }

  static Arbitrary<Step> steps() {
    return Arbitraries.oneOf(
        seconds(DefinitionCodec.MIN_WAIT, DefinitionCodec.MAX_WAIT).map(Step.Wait::new),
        messages().map(Step.Send::new),
        conditions().map(Step.ExitWhen::new));
  }

  static Arbitrary<List<Step>> stepLists() {
    return Combinators.combine(
            steps().list().ofMaxSize(CampaignDefinition.MAX_STEPS - 1),
            messages(),
            Arbitraries.integers().between(0, CampaignDefinition.MAX_STEPS - 1))
        .as(
            (others, send, at) -> {
              List<Step> all = new ArrayList<>(others);
              all.add(Math.min(at, all.size()), new Step.Send(send));
              return all;
            });
  }

  @Provide
  Arbitrary<CampaignDefinition> definitions() {
    Arbitrary<Trigger> triggers =
        Arbitraries.oneOf(
            Arbitraries.strings()
                .alpha()
                .numeric()
                .withChars("-_ .")
                .ofMinLength(1)
                .ofMaxLength(20)
                .filter(s -> !s.isBlank())
                .map(Trigger.Event::new),
            Arbitraries.longs().between(1, Long.MAX_VALUE).map(Trigger.SegmentEntry::new),
            Arbitraries.just(new Trigger.Broadcast()));
    Arbitrary<CampaignDefinition.FrequencyCap> caps =
        Combinators.combine(
                Arbitraries.integers().between(1, DefinitionCodec.MAX_CAP),
                seconds(DefinitionCodec.MIN_CAP_WINDOW, DefinitionCodec.MAX_CAP_WINDOW))
            .as(CampaignDefinition.FrequencyCap::new);
    Arbitrary<LocalTime> clocks =
        Combinators.combine(
                Arbitraries.integers().between(0, 23), Arbitraries.integers().between(0, 59))
            .as(LocalTime::of);
    Arbitrary<CampaignDefinition.QuietHours> quiet =
        Combinators.combine(clocks, clocks)
            .as(CampaignDefinition.QuietHours::new)
            .filter(q -> !q.start().equals(q.end()));
    return Combinators.combine(
            Arbitraries.strings()
                .ofMinLength(1)
                .ofMaxLength(255)
                .filter(s -> !s.isBlank())
                .map(s -> s.replaceAll("\\p{Cntrl}", "x")),
            triggers,
            conditions().injectNull(0.3),
            stepLists(),
            seconds(DefinitionCodec.MIN_EXPIRY, DefinitionCodec.MAX_EXPIRY),
            caps.injectNull(0.4),
            quiet.injectNull(0.4),
            Arbitraries.longs().between(1, Long.MAX_VALUE).injectNull(0.5))
        .as(CampaignDefinition::new);
  }

  @Property(tries = 500)
  void aDefinitionReadsBackFromItsStoredJson(@ForAll("definitions") CampaignDefinition d) {
    JsonNode stored = d.toJson();
    CampaignDefinition back = CampaignDefinition.fromStored(stored.toString(), Fixtures.PARSER);
    assertEquals(d, back, stored.toString());
    assertEquals(stored, back.toJson());
  }

  // ---- any body: a definition, or a 400 that names a field ----

  /** The definition's fields and one it does not have. */
  static final List<String> FIELDS =
      java.util.stream.Stream.concat(
              DefinitionCodec.FIELDS.stream(), java.util.stream.Stream.of("colour"))
          .toList();

  static final List<String> VALUES =
      List.of(
          "null",
          "1",
          "-1",
          "''",
          "'x'",
          "'2h'",
          "'0s'",
          "'21:00'",
          "[]",
          "{}",
          "[{}]",
          "true",
          "{'type':'broadcast'}",
          "{'type':'event'}",
          "{'max':2,'per':'7d'}",
          "[{'wait':'1m'}]",
          "{'start':'21:00','end':'21:00'}",
          "[{'send':{'channel':'email'}}]",
          "{'field':'email','operator':'=','value':'a@b.c'}",
          "'9223372036854775808'");

  @Provide
  Arbitrary<ObjectNode> bodies() {
    Arbitrary<Map.Entry<String, String>> edits =
        Combinators.combine(Arbitraries.of(FIELDS), Arbitraries.of(VALUES)).as(Map::entry);
    return edits
        .list()
        .ofMaxSize(4)
        .map(
            list -> {
              ObjectNode body = Fixtures.valid();
              list.forEach(e -> body.set(e.getKey(), Fixtures.json(e.getValue())));
              return body;
            });
  }

  @Property(tries = 1000)
  void anyBodyGivesADefinitionOrAFourHundredNamingAField(@ForAll("bodies") ObjectNode body) {
    try {
      assertNotNull(Fixtures.parse(body));
    } catch (TallyException e) {
      assertEquals(TallyException.Kind.BAD_REQUEST, e.kind(), e.getMessage());
      assertNotNull(e.field(), e.getMessage());
      String top = e.field().split("[.\\[]")[0];
      assertTrue(FIELDS.contains(top), e.field() + ": " + e.getMessage());
      assertTrue(body.has(top) || e.getMessage().contains("required"), e.getMessage());
    }
  }

  // ---- the final check against an oracle ----

  /** A query with the meaning the oracle gives it, over plan (may be absent) and seats. */
  record Rule(String json, Predicate<Situation> holds) {
    Condition condition() {
      JsonNode j = Fixtures.json(json);
      return new Condition(j, Fixtures.PARSER.parse(j));
    }
  }

  static final Rule PRO =
      new Rule(
          "{'field':'custom_attributes.plan','operator':'=','value':'pro'}",
          s -> "pro".equals(s.plan()));
  static final Rule THREE_SEATS =
      new Rule(
          "{'field':'custom_attributes.seats','operator':'>=','value':3}", s -> s.seats() >= 3);
  static final Rule BIG =
      new Rule(
          "{'field':'custom_attributes.seats','operator':'>','value':10}", s -> s.seats() > 10);
  static final Rule SMALL =
      new Rule("{'field':'custom_attributes.seats','operator':'<','value':8}", s -> s.seats() < 8);

  /** One send's circumstances, drawn at random. */
  record Situation(
      boolean exists,
      boolean archived,
      String plan,
      long seats,
      Boolean unsubscribed,
      String timeZone,
      Rule audience,
      Rule exit,
      boolean segmentEntry,
      Rule segment,
      boolean email,
      boolean subscriptionType,
      Subscription subscription,
      Integer capMax,
      long sent,
      CampaignDefinition.QuietHours quiet,
      Instant now,
      ZoneId workspaceZone) {}

  @Provide
  Arbitrary<Situation> situations() {
    Arbitrary<Subscription> subs =
        Combinators.combine(Arbitraries.of(ConsentType.values()), Arbitraries.of(Choice.values()))
            .as(Subscription::new)
            .injectNull(0.2);
    Arbitrary<CampaignDefinition.QuietHours> quiet =
        Combinators.combine(
                Arbitraries.integers().between(0, 47), Arbitraries.integers().between(0, 47))
            .filter((a, b) -> !a.equals(b))
            .as(
                (a, b) ->
                    new CampaignDefinition.QuietHours(
                        LocalTime.of(a / 2, a % 2 * 30), LocalTime.of(b / 2, b % 2 * 30)))
            .injectNull(0.4);
    Arbitrary<Instant> instants =
        Arbitraries.longs()
            .between(
                Instant.parse("2030-01-01T00:00:00Z").getEpochSecond(),
                Instant.parse("2031-01-01T00:00:00Z").getEpochSecond())
            .map(Instant::ofEpochSecond);
    return Combinators.combine(
            Combinators.combine(
                    Arbitraries.of(true, true, true, true, true, true, true, true, false),
                    Arbitraries.of(false, false, false, false, false, false, false, true),
                    Arbitraries.of("pro", "free").injectNull(0.2),
                    Arbitraries.longs().between(0, 15),
                    Arbitraries.of(true, false).injectNull(0.3),
                    Arbitraries.of("UTC", "Asia/Tokyo", "America/New_York", "Bogus/Zone")
                        .injectNull(0.3))
                .as(MessagingProperties::tuple),
            Combinators.combine(
                    Arbitraries.of(PRO, THREE_SEATS).injectNull(0.3),
                    Arbitraries.just(BIG).injectNull(0.5),
                    Arbitraries.of(true, false),
                    Arbitraries.just(SMALL).injectNull(0.2),
                    Arbitraries.of(true, false),
                    Arbitraries.of(true, false),
                    subs)
                .as(MessagingProperties::tuple),
            Arbitraries.integers().between(1, 3).injectNull(0.4),
            Arbitraries.longs().between(0, 4),
            quiet,
            instants,
            Arbitraries.of(ZoneOffset.UTC, ZoneId.of("Europe/Paris")))
        .as(
            (who, what, cap, sent, q, now, wz) ->
                new Situation(
                    (Boolean) who.get(0),
                    (Boolean) who.get(1),
                    (String) who.get(2),
                    (Long) who.get(3),
                    (Boolean) who.get(4),
                    (String) who.get(5),
                    (Rule) what.get(0),
                    (Rule) what.get(1),
                    (Boolean) what.get(2),
                    (Rule) what.get(3),
                    (Boolean) what.get(4),
                    (Boolean) what.get(5),
                    (Subscription) what.get(6),
                    cap,
                    sent,
                    q,
                    now,
                    wz));
  }

  /** A list that may hold nulls, for combining more arbitraries than jqwik combines at once. */
  static List<Object> tuple(Object... values) {
    return java.util.Arrays.asList(values);
  }

  static CampaignDefinition campaign(Situation s) {
    Message message =
        s.email()
            ? new Message.Email("a@example.com", Template.parse("S", "s"), Template.parse("B", "b"))
            : new Message.Webhook(URI.create("https://x.io"), "k", Template.parse("B", "b"));
    List<Step> steps = new ArrayList<>();
    if (s.exit() != null) {
      steps.add(new Step.ExitWhen(s.exit().condition()));
    }
    steps.add(new Step.Send(message));
    return new CampaignDefinition(
        "c",
        s.segmentEntry() ? new Trigger.SegmentEntry(5) : new Trigger.Event("e"),
        s.audience() == null ? null : s.audience().condition(),
        steps,
        Duration.ofDays(1),
        s.capMax() == null
            ? null
            : new CampaignDefinition.FrequencyCap(s.capMax(), Duration.ofDays(7)),
        s.quiet(),
        s.subscriptionType() ? 9L : null);
  }

  static FinalCheck.Facts facts(Situation s) {
    Map<ContactField, Object> fields = new HashMap<>();
    if (s.unsubscribed() != null) {
      fields.put(ContactField.UNSUBSCRIBED_FROM_EMAILS, s.unsubscribed());
    }
    Map<String, Object> custom = new HashMap<>(Map.of("seats", s.seats()));
    if (s.plan() != null) {
      custom.put("plan", s.plan());
    }
    if (s.timeZone() != null) {
      custom.put("time_zone", s.timeZone());
    }
    return new FinalCheck.Facts(
        s.exists() ? new ContactDocument(Fixtures.contact(fields, custom), Map.of()) : null,
        s.archived(),
        s.segment() == null ? null : s.segment().condition().query(),
        s.subscription(),
        s.sent(),
        s.workspaceZone());
  }

  // The oracle: each condition written out on the situation, apart from FinalCheck.

  static boolean matches(Situation s) {
    return (s.audience() == null || s.audience().holds().test(s))
        && (!s.segmentEntry() || (s.segment() != null && s.segment().holds().test(s)));
  }

  static boolean exited(Situation s) {
    return s.exit() != null && s.exit().holds().test(s);
  }

  static boolean unsubscribed(Situation s) {
    return s.email() && Boolean.TRUE.equals(s.unsubscribed());
  }

  static boolean notSubscribed(Situation s) {
    if (!s.subscriptionType()) {
      return false;
    }
    Subscription sub = s.subscription();
    return sub == null
        || !(sub.choice() == Choice.OPTED_IN
            || (sub.choice() == Choice.NONE && sub.type() == ConsentType.OPT_OUT));
  }

  static boolean capped(Situation s) {
    return s.capMax() != null && s.sent() >= s.capMax();
  }

  static ZoneId zone(Situation s) {
    try {
      return s.timeZone() == null ? s.workspaceZone() : ZoneId.of(s.timeZone());
    } catch (DateTimeException e) {
      return s.workspaceZone();
    }
  }

  static boolean quiet(CampaignDefinition.QuietHours q, ZoneId zone, Instant at) {
    int m = at.atZone(zone).toLocalTime().toSecondOfDay();
    int start = q.start().toSecondOfDay();
    int end = q.end().toSecondOfDay();
    return start < end ? start <= m && m < end : m >= start || m < end;
  }

  @Property(tries = 3000)
  void aSendGoesOutOnlyIfTheContactMatchesNowAndNothingForbidsIt(
      @ForAll("situations") Situation s) {
    Verdict v = FinalCheck.decide(campaign(s), s.exit() == null ? 0 : 1, facts(s), s.now());
    boolean inQuiet = s.quiet() != null && quiet(s.quiet(), zone(s), s.now());
    boolean allowed =
        s.exists()
            && !s.archived()
            && matches(s)
            && !exited(s)
            && !unsubscribed(s)
            && !notSubscribed(s)
            && !capped(s);
    assertEquals(allowed && !inQuiet, v instanceof Verdict.Send, s + " -> " + v);
    net.jqwik.api.statistics.Statistics.collect(
        v instanceof Verdict.Skip(Reason r) ? r.code() : v.getClass().getSimpleName());
    net.jqwik.api.statistics.Statistics.coverage(
        c -> {
          c.check("Send").count(n -> n > 0);
          c.check("Defer").count(n -> n > 0);
          for (Reason r : Reason.values()) {
            c.check(r.code()).count(n -> n > 0);
          }
        });
    switch (v) {
      case Verdict.Send send -> {}
      case Verdict.Skip(Reason r) -> {
        boolean because =
            switch (r) {
              case CONTACT_DELETED -> !s.exists();
              case ARCHIVED -> s.archived();
              case NO_LONGER_MATCHES -> !matches(s);
              case EXITED -> exited(s);
              case UNSUBSCRIBED -> unsubscribed(s);
              case NOT_SUBSCRIBED -> notSubscribed(s);
              case FREQUENCY_CAPPED -> capped(s);
            };
        assertTrue(because, s + " -> " + v);
      }
      case Verdict.Defer(Instant until) -> {
        assertTrue(inQuiet, s + " -> " + v);
        assertTrue(until.isAfter(s.now()), s + " -> " + v);
        assertTrue(!until.isAfter(s.now().plus(Duration.ofHours(25))), s + " -> " + v);
        assertTrue(!quiet(s.quiet(), zone(s), until), "still quiet at the end: " + s + " -> " + v);
        assertTrue(quiet(s.quiet(), zone(s), until.minusSeconds(1)), s + " -> " + v);
      }
    }
  }
}
