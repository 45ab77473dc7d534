package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.messaging.WebhookReceiver;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two Tally processes on one PostgreSQL schema (and one OpenSearch index), both with their senders
 * on, deliver one broadcast together: the receiver gets every send exactly once, and each process
 * delivered some (their own metrics). The receiver answers within milliseconds and the claims'
 * lease is the default minute, so no claim expires: a repeat here would be a double claim.
 */
class MessagingTwoProcessesIT {
  private static final int CONTACTS = 1_200; // 800 on pro

  @TempDir Path dataA;
  @TempDir Path dataB;

  @Test
  void twoSendersDeliverEverySendOnce() throws Exception {
    try (TestEngines engines = new TestEngines();
        WebhookReceiver receiver =
            WebhookReceiver.answering(
                WebhookReceiver.Answer.status(200).after(Duration.ofMillis(2)))) {
      Map<Setting, String> settings =
          new HashMap<>(engines.settings(TestEngines.Combo.POSTGRES_OPENSEARCH));
      settings.put(Settings.SENDER_INTERVAL, "50ms");
      settings.put(Settings.SENDER_THREADS, "4");
      var a = ApiTestBase.startTally(dataA, settings);
      try (TallyServer serverA = a.server();
          TallyServer serverB = ApiTestBase.startTally(dataB, settings).server()) {
        TallyHttp httpA = new TallyHttp(serverA.port());
        TallyHttp httpB = new TallyHttp(serverB.port());
        CampaignClient viaA = new CampaignClient(httpA, a.token());
        CampaignClient viaB = new CampaignClient(httpB, a.token());
        Set<String> pro = viaA.contacts("two-", CONTACTS);
        String campaign =
            viaB.create(
                "together",
                "{\"type\":\"broadcast\"}",
                CampaignClient.PRO,
                null,
                CampaignClient.webhookStep(receiver.url(), "hi {{name}}"));
        viaB.start(campaign);
        viaA.awaitCounts(
            campaign,
            "every send sent",
            Duration.ofSeconds(120),
            c -> c.getOrDefault("sent", 0L) == pro.size());
        ApiTestBase.awaitTaskRounds(httpA, "sender", 2);
        ApiTestBase.awaitTaskRounds(httpB, "sender", 2);
        assertEquals(Map.of("sent", (long) pro.size()), viaB.counts(campaign));

        Map<String, Integer> timesPerSend = new HashMap<>();
        Set<String> contacts = new TreeSet<>();
        for (var r : receiver.received()) {
          CampaignClient.Delivered d = CampaignClient.Delivered.of(r);
          timesPerSend.merge(d.sendId(), 1, Integer::sum);
          contacts.add(d.contact());
        }
        timesPerSend.forEach(
            (send, times) ->
                assertEquals(1, times, "send " + send + " delivered " + times + " times"));
        assertEquals(pro.size(), timesPerSend.size());
        assertEquals(new TreeSet<>(pro), contacts);
        long byA = CampaignClient.sentByProcess(httpA);
        long byB = CampaignClient.sentByProcess(httpB);
        System.out.printf(
            "MessagingTwoProcessesIT: %d sends, %d recorded sent by one process and %d by the other%n",
            pro.size(), byA, byB);
        assertEquals(pro.size(), byA + byB);
        assertTrue(byA > 0 && byB > 0, "both processes delivered: " + byA + " and " + byB);
      }
    }
  }
}
