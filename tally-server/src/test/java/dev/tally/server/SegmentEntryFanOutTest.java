package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.model.Campaign;
import dev.tally.core.model.Send;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.testkit.Await;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Segment-entry fan-out through a running Tally (SQLite and Lucene in process): each time a contact
 * goes from not in to in the segment it gets one first send, with the entry's oplog position as
 * occurrence; the members at the start get none; reading the oplog again queues nothing twice; a
 * relative-time segment is entered by the clock, found by the re-check.
 */
class SegmentEntryFanOutTest extends ApiTestBase {
  private static final String SEND =
      "{\"send\":{\"channel\":\"webhook\",\"url\":\"http://127.0.0.1:9/hook\",\"secret\":\"s\","
          + "\"body\":\"hi {{name}}\"}}";

  @Override
  protected Map<Setting, String> settings() {
    // Nothing delivered (the sends stay queued to be counted); the re-check every second.
    return Map.of(Settings.SENDER_INTERVAL, "0s", Settings.SEGMENT_RECHECK_INTERVAL, "1s");
  }

  private long workspace() {
    return Long.parseLong(defaultWorkspace());
  }

  private String segment(String query) {
    TallyHttp.Res r = post("/segments", "{\"name\":\"s\",\"query\":" + query + "}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  private static final String PRO =
      "{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"}";

  /**
   * Creates and starts a segment-entry campaign, and waits until its members at the start are
   * recorded.
   */
  private long started(String segmentId) {
    TallyHttp.Res r =
        post(
            "/campaigns",
            "{\"name\":\"c\",\"trigger\":{\"type\":\"segment_entry\",\"segment_id\":\""
                + segmentId
                + "\"},\"steps\":["
                + SEND
                + "]}");
    assertTrue(r.status() == 200 || r.status() == 201, r.toString());
    long id = Long.parseLong(r.json().get("id").asText());
    assertEquals(200, post("/campaigns/" + id + "/start", "").status());
    Await.until(
        "the campaign's members at the start recorded",
        Duration.ofSeconds(30),
        () -> server.store().campaign(workspace(), id).orElseThrow().fannedOutAt(),
        at -> at != null);
    return id;
  }

  private List<Send> sends(long campaignId) {
    return server.store().sends(workspace(), campaignId, null, 0, 100).items();
  }

  private void plan(String contact, String plan) {
    TallyHttp.Res r =
        http.call(
            "PUT",
            "/contacts/" + contact,
            token,
            "{\"custom_attributes\":{\"plan\":\"" + plan + "\"}}");
    assertEquals(200, r.status(), r.toString());
  }

  private boolean member(long campaignId, String contact) {
    return server
        .store()
        .segmentEntryMembers(campaignId, List.of(Long.parseLong(contact)))
        .containsKey(Long.parseLong(contact));
  }

  @Test
  void eachEntryIsOneSendAndTheMembersAtTheStartGetNone() throws Exception {
    String before =
        createContact("{\"email\":\"a@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    String later =
        createContact("{\"email\":\"b@example.com\",\"custom_attributes\":{\"plan\":\"free\"}}");
    long c = started(segment(PRO));
    assertTrue(member(c, before), "in the segment at the start: a member");
    plan(later, "pro");
    Await.until("one entry queued", Duration.ofSeconds(30), () -> sends(c).size(), n -> n >= 1);
    // Out, seen leaving, and back in: a second entry, a new occurrence.
    plan(later, "free");
    Await.until("the exit recorded", Duration.ofSeconds(30), () -> member(c, later), m -> !m);
    plan(later, "pro");
    Await.until("a second entry", Duration.ofSeconds(30), () -> sends(c).size(), n -> n >= 2);
    awaitTaskRounds("messaging-fanout", 2); // more rounds of the server's FanOut change nothing
    List<Send> sends = sends(c);
    assertEquals(2, sends.size(), sends.toString());
    for (Send s : sends) {
      assertEquals(Long.parseLong(later), s.contactId(), "the member at the start gets none");
    }
    assertEquals(2, sends.stream().map(Send::occurrence).distinct().count(), "one per entry");

    // The oplog read again from before the start: nothing queued twice.
    Campaign campaign = server.store().campaign(workspace(), c).orElseThrow();
    server
        .store()
        .write(
            tx -> {
              tx.setMessagingCursor("segments", campaign.startPosition() - 1);
              return null;
            });
    awaitTaskRounds("messaging-fanout", 2);
    assertEquals(sends, sends(c));
  }

  @Test
  void theClockMovesAContactIntoARelativeTimeSegmentAndTheRecheckFindsIt() throws Exception {
    long c = started(segment("{\"field\":\"created_at\",\"operator\":\"<\",\"value\":\"now-3s\"}"));
    String fresh = createContact("{\"email\":\"n@example.com\"}");
    awaitTaskRounds("messaging-fanout", 1);
    assertEquals(List.of(), sends(c), "created just now: not yet in");
    Await.until(
        "the clock moved it in", Duration.ofSeconds(30), () -> sends(c).size(), n -> n >= 1);
    awaitTaskRounds("messaging-fanout", 2);
    assertEquals(1, sends(c).size());
    assertEquals(Long.parseLong(fresh), sends(c).get(0).contactId());
  }
}
