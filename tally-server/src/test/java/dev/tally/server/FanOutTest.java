package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.FieldType;
import dev.tally.core.model.Send;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;
import dev.tally.testkit.Await;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * Fan-out through a running Tally: a broadcast queues one send per contact matching its audience
 * when it started, from an index at the start's position; an event campaign one per new event of
 * its name recorded after it started, by a contact matching its audience in the store. Both are
 * idempotent (the server's FanOut runs every second, again and again).
 */
class FanOutTest extends ApiTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final QueryParser PARSER =
      new QueryParser(QueryLimits.DEFAULTS, name -> name.equals("plan") ? FieldType.STRING : null);
  private static final String SEND =
      "{\"send\":{\"channel\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"s\","
          + "\"body\":\"hi {{name}}\"}}";

  private long workspace() {
    return Long.parseLong(defaultWorkspace());
  }

  private Campaign started(String trigger) throws Exception {
    return startedWith(
        trigger,
        ",\"audience\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\","
            + "\"value\":\"pro\"}");
  }

  private Campaign startedWith(String trigger, String audience) throws Exception {
    String body =
        "{\"name\":\"c\",\"trigger\":"
            + trigger
            + audience
            + ",\"steps\":[{\"wait\":\"1h\"},"
            + SEND
            + "]}";
    String definition = CampaignDefinition.parse(JSON.readTree(body), PARSER).toJson().toString();
    long ws = workspace();
    Campaign c = server.store().write(tx -> tx.createCampaign(ws, "c", definition)).value();
    return server.store().write(tx -> tx.setCampaignState(ws, c.id(), Campaign.RUNNING)).value();
  }

  private Set<String> queuedContacts(long campaignId) {
    Set<String> out = new TreeSet<>();
    for (Send s : server.store().sends(workspace(), campaignId, null, 0, 1000).items()) {
      out.add(Long.toString(s.contactId()));
    }
    return out;
  }

  private void record(String contact, String name, long at) {
    TallyHttp.Res r =
        post(
            "/events",
            "{\"event_name\":\""
                + name
                + "\",\"id\":\""
                + contact
                + "\",\"created_at\":"
                + at
                + "}");
    assertEquals(202, r.status(), r.toString());
  }

  @Test
  void aBroadcastWithoutAnAudienceReachesEveryContact() throws Exception {
    String a = createContact("{\"email\":\"a@example.com\"}");
    String b = createContact("{\"email\":\"b@example.com\",\"role\":\"lead\"}");
    Campaign c = startedWith("{\"type\":\"broadcast\"}", "");
    Await.until(
        "the broadcast fanned out",
        Duration.ofSeconds(30),
        () -> server.store().campaign(workspace(), c.id()).orElseThrow().fannedOutAt(),
        at -> at != null);
    assertEquals(Set.of(a, b), queuedContacts(c.id()));
  }

  @Test
  void aBroadcastQueuesItsAudienceOnceWithTheFirstSendDueAfterTheWait() throws Exception {
    String pro1 =
        createContact("{\"email\":\"a@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    String pro2 =
        createContact("{\"email\":\"b@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    createContact("{\"email\":\"c@example.com\",\"custom_attributes\":{\"plan\":\"free\"}}");
    long before = System.currentTimeMillis();
    Campaign c = started("{\"type\":\"broadcast\"}");
    Await.until(
        "the broadcast fanned out",
        Duration.ofSeconds(30),
        () -> server.store().campaign(workspace(), c.id()).orElseThrow().fannedOutAt(),
        at -> at != null);
    assertEquals(Set.of(pro1, pro2), queuedContacts(c.id()));
    Send s = server.store().sends(workspace(), c.id(), null, 0, 10).items().get(0);
    assertEquals(1, s.step(), "the first send step, after the wait");
    assertEquals(0, s.occurrence());
    long hour = Duration.ofHours(1).toMillis();
    assertEquals(
        true, s.dueAt() >= before + hour && s.dueAt() <= System.currentTimeMillis() + hour);
    assertEquals(Duration.ofHours(24).toMillis(), s.expiresAt() - s.dueAt());
    // Later rounds change nothing: a contact that matches now did not match when it started.
    createContact("{\"email\":\"d@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    awaitTaskRounds("messaging-fanout", 2);
    assertEquals(Set.of(pro1, pro2), queuedContacts(c.id()));
    assertEquals(Map.of("queued", 2L), server.store().sendCounts(c.id()));
  }

  @Test
  void eachNewEventAfterTheStartOfAMatchingContactIsAnOccurrence() throws Exception {
    String pro =
        createContact("{\"email\":\"p@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    String free =
        createContact("{\"email\":\"f@example.com\",\"custom_attributes\":{\"plan\":\"free\"}}");
    String archived =
        createContact("{\"email\":\"x@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    assertEquals(200, post("/contacts/" + archived + "/archive", "").status());
    record(pro, "bought", 1_000); // before the campaign: not an occurrence
    Campaign c = started("{\"type\":\"event\",\"event_name\":\"bought\"}");
    assertNotNull(c.startPosition());
    record(pro, "bought", 2_000);
    record(pro, "bought", 2_000); // the same event again: not recorded, not an occurrence
    record(pro, "bought", 3_000);
    record(pro, "browsed", 4_000);
    record(free, "bought", 5_000);
    record(archived, "bought", 6_000);
    Await.until(
        "two occurrences queued",
        Duration.ofSeconds(30),
        () -> server.store().sends(workspace(), c.id(), null, 0, 100).items().size(),
        n -> n >= 2);
    awaitTaskRounds("messaging-fanout", 2);
    var sends = server.store().sends(workspace(), c.id(), null, 0, 100).items();
    assertEquals(2, sends.size(), sends.toString());
    assertEquals(Set.of(pro), queuedContacts(c.id()));
    assertEquals(2, sends.stream().map(Send::occurrence).distinct().count(), "one per event");
  }
}
