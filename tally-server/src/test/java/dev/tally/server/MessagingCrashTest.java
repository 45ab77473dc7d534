package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.messaging.WebhookReceiver;
import dev.tally.testkit.Await;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Messaging under kill -9 (issue 13, docs/messaging.md): Tally (a child process, SQLite and Lucene)
 * is killed at a random point while a broadcast fans out, and while sends are delivered to a
 * receiver that records every request; then started again on the same data.
 *
 * <ul>
 *   <li>Fan-out: afterwards every matching contact has exactly one send, and no other contact any.
 *   <li>Delivery: afterwards every send is {@code sent}, each (campaign, step, contact, occurrence)
 *       reached the receiver at least once, and every repeat carried the Idempotency-Key of the
 *       first: one key per (step, contact, occurrence), the send's id.
 * </ul>
 *
 * <p>Reproduce one run with {@code -Dtally.msgcrash.seeds=SEED} (several: comma-separated; seed 1
 * kills the fan-out half-way, after its first page of 1000).
 */
class MessagingCrashTest {
  private static final Duration LONG = Duration.ofSeconds(120);

  @TempDir Path dir;

  static Stream<Long> seeds() {
    String given = System.getProperty("tally.msgcrash.seeds");
    if (given != null && !given.isBlank()) {
      return Stream.of(given.split(",")).map(String::trim).map(Long::parseLong);
    }
    // One random seed a run keeps the test short; the kill point varies from run to run.
    return LongStream.of(new Random().nextLong()).boxed();
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void killedDuringFanOutEveryMatchingContactGetsExactlyOneSend(long seed) throws Exception {
    System.out.println("MessagingCrashTest fan-out: reproduce with -Dtally.msgcrash.seeds=" + seed);
    Random random = new Random(seed);
    int contacts = 3_000;
    Path data = dir.resolve("data");
    Path log = dir.resolve("tally.log");
    final String campaign;
    String token;
    long killedAfter;
    try (WebhookReceiver receiver = WebhookReceiver.answering(200)) {
      TallyProcess first = TallyProcess.start(data, log);
      token = first.token;
      CampaignClient api = new CampaignClient(new TallyHttp(first.port), token);
      api.contacts("f" + seed + "-", contacts);
      // Nothing is delivered: this test is about the queue fan-out fills.
      api.messagingPaused(true);
      campaign =
          api.create(
              "crash-fanout",
              "{\"type\":\"broadcast\"}",
              CampaignClient.PRO,
              null,
              CampaignClient.webhookStep(receiver.url(), "hi {{name}}"));
      api.start(campaign);
      // Fan-out runs every second and queues a page of 1000 contacts per transaction: the kill
      // comes a random moment (0-250 ms) after the first page is seen, or before any at all.
      long started = System.nanoTime();
      if (random.nextInt(4) > 0) {
        Await.until(
            "the first page queued",
            LONG,
            () -> api.counts(campaign).getOrDefault("queued", 0L),
            n -> n > 0);
      }
      TimeUnit.MILLISECONDS.sleep(random.nextInt(250));
      killedAfter = (System.nanoTime() - started) / 1_000_000;
      first.kill();
    }
    long queuedAtKill = sendRows(data, campaign);
    System.out.printf(
        "MessagingCrashTest fan-out: killed %d ms after the start with %d of %d sends queued%n",
        killedAfter, queuedAtKill, contacts - (contacts + 2) / 3);

    try (TallyProcess second = TallyProcess.start(data, log)) {
      TallyHttp http = new TallyHttp(second.port);
      CampaignClient api = new CampaignClient(http, token);
      Set<String> pro = api.proIds("f" + seed + "-", contacts);
      api.awaitCounts(
          campaign,
          "the broadcast fanned out after the restart",
          LONG,
          c -> c.getOrDefault("queued", 0L) >= pro.size());
      ApiTestBase.awaitTaskRounds(http, "messaging-fanout", 2);
      assertEquals(Map.of("queued", (long) pro.size()), api.counts(campaign), "seed " + seed);
      Set<String> queuedFor = new TreeSet<>();
      for (JsonNode s : api.sends(campaign, null, 150)) {
        assertTrue(
            queuedFor.add(s.get("contact_id").asText()),
            "contact " + s.get("contact_id") + " has two sends (seed " + seed + ")");
        assertEquals("0", s.get("occurrence").asText());
      }
      assertEquals(
          new TreeSet<>(pro), queuedFor, "the sends are the pro contacts' (seed " + seed + ")");
    }
  }

  @ParameterizedTest(name = "seed {0}")
  @MethodSource("seeds")
  void killedDuringDeliveryEverySendEndsSentAndRepeatsKeepTheirKey(long seed) throws Exception {
    System.out.println(
        "MessagingCrashTest delivery: reproduce with -Dtally.msgcrash.seeds=" + seed);
    Random random = new Random(seed);
    int contacts = 450; // 300 on pro, two send steps each: 600 deliveries
    Path data = dir.resolve("data");
    Path log = dir.resolve("tally.log");
    // A short lease, so that the sends in flight at the kill are claimed again soon after.
    String[] flags = {
      "--sender-interval", "50ms",
      "--sender-threads", "4",
      "--webhook-timeout", "2s",
      "--sender-lease", "5s"
    };
    try (WebhookReceiver receiver =
        WebhookReceiver.answering(
            WebhookReceiver.Answer.status(200).after(Duration.ofMillis(10)))) {
      TallyProcess first = TallyProcess.start(data, log, flags);
      String token = first.token;
      CampaignClient api = new CampaignClient(new TallyHttp(first.port), token);
      api.contacts("d" + seed + "-", contacts);
      String campaign =
          api.create(
              "crash-delivery",
              "{\"type\":\"broadcast\"}",
              CampaignClient.PRO,
              null,
              CampaignClient.webhookStep(receiver.url(), "step0 {{name}}"),
              CampaignClient.webhookStep(receiver.url(), "step1 {{name}}"));
      api.start(campaign);
      int killAt = 20 + random.nextInt(500);
      Await.until(
          killAt + " deliveries before the kill",
          LONG,
          () -> receiver.received().size(),
          n -> n >= killAt);
      first.kill();
      int beforeKill = receiver.received().size();
      System.out.printf(
          "MessagingCrashTest delivery: killed after %d deliveries (aimed at %d) of 600%n",
          beforeKill, killAt);

      try (TallyProcess second = TallyProcess.start(data, log, flags)) {
        CampaignClient after = new CampaignClient(new TallyHttp(second.port), token);
        Set<String> pro = after.proIds("d" + seed + "-", contacts);
        Map<String, Long> counts =
            after.awaitCounts(
                campaign,
                "every send sent after the restart",
                LONG,
                c -> c.getOrDefault("sent", 0L) == 2L * pro.size());
        assertEquals(Map.of("sent", 2L * pro.size()), counts, "seed " + seed);
        List<JsonNode> sends = after.sends(campaign, null, 150);
        Map<String, JsonNode> sendById = new HashMap<>();
        sends.forEach(s -> sendById.put(s.get("id").asText(), s));

        // Key: step, contact, occurrence (one campaign) → the Idempotency-Keys it was delivered
        // with.
        Map<String, Set<String>> keysOf = new HashMap<>();
        Set<String> deliveredSends = new HashSet<>();
        int repeats = 0;
        for (var r : receiver.received()) {
          CampaignClient.Delivered d = CampaignClient.Delivered.of(r);
          assertEquals(campaign, d.campaign());
          assertEquals(d.sendId(), d.idempotencyKey(), "the key is the send's id");
          String step =
              new String(d.body(), java.nio.charset.StandardCharsets.UTF_8)
                      .contains("\"body\":\"step0 ")
                  ? "0"
                  : "1";
          JsonNode send = sendById.get(d.sendId());
          assertTrue(send != null, "delivered send " + d.sendId() + " is not in the store");
          assertEquals(d.contact(), send.get("contact_id").asText());
          assertEquals(step, send.get("step").asText(), "the body of its step");
          keysOf
              .computeIfAbsent(
                  step + "/" + d.contact() + "/" + d.occurrence(), k -> new TreeSet<>())
              .add(d.idempotencyKey());
          if (!deliveredSends.add(d.sendId())) {
            repeats++;
          }
        }
        keysOf.forEach(
            (k, keys) ->
                assertEquals(
                    1,
                    keys.size(),
                    "two Idempotency-Keys for " + k + ": " + keys + " (seed " + seed + ")"));
        assertEquals(2 * pro.size(), keysOf.size(), "every (step, contact) delivered");
        assertEquals(sendById.keySet(), deliveredSends, "every send reached the receiver");
        System.out.printf(
            "MessagingCrashTest delivery: %d deliveries of %d sends, %d repeated with their key%n",
            receiver.received().size(), sends.size(), repeats);
      }
    }
  }

  /** The campaign's rows in the send queue, read from the SQLite file of a dead process. */
  private static long sendRows(Path data, String campaign) throws SQLException {
    try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
        ResultSet r =
            c.createStatement()
                .executeQuery(
                    "SELECT COUNT(*) FROM sends WHERE campaign_id = " + Long.parseLong(campaign))) {
      return r.next() ? r.getLong(1) : 0;
    }
  }
}
