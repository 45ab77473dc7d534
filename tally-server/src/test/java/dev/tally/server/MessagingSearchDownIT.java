package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.messaging.WebhookReceiver;
import dev.tally.testkit.TcpProxy;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * T14: search is down while messages are due. Tally (a child process: SQLite store, OpenSearch
 * reached through a TCP proxy) loses OpenSearch; meanwhile contacts' events trigger two event
 * campaigns and a broadcast is started.
 *
 * <ul>
 *   <li>The event sends pass their final check on the store and are delivered, search or not.
 *   <li>Those to a receiver that keeps answering 503 are retried until {@code expires_after}, then
 *       recorded {@code expired} with the receiver's answer as the reason.
 *   <li>The broadcast, which needs the index to fan out, waits: no sends, readiness says why and
 *       the log says the broadcast waits; once OpenSearch is back it fans out and is delivered.
 *   <li>Nothing is lost: every send ends in a final state, each contact once per campaign.
 * </ul>
 */
class MessagingSearchDownIT {
  private static final int CONTACTS = 30; // 20 on pro
  private static final Duration LONG = Duration.ofSeconds(120);

  @TempDir Path dir;

  @Test
  void checkedSendsGoOutBroadcastsWaitAndExpiredOnesAreRecorded() throws Exception {
    URI os = URI.create(TestEngines.openSearchUrl());
    try (TestEngines engines = new TestEngines();
        TcpProxy proxy = new TcpProxy(os.getHost(), os.getPort());
        WebhookReceiver ok = WebhookReceiver.answering(200);
        WebhookReceiver unavailable = WebhookReceiver.answering(503)) {
      proxy.start();
      Map<Setting, String> settings =
          new HashMap<>(engines.settings(TestEngines.Combo.SQLITE_OPENSEARCH));
      settings.put(Settings.INDEX_URL, "http://127.0.0.1:" + proxy.port());
      settings.put(Settings.SENDER_INTERVAL, "100ms");
      settings.put(Settings.WEBHOOK_TIMEOUT, "2s");
      settings.put(Settings.SENDER_LEASE, "4s");
      List<String> flags = new ArrayList<>();
      settings.forEach(
          (setting, value) -> {
            flags.add(setting.flagName());
            flags.add(value);
          });
      Path log = dir.resolve("tally.log");
      try (TallyProcess tally =
          TallyProcess.start(dir.resolve("data"), log, flags.toArray(String[]::new))) {
        TallyHttp http = new TallyHttp(tally.port);
        CampaignClient api = new CampaignClient(http, tally.token);
        Set<String> pro = api.contacts("t14-", CONTACTS);
        List<String> all = api.firstContactIds();
        assertEquals(CONTACTS, all.size());
        String delivered =
            api.create(
                "t14-delivered",
                "{\"type\":\"event\",\"event_name\":\"ordered\"}",
                CampaignClient.PRO,
                null,
                CampaignClient.webhookStep(ok.url(), "thanks {{name}}"));
        String expiring =
            api.create(
                "t14-expiring",
                "{\"type\":\"event\",\"event_name\":\"ordered\"}",
                CampaignClient.PRO,
                "\"expires_after\":\"1m\"",
                CampaignClient.webhookStep(unavailable.url(), "later {{name}}"));
        String broadcast =
            api.create(
                "t14-broadcast",
                "{\"type\":\"broadcast\"}",
                CampaignClient.PRO,
                null,
                CampaignClient.webhookStep(ok.url(), "news {{name}}"));
        api.start(delivered);
        api.start(expiring);

        // Search goes away.
        proxy.stop();
        String notReady = OpenSearchOutageIT.awaitReady(http, false, 60);
        System.out.println("T14: readiness while OpenSearch is away: " + notReady);
        for (String contact : all) {
          api.event(contact, "ordered");
        }
        api.start(broadcast);

        // Checked against the store and delivered while search is down.
        api.awaitCounts(
            delivered,
            "the event sends delivered with search down",
            LONG,
            c -> c.getOrDefault("sent", 0L) == pro.size());
        // Retried until expires_after (its least, a minute), then expired with the receiver's
        // answer.
        api.awaitCounts(
            expiring,
            "the sends to the unavailable receiver expired",
            LONG,
            c -> c.getOrDefault("expired", 0L) == pro.size());
        for (JsonNode s : api.sends(expiring, "expired", 50)) {
          assertTrue(s.get("attempts").asInt() >= 1, s.toString());
          assertEquals(503, s.get("last_status").asInt(), s.toString());
          assertFalse(s.get("reason").asText("").isBlank(), "an expired send says why: " + s);
        }
        // The broadcast waits for the index, and says so.
        ApiTestBase.awaitTaskRounds(http, "messaging-fanout", 2);
        assertEquals(Map.of(), api.counts(broadcast), "no broadcast sends without the index");
        assertEquals(
            503, http.call("GET", "/health/ready", null, null).status(), "still not ready");
        String logText = Files.readString(log);
        assertTrue(
            logText.contains("broadcast waits for the index"),
            "the log says the broadcast waits; see " + log);
        int receivedDuringOutage = ok.received().size();

        // Search comes back: the broadcast fans out and is delivered.
        proxy.start();
        OpenSearchOutageIT.awaitReady(http, true, 120);
        api.awaitCounts(
            broadcast,
            "the broadcast delivered once the index is back",
            LONG,
            c -> c.getOrDefault("sent", 0L) == pro.size());
        ApiTestBase.awaitTaskRounds(http, "messaging-fanout", 2);
        ApiTestBase.awaitTaskRounds(http, "sender", 2);

        // Nothing lost, nothing twice.
        assertEquals(Map.of("sent", (long) pro.size()), api.counts(delivered));
        assertEquals(Map.of("expired", (long) pro.size()), api.counts(expiring));
        assertEquals(Map.of("sent", (long) pro.size()), api.counts(broadcast));
        Map<String, Set<String>> byCampaign = new HashMap<>();
        for (var r : ok.received()) {
          CampaignClient.Delivered d = CampaignClient.Delivered.of(r);
          assertTrue(
              byCampaign.computeIfAbsent(d.campaign(), k -> new TreeSet<>()).add(d.contact()),
              "contact " + d.contact() + " got campaign " + d.campaign() + " twice");
        }
        assertEquals(new TreeSet<>(pro), byCampaign.get(delivered));
        assertEquals(new TreeSet<>(pro), byCampaign.get(broadcast));
        assertTrue(unavailable.received().size() >= pro.size(), "each expiring send was tried");
        System.out.printf(
            "T14: %d event sends delivered and %d expired while search was down; the broadcast"
                + " then sent %d%n",
            receivedDuringOutage, pro.size(), pro.size());
      }
    }
  }
}
