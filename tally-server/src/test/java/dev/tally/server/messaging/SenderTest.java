package dev.tally.server.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.messaging.Backoff;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Send;
import dev.tally.messaging.webhook.Signatures;
import dev.tally.server.ApiTestBase;
import dev.tally.server.TallyHttp;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The sender on a real Tally (SQLite store, Lucene index) and real local webhook receivers: sends
 * queued straight into the store, one claim at a time ({@link Sender#runOnce}) on a clock the test
 * moves, so that nothing depends on how fast the machine is. The server's own sender is off
 * (sender-interval 0s) except in {@link #theServersOwnSenderDelivers}.
 */
class SenderTest extends ApiTestBase {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec-test";

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private final InstantSource clock = () -> now.get();
  private final List<AutoCloseable> closing = new ArrayList<>();
  private Sender sender;
  private long ws;

  @Override
  protected Map<Setting, String> settings() {
    // This test queues the sends itself: the server's own sender and fan-out stay off (its
    // campaigns are broadcasts, which the server's fan-out would otherwise queue first).
    return Map.of(Settings.SENDER_INTERVAL, "0s", Settings.FANOUT_INTERVAL, "0s");
  }

  @BeforeEach
  void setUp() {
    ws = Long.parseLong(defaultWorkspace());
    TallyHttp.Res attr =
        post(
            "/data_attributes",
            "{\"name\":\"plan\",\"model\":\"contact\",\"data_type\":\"string\"}");
    assertEquals(200, attr.status(), attr.toString());
    sender = sender(Duration.ofSeconds(5));
  }

  private Sender sender(Duration webhookTimeout) {
    Sender s =
        new Sender(
            server.store(),
            id ->
                new dev.tally.core.query.QueryParser(
                    dev.tally.core.query.QueryLimits.DEFAULTS,
                    name -> name.equals("plan") ? dev.tally.core.model.FieldType.STRING : null,
                    segment -> server.store().segment(id, segment).orElse(null)),
            Sender.Options.of(Duration.ZERO, 4, webhookTimeout),
            clock,
            new Random(42),
            null);
    closing.add(s);
    return s;
  }

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private WebhookReceiver receiver(WebhookReceiver r) {
    closing.add(r);
    return r;
  }

  // ---- fixtures ----

  private long contact(String name, String plan) {
    TallyHttp.Res r =
        post(
            "/contacts",
            "{\"role\":\"user\",\"email\":\""
                + name.toLowerCase()
                + "@example.com\",\"name\":\""
                + name
                + "\",\"custom_attributes\":{\"plan\":\""
                + plan
                + "\"}}");
    assertEquals(200, r.status(), r.toString());
    return Long.parseLong(r.json().get("id").asText());
  }

  private static String webhookStep(WebhookReceiver r) {
    return "{\"send\":{\"channel\":\"webhook\",\"url\":\""
        + r.url()
        + "\",\"secret\":\""
        + SECRET
        + "\",\"body\":\"Hello {{name}}, you are on {{custom_attributes.plan}}\"}}";
  }

  /** A running broadcast campaign to plan = pro with these steps. */
  private long campaign(String... steps) {
    return campaignWith("", steps);
  }

  /** As {@link #campaign}, with more fields ({@code "quiet_hours":…,}, ending in a comma). */
  private long campaignWith(String fields, String... steps) {
    String json =
        "{\"name\":\"c\",\"trigger\":{\"type\":\"broadcast\"},"
            + fields
            + "\"audience\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"},"
            + "\"steps\":["
            + String.join(",", steps)
            + "]}";
    Campaign c = server.store().write(tx -> tx.createCampaign(ws, "c", json)).value();
    server.store().write(tx -> tx.setCampaignState(ws, c.id(), Campaign.RUNNING));
    return c.id();
  }

  private void queue(long campaign, long contact, long dueAt, long expiresAt) {
    int n =
        server
            .store()
            .write(
                tx ->
                    tx.queueSends(
                        List.of(new Send.New(ws, campaign, 0, contact, 0, dueAt, expiresAt))))
            .value();
    assertEquals(1, n);
  }

  private void queue(long campaign, long contact) {
    long t = now.get().toEpochMilli();
    queue(campaign, contact, t, t + Duration.ofHours(24).toMillis());
  }

  private List<Send> sends(long campaign) {
    return server.store().sends(ws, campaign, null, 0, 100).items();
  }

  private Send only(long campaign) {
    List<Send> s = sends(campaign);
    assertEquals(1, s.size(), s.toString());
    return s.get(0);
  }

  /** The kill switch for every workspace. */
  private void paused(boolean on) {
    server
        .store()
        .write(
            tx -> {
              tx.setMessagingPaused(0, on);
              return null;
            });
  }

  /** One claim, and every delivery it started finished. */
  private int run() throws InterruptedException {
    int n = sender.runOnce();
    assertTrue(sender.awaitIdle(Duration.ofSeconds(60)), "deliveries finish");
    return n;
  }

  private static void await(String what, java.util.function.BooleanSupplier done)
      throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!done.getAsBoolean()) {
      assertTrue(System.nanoTime() < deadline, "timed out waiting until " + what);
      Thread.sleep(20);
    }
  }

  // ---- the path of one send ----

  @Test
  void aMatchingContactGetsASignedWebhookRenderedFromTheStore() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    long ada = contact("Ada", "pro");
    queue(c, ada);

    assertEquals(1, run());

    Send s = only(c);
    assertEquals(Send.SENT, s.state(), s.toString());
    assertEquals(200, s.lastStatus());
    assertEquals(1, s.attempts());
    assertEquals(1, r.received().size());
    WebhookReceiver.Request got = r.received().get(0);
    assertEquals(Long.toString(s.id()), got.header("Idempotency-Key"));
    assertEquals(
        Signatures.Verification.VALID,
        Signatures.verify(
            SECRET, got.header(Signatures.HEADER), got.body(), now.get(), Duration.ofMinutes(5)));
    JsonNode body = JSON.readTree(got.body());
    assertEquals("message.send", body.get("type").asText());
    assertEquals(Long.toString(s.id()), body.get("id").asText());
    assertEquals(Long.toString(c), body.get("campaign_id").asText());
    assertEquals("0", body.get("occurrence").asText());
    assertEquals("Hello Ada, you are on pro", body.get("body").asText());
    assertEquals(Long.toString(ada), body.get("contact").get("id").asText());
    assertEquals("ada@example.com", body.get("contact").get("email").asText());
    assertEquals("pro", body.get("contact").get("custom_attributes").get("plan").asText());

    assertEquals(0, run(), "a sent send is not claimed again");
    assertEquals(1, r.received().size());
  }

  @Test
  void theBodyIsRenderedFromTheDocumentAtSendTime() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    long ada = contact("Ada", "pro");
    queue(c, ada);
    assertEquals(200, http.call("PUT", "/contacts/" + ada, token, "{\"name\":\"Ada L\"}").status());
    run();
    assertEquals(
        "Hello Ada L, you are on pro",
        JSON.readTree(r.received().get(0).body()).get("body").asText());
  }

  @Test
  void aContactThatStoppedMatchingIsSkippedAndNothingIsDelivered() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    long bob = contact("Bob", "pro");
    queue(c, bob);
    TallyHttp.Res downgrade =
        http.call("PUT", "/contacts/" + bob, token, "{\"custom_attributes\":{\"plan\":\"free\"}}");
    assertEquals(200, downgrade.status(), downgrade.toString());

    run();

    Send s = only(c);
    assertEquals(Send.SKIPPED, s.state());
    assertEquals("no_longer_matches", s.reason());
    assertEquals(0, r.received().size());
  }

  @Test
  void archivedAndDeletedContactsAreSkippedWithTheirReasons() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    long archived = contact("Arch", "pro");
    long deleted = contact("Del", "pro");
    queue(c, archived);
    queue(c, deleted);
    assertEquals(200, post("/contacts/" + archived + "/archive", null).status());
    assertEquals(200, http.call("DELETE", "/contacts/" + deleted, token, null).status());

    run();

    for (Send s : sends(c)) {
      assertEquals(Send.SKIPPED, s.state(), s.toString());
      assertEquals(s.contactId() == archived ? "archived" : "contact_deleted", s.reason());
    }
    assertEquals(0, r.received().size());
  }

  @Test
  void aServerErrorIsRetriedWithTheSameKeyThenSent() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(500, 200));
    long c = campaign(webhookStep(r));
    queue(c, contact("Ada", "pro"));

    run();
    Send first = only(c);
    assertEquals(Send.QUEUED, first.state(), first.toString());
    assertEquals(500, first.lastStatus());
    assertEquals(1, first.attempts());
    assertTrue(first.dueAt() > now.get().toEpochMilli() - 1, "due again later");
    assertEquals(0, run(), "not due again before its backoff");

    now.set(now.get().plus(Backoff.DEFAULT.ceiling(1)).plusMillis(1));
    run();
    Send second = only(c);
    assertEquals(Send.SENT, second.state(), second.toString());
    assertEquals(2, second.attempts());
    assertEquals(2, r.received().size());
    assertEquals(
        r.received().get(0).header("Idempotency-Key"),
        r.received().get(1).header("Idempotency-Key"));
  }

  @Test
  void aRateLimitIsRetriedNoSoonerThanItsRetryAfterThenSent() throws Exception {
    WebhookReceiver r =
        receiver(
            WebhookReceiver.answering(
                WebhookReceiver.Answer.status(429).header("Retry-After", "120"),
                WebhookReceiver.Answer.status(200)));
    long c = campaign(webhookStep(r));
    queue(c, contact("Ada", "pro"));
    Instant first = now.get();
    run();
    Send limited = only(c);
    assertEquals(Send.QUEUED, limited.state(), limited.toString());
    assertEquals(429, limited.lastStatus());
    assertTrue(limited.dueAt() >= first.plusSeconds(120).toEpochMilli(), limited.toString());
    now.set(first.plusSeconds(119));
    assertEquals(0, run(), "not before Retry-After");
    now.set(first.plusSeconds(121));
    run();
    Send sent = only(c);
    assertEquals(Send.SENT, sent.state(), sent.toString());
    assertEquals(2, sent.attempts());
    assertEquals(
        r.received().get(0).header("Idempotency-Key"),
        r.received().get(1).header("Idempotency-Key"));
  }

  @Test
  void aTimedOutDeliveryIsRetriedWithTheSameKeyThenSent() throws Exception {
    sender = sender(Duration.ofSeconds(1));
    WebhookReceiver r =
        receiver(
            WebhookReceiver.answering(
                WebhookReceiver.Answer.status(200).after(Duration.ofSeconds(3)),
                WebhookReceiver.Answer.status(200)));
    long c = campaign(webhookStep(r));
    queue(c, contact("Ada", "pro"));
    run();
    Send timedOut = only(c);
    assertEquals(Send.QUEUED, timedOut.state(), timedOut.toString());
    assertEquals(1, timedOut.attempts());
    assertNotNull(timedOut.reason());
    now.set(now.get().plus(Backoff.DEFAULT.ceiling(1)).plusMillis(1));
    run();
    Send sent = only(c);
    assertEquals(Send.SENT, sent.state(), sent.toString());
    assertEquals(2, sent.attempts());
    assertEquals(2, r.received().size());
    assertEquals(
        r.received().get(0).header("Idempotency-Key"),
        r.received().get(1).header("Idempotency-Key"));
  }

  @Test
  void retriesThatRunPastExpiresAfterEndExpiredWithTheLastAnswer() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(500));
    long c = campaign(webhookStep(r));
    long t = now.get().toEpochMilli();
    queue(c, contact("Ada", "pro"), t, t + Duration.ofMinutes(1).toMillis());
    for (int i = 0; i < 20 && !only(c).isFinal(); i++) {
      run();
      now.set(Instant.ofEpochMilli(Math.max(now.get().toEpochMilli(), only(c).dueAt()) + 1));
    }
    Send s = only(c);
    assertEquals(Send.EXPIRED, s.state(), s.toString());
    assertEquals(500, s.lastStatus(), "the last answer stays on the expired send");
    assertTrue(s.reason().contains("500"), s.toString());
    assertTrue(s.attempts() >= 1);
    assertEquals(s.attempts(), r.received().size());
  }

  @Test
  void goneIsFailedForGood() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(410));
    long c = campaign(webhookStep(r));
    queue(c, contact("Ada", "pro"));
    run();
    Send s = only(c);
    assertEquals(Send.FAILED, s.state(), s.toString());
    assertEquals(410, s.lastStatus());
    assertNotNull(s.reason());
  }

  @Test
  void aHangingReceiverIsRetriedAndDelaysNoOtherCampaign() throws Exception {
    sender = sender(Duration.ofSeconds(2));
    WebhookReceiver hanging = receiver(WebhookReceiver.hanging());
    WebhookReceiver fine = receiver(WebhookReceiver.answering(200));
    long slow = campaign(webhookStep(hanging));
    long fast = campaign(webhookStep(fine));
    long ada = contact("Ada", "pro");
    queue(slow, ada);
    queue(fast, ada);

    assertEquals(2, sender.runOnce());
    // Served while the other delivery still hangs.
    await("the other campaign's send is sent", () -> Send.SENT.equals(only(fast).state()));
    assertEquals(Send.QUEUED, only(slow).state(), "the hanging one is still in flight");
    assertTrue(sender.awaitIdle(Duration.ofSeconds(60)));

    Send s = only(slow);
    assertEquals(Send.QUEUED, s.state(), s.toString());
    assertEquals(1, s.attempts());
    assertNotNull(s.reason());
    assertEquals(1, fine.received().size());
  }

  @Test
  void theKillSwitchHoldsEveryDeliveryUntilResumed() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    queue(c, contact("Ada", "pro"));
    paused(true);

    assertEquals(0, run());
    assertEquals(0, r.received().size());
    assertEquals(Send.QUEUED, only(c).state());

    paused(false);
    assertEquals(1, run());
    assertEquals(Send.SENT, only(c).state());
    assertEquals(1, r.received().size());
  }

  @Test
  void aSendPastItsExpiryIsExpiredWithItsReason() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r));
    long t = now.get().toEpochMilli();
    queue(c, contact("Ada", "pro"), t - Duration.ofHours(2).toMillis(), t - 1);
    run();
    Send s = only(c);
    assertEquals(Send.EXPIRED, s.state(), s.toString());
    assertEquals(Sender.NOT_DELIVERED, s.reason());
    assertEquals(0, r.received().size());
  }

  @Test
  void theNextStepIsQueuedAfterTheWaitsWhenASendGoesOut() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    long c = campaign(webhookStep(r), "{\"wait\":\"2h\"}", "{\"wait\":\"30m\"}", webhookStep(r));
    queue(c, contact("Ada", "pro"));
    Instant sentAt = now.get();

    run();

    List<Send> s = sends(c);
    assertEquals(2, s.size(), s.toString());
    Send next = s.stream().filter(x -> x.step() == 3).findFirst().orElseThrow();
    assertEquals(Send.QUEUED, next.state());
    assertEquals(sentAt.plus(Duration.ofMinutes(150)).toEpochMilli(), next.dueAt());
    assertEquals(next.dueAt() + Duration.ofHours(24).toMillis(), next.expiresAt());
    assertEquals(0, run(), "not due for 2h30");

    now.set(sentAt.plus(Duration.ofMinutes(151)));
    run();
    assertTrue(sends(c).stream().allMatch(x -> Send.SENT.equals(x.state())), sends(c).toString());
    assertEquals(2, r.received().size());
  }

  // ---- subscription types and the workspace's time zone, read from the store at send ----

  private String subscriptionType(String body) {
    return newSubscriptionTypeFrom(Long.toString(ws), body);
  }

  private void choose(long contact, String type, String consentType) {
    TallyHttp.Res r =
        post(
            "/contacts/" + contact + "/subscriptions",
            "{\"id\":\"" + type + "\",\"consent_type\":\"" + consentType + "\"}");
    assertEquals(200, r.status(), r.toString());
  }

  private void unchoose(long contact, String type) {
    TallyHttp.Res r =
        http.call("DELETE", "/contacts/" + contact + "/subscriptions/" + type, token, null);
    assertEquals(200, r.status(), r.toString());
  }

  private Map<Long, Send> byContact(long campaign) {
    Map<Long, Send> out = new java.util.HashMap<>();
    sends(campaign).forEach(s -> out.put(s.contactId(), s));
    return out;
  }

  @Test
  void anOptInTypeSendsOnlyToContactsOptedInWhenTheSendGoesOut() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    String news = subscriptionType("{\"name\":\"News\",\"consent_type\":\"opt_in\"}");
    long c = campaignWith("\"subscription_type_id\":\"" + news + "\",", webhookStep(r));
    long ada = contact("Ada", "pro");
    long bob = contact("Bob", "pro");
    long cy = contact("Cy", "pro");
    choose(ada, news, "opt_in");
    choose(cy, news, "opt_in");
    queue(c, ada);
    queue(c, bob);
    queue(c, cy);
    unchoose(cy, news); // after queueing: the send checks the store's choice, not the queue's

    run();

    Map<Long, Send> s = byContact(c);
    assertEquals(Send.SENT, s.get(ada).state(), s.get(ada).toString());
    for (long skipped : List.of(bob, cy)) {
      assertEquals(Send.SKIPPED, s.get(skipped).state(), s.get(skipped).toString());
      assertEquals("not_subscribed", s.get(skipped).reason());
    }
    assertEquals(1, r.received().size());
  }

  @Test
  void anOptOutTypeSendsUnlessTheContactOptedOutBeforeTheSendWentOut() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    String tips = subscriptionType("{\"name\":\"Tips\",\"consent_type\":\"opt_out\"}");
    long c = campaignWith("\"subscription_type_id\":\"" + tips + "\",", webhookStep(r));
    long ada = contact("Ada", "pro");
    long bob = contact("Bob", "pro");
    queue(c, ada);
    queue(c, bob);
    choose(bob, tips, "opt_out");

    run();

    Map<Long, Send> s = byContact(c);
    assertEquals(Send.SENT, s.get(ada).state(), "no choice on an opt-out type: subscribed");
    assertEquals(Send.SKIPPED, s.get(bob).state());
    assertEquals("not_subscribed", s.get(bob).reason());
    assertEquals(1, r.received().size());
  }

  @Test
  void anArchivedTypeOrOneWithoutEmailLetsNothingThrough() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    String archived =
        subscriptionType("{\"name\":\"Old\",\"consent_type\":\"opt_out\",\"state\":\"archived\"}");
    String smsOnly =
        subscriptionType(
            "{\"name\":\"Texts\",\"consent_type\":\"opt_out\","
                + "\"content_types\":[\"sms_message\"]}");
    long hook = campaignWith("\"subscription_type_id\":\"" + archived + "\",", webhookStep(r));
    long mail =
        campaignWith(
            "\"subscription_type_id\":\"" + smsOnly + "\",",
            "{\"send\":{\"channel\":\"email\",\"from\":\"team@example.com\","
                + "\"subject\":\"Hi\",\"body\":\"Hello\"}}");
    long ada = contact("Ada", "pro");
    queue(hook, ada);
    queue(mail, ada);

    run();

    for (long c : List.of(hook, mail)) {
      Send s = only(c);
      assertEquals(Send.SKIPPED, s.state(), s.toString());
      assertEquals("not_subscribed", s.reason());
    }
    assertEquals(0, r.received().size());
  }

  @Test
  void quietHoursFallBackToTheWorkspacesTimeZone() throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    now.set(Instant.parse("2030-06-03T12:00:00Z")); // 21:00 in Tokyo
    TallyHttp.Res zone =
        http.call("PUT", "/admin/workspaces/" + ws, ADMIN, "{\"time_zone\":\"Asia/Tokyo\"}");
    assertEquals(200, zone.status(), zone.toString());
    long c =
        campaignWith("\"quiet_hours\":{\"start\":\"20:00\",\"end\":\"08:00\"},", webhookStep(r));
    long ada = contact("Ada", "pro");
    TallyHttp.Res utc =
        post(
            "/contacts",
            "{\"role\":\"user\",\"email\":\"utc@example.com\",\"custom_attributes\":"
                + "{\"plan\":\"pro\",\"time_zone\":\"UTC\"}}");
    assertEquals(200, utc.status(), utc.toString());
    long inUtc = Long.parseLong(utc.json().get("id").asText());
    queue(c, ada);
    queue(c, inUtc);

    run();

    Map<Long, Send> s = byContact(c);
    assertEquals(Send.HELD, s.get(ada).state(), "quiet in the workspace's Tokyo");
    assertEquals(Instant.parse("2030-06-03T23:00:00Z").toEpochMilli(), s.get(ada).dueAt());
    assertEquals(Send.SENT, s.get(inUtc).state(), "the contact's own zone wins: noon in UTC");
  }

  @Test
  void anEmailIsHeldWhileNoSmtpServerIsConfigured() throws Exception {
    long c =
        campaign(
            "{\"send\":{\"channel\":\"email\",\"from\":\"team@example.com\",\"subject\":\"Hi\",\"body\":\"Hello {{name}}\"}}");
    queue(c, contact("Ada", "pro"));
    run();
    Send s = only(c);
    assertEquals(Send.HELD, s.state(), s.toString());
    assertEquals(Sender.NO_SMTP, s.reason());
  }

  @Test
  void theServersOwnSenderDelivers(@TempDir Path other) throws Exception {
    WebhookReceiver r = receiver(WebhookReceiver.answering(200));
    StartedTally t = ApiTestBase.startTally(other, Map.of());
    closing.add(t.server());
    TallyHttp h = new TallyHttp(t.server().port());
    long workspace =
        Long.parseLong(
            h.call("GET", "/admin/workspaces", ADMIN, null)
                .json()
                .get("data")
                .get(0)
                .get("id")
                .asText());
    TallyHttp.Res attr =
        h.call(
            "POST",
            "/data_attributes",
            t.token(),
            "{\"name\":\"plan\",\"model\":\"contact\",\"data_type\":\"string\"}");
    assertEquals(200, attr.status(), attr.toString());
    TallyHttp.Res contact =
        h.call(
            "POST",
            "/contacts",
            t.token(),
            "{\"role\":\"user\",\"email\":\"ada@example.com\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    long ada = Long.parseLong(contact.json().get("id").asText());
    String json =
        "{\"name\":\"c\",\"trigger\":{\"type\":\"broadcast\"},\"steps\":[" + webhookStep(r) + "]}";
    var store = t.server().store();
    Campaign c = store.write(tx -> tx.createCampaign(workspace, "c", json)).value();
    store.write(tx -> tx.setCampaignState(workspace, c.id(), Campaign.RUNNING));
    long at = System.currentTimeMillis();
    store.write(
        tx ->
            tx.queueSends(List.of(new Send.New(workspace, c.id(), 0, ada, 0, at, at + 3_600_000))));

    Predicate<Send> sent = s -> Send.SENT.equals(s.state());
    await(
        "the server's sender sends it",
        () -> sent.test(store.sends(workspace, c.id(), null, 0, 10).items().get(0)));
    assertEquals(1, r.received().size());
    String metrics = h.call("GET", "/metrics", ADMIN, null).raw().body();
    assertTrue(
        metrics.contains("tally_messaging_sends_recorded_total{reason=\"\",state=\"sent\"} 1.0"),
        metrics);
    assertTrue(metrics.contains("tally_messaging_sends_due 0"), metrics);
    assertTrue(metrics.contains("tally_messaging_delivery_duration_seconds"), metrics);
  }
}
