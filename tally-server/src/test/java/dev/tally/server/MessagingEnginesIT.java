package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.messaging.webhook.Signatures;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.messaging.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The campaign API on every store × index mix, through HTTP with the server's own fan-out and
 * sender and a real webhook receiver: an event campaign and a broadcast to the pro contacts (a
 * third of them are on free and get nothing), one pro contact downgraded between fan-out and send
 * (skipped {@code no_longer_matches}); every matching contact gets exactly one signed delivery per
 * campaign, and GET /campaigns/{id} and the pages of GET /campaigns/{id}/sends say so.
 */
class MessagingEnginesIT {
  private static final int CONTACTS = 12;
  private static final Duration LONG = Duration.ofSeconds(90);

  @ParameterizedTest
  @EnumSource(TestEngines.Combo.class)
  void theCampaignApiDeliversExactlyToTheAudience(TestEngines.Combo combo, @TempDir Path data)
      throws Exception {
    try (TestEngines engines = new TestEngines();
        WebhookReceiver receiver = WebhookReceiver.answering(200)) {
      Map<Setting, String> settings = new HashMap<>(engines.settings(combo));
      settings.put(Settings.SENDER_INTERVAL, "100ms");
      var started = ApiTestBase.startTally(data, settings);
      try (TallyServer server = started.server()) {
        TallyHttp http = new TallyHttp(server.port());
        CampaignClient api = new CampaignClient(http, started.token());
        Set<String> pro = api.contacts("e" + combo.ordinal() + "-", CONTACTS);
        List<String> all = api.firstContactIds();
        assertEquals(CONTACTS, all.size());

        String onEvent =
            api.create(
                "thanks",
                "{\"type\":\"event\",\"event_name\":\"bought\"}",
                CampaignClient.PRO,
                null,
                CampaignClient.webhookStep(receiver.url(), "Thanks {{name}}"));
        String broadcast =
            api.create(
                "news",
                "{\"type\":\"broadcast\"}",
                CampaignClient.PRO,
                null,
                CampaignClient.webhookStep(receiver.url(), "News for {{name}}"));
        // The kill switch holds the broadcast's sends in the queue, so that one pro contact can
        // stop matching between fan-out and its send.
        api.messagingPaused(true);
        api.start(broadcast);
        api.awaitCounts(
            broadcast,
            "the broadcast fanned out to the pro contacts",
            LONG,
            c -> c.getOrDefault("queued", 0L) == pro.size());
        String downgraded = pro.iterator().next();
        TallyHttp.Res d =
            http.call(
                "PUT",
                "/contacts/" + downgraded,
                started.token(),
                "{\"custom_attributes\":{\"plan\":\"free\"}}");
        assertEquals(200, d.status(), d.toString());
        api.messagingPaused(false);

        api.start(onEvent);
        for (String contact : all) {
          api.event(contact, "bought");
        }
        Set<String> stillPro = new TreeSet<>(pro);
        stillPro.remove(downgraded);
        Map<String, Long> eventCounts =
            api.awaitCounts(
                onEvent,
                "every still-pro contact's event delivered",
                LONG,
                c -> c.getOrDefault("sent", 0L) == stillPro.size());
        Map<String, Long> broadcastCounts =
            api.awaitCounts(
                broadcast,
                "the broadcast delivered",
                LONG,
                c -> c.getOrDefault("sent", 0L) + c.getOrDefault("skipped", 0L) == pro.size());
        // More rounds of fan-out and sending: nothing more goes out.
        ApiTestBase.awaitTaskRounds(http, "messaging-fanout", 2);
        ApiTestBase.awaitTaskRounds(http, "sender", 2);

        assertEquals(Map.of("sent", (long) stillPro.size()), api.counts(onEvent), combo.name());
        assertEquals(eventCounts, api.counts(onEvent));
        assertEquals(
            Map.of("sent", (long) stillPro.size(), "skipped", 1L),
            api.counts(broadcast),
            combo.name() + " " + broadcastCounts);
        JsonNode skipped = api.sends(broadcast, "skipped", 5).get(0);
        assertEquals(downgraded, skipped.get("contact_id").asText());
        assertEquals("no_longer_matches", skipped.get("reason").asText());

        // Deliveries: exactly one per (campaign, matching contact), signed, keyed by the send id.
        Map<String, Set<String>> byCampaign = new HashMap<>();
        Set<String> keys = new HashSet<>();
        for (var r : receiver.received()) {
          CampaignClient.Delivered got = CampaignClient.Delivered.of(r);
          assertTrue(
              byCampaign.computeIfAbsent(got.campaign(), k -> new TreeSet<>()).add(got.contact()),
              "contact " + got.contact() + " got campaign " + got.campaign() + " twice");
          assertTrue(keys.add(got.idempotencyKey()), "an Idempotency-Key twice");
          assertEquals(got.sendId(), got.idempotencyKey());
          assertNotNull(got.signature(), "Tally-Signature missing");
          assertEquals(
              Signatures.Verification.VALID,
              Signatures.verify(
                  CampaignClient.SECRET,
                  got.signature(),
                  got.body(),
                  Instant.now(),
                  Duration.ofMinutes(5)));
        }
        assertEquals(stillPro, byCampaign.get(onEvent), "event deliveries on " + combo);
        assertEquals(stillPro, byCampaign.get(broadcast), "broadcast deliveries on " + combo);

        // The sends, paged: every send once, in pages of 3, all of them and by state.
        for (String c : List.of(onEvent, broadcast)) {
          Set<String> sentTo = new TreeSet<>();
          for (JsonNode s : api.sends(c, "sent", 3)) {
            assertTrue(sentTo.add(s.get("contact_id").asText()));
            assertEquals("sent", s.get("state").asText());
            assertEquals(1, s.get("attempts").asInt(), s.toString());
          }
          assertEquals(stillPro, sentTo);
        }
        assertEquals(pro.size(), api.sends(broadcast, null, 3).size());
        System.out.printf(
            "MessagingEnginesIT %s: %d deliveries to %d matching contacts of %d%n",
            combo, receiver.received().size(), stillPro.size(), CONTACTS);
      }
    }
  }
}
