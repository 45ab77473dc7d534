package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.server.messaging.WebhookReceiver;
import dev.tally.testkit.Await;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The campaign API as the messaging fault tests use it, over HTTP only: contacts in bulk, campaigns
 * made and started, counts and every page of a campaign's sends, and what a webhook receiver got.
 */
final class CampaignClient {
  static final ObjectMapper JSON = new ObjectMapper();
  static final String SECRET = "whsec-fault-tests";
  static final String PRO =
      "{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"}";

  final TallyHttp http;
  final String token;

  CampaignClient(TallyHttp http, String token) {
    this.http = http;
    this.token = token;
  }

  /**
   * Contacts {@code prefix}0 … {@code prefix}(n-1) through POST /contacts/bulk; every third (i % 3
   * == 0) is on plan free, the others on pro. Returns the ids of the pro ones.
   */
  Set<String> contacts(String prefix, int n) {
    for (int from = 0; from < n; from += 5_000) {
      StringBuilder lines = new StringBuilder();
      for (int i = from; i < Math.min(n, from + 5_000); i++) {
        lines
            .append("{\"external_id\":\"")
            .append(prefix)
            .append(i)
            .append("\",\"email\":\"")
            .append(prefix)
            .append(i)
            .append("@example.com\",\"name\":\"N")
            .append(i)
            .append("\",\"custom_attributes\":{\"plan\":\"")
            .append(i % 3 == 0 ? "free" : "pro")
            .append("\"}}\n");
      }
      TallyHttp.Res r =
          http.call(
              "POST",
              "/contacts/bulk",
              token,
              lines.toString(),
              Map.of("Content-Type", "application/x-ndjson"));
      assertEquals(200, r.status(), r.toString());
      assertEquals(0, r.json().get("failed").asInt(), r.toString());
    }
    return proIds(prefix, n);
  }

  /** The ids of the pro contacts of {@link #contacts}, from every page of GET /contacts. */
  Set<String> proIds(String prefix, int n) {
    Set<String> pro = new LinkedHashSet<>();
    String after = null;
    do {
      TallyHttp.Res r =
          http.call(
              "GET",
              "/contacts?per_page=150" + (after == null ? "" : "&starting_after=" + after),
              token,
              null);
      assertEquals(200, r.status(), r.toString());
      for (JsonNode c : r.json().get("data")) {
        String external = c.path("external_id").asText();
        if (external.startsWith(prefix)
            && "pro".equals(c.path("custom_attributes").path("plan").asText())) {
          pro.add(c.get("id").asText());
        }
      }
      JsonNode next = r.json().path("pages").path("next");
      after = next.isMissingNode() || next.isNull() ? null : next.get("starting_after").asText();
    } while (after != null);
    assertEquals(n - (n + 2) / 3, pro.size(), "pro contacts of " + prefix);
    return pro;
  }

  /** The ids of the first 150 contacts (GET /contacts). */
  List<String> firstContactIds() {
    TallyHttp.Res r = http.call("GET", "/contacts?per_page=150", token, null);
    assertEquals(200, r.status(), r.toString());
    List<String> ids = new ArrayList<>();
    r.json().get("data").forEach(c -> ids.add(c.get("id").asText()));
    return ids;
  }

  static String webhookStep(URI url, String body) {
    return "{\"send\":{\"channel\":\"webhook\",\"url\":\""
        + url
        + "\",\"secret\":\""
        + SECRET
        + "\",\"body\":\""
        + body
        + "\"}}";
  }

  /** A draft campaign; its id. */
  String create(String name, String trigger, String audience, String extra, String... steps) {
    TallyHttp.Res r =
        http.call(
            "POST",
            "/campaigns",
            token,
            "{\"name\":\""
                + name
                + "\",\"trigger\":"
                + trigger
                + (audience == null ? "" : ",\"audience\":" + audience)
                + (extra == null ? "" : "," + extra)
                + ",\"steps\":["
                + String.join(",", steps)
                + "]}");
    assertEquals(200, r.status(), r.toString());
    return r.json().get("id").asText();
  }

  void start(String campaign) {
    TallyHttp.Res r = http.call("POST", "/campaigns/" + campaign + "/start", token, "");
    assertEquals(200, r.status(), r.toString());
  }

  JsonNode campaign(String campaign) {
    TallyHttp.Res r = http.call("GET", "/campaigns/" + campaign, token, null);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  /** The campaign's sends by state (GET /campaigns/{id}), the states with none left out. */
  Map<String, Long> counts(String campaign) {
    Map<String, Long> out = new HashMap<>();
    campaign(campaign)
        .get("counts")
        .properties()
        .forEach(
            e -> {
              if (e.getValue().asLong() > 0) {
                out.put(e.getKey(), e.getValue().asLong());
              }
            });
    return out;
  }

  /** Waits (generous deadline) until the campaign's counts satisfy {@code done}; returns them. */
  Map<String, Long> awaitCounts(
      String campaign, String what, Duration timeout, Predicate<Map<String, Long>> done) {
    return Await.until(
        what + " (campaign " + campaign + ")", timeout, () -> counts(campaign), done);
  }

  /**
   * Every send of the campaign (of one state, or all with null) through GET /campaigns/{id}/sends,
   * {@code perPage} at a time, checking total_count and that the pages neither repeat nor skip.
   */
  List<JsonNode> sends(String campaign, String state, int perPage) {
    List<JsonNode> out = new ArrayList<>();
    Set<String> ids = new LinkedHashSet<>();
    String after = null;
    long total = -1;
    do {
      String path =
          "/campaigns/"
              + campaign
              + "/sends?per_page="
              + perPage
              + (state == null ? "" : "&state=" + state)
              + (after == null ? "" : "&starting_after=" + after);
      TallyHttp.Res r = http.call("GET", path, token, null);
      assertEquals(200, r.status(), r.toString());
      total = r.json().get("total_count").asLong();
      assertTrue(r.json().get("data").size() <= perPage, r.toString());
      for (JsonNode s : r.json().get("data")) {
        assertTrue(ids.add(s.get("id").asText()), "send " + s.get("id") + " on two pages");
        out.add(s);
      }
      JsonNode next = r.json().path("pages").path("next");
      after = next.isMissingNode() || next.isNull() ? null : next.get("starting_after").asText();
    } while (after != null);
    assertEquals(total, out.size(), "total_count against the sends paged through");
    return out;
  }

  /** Records an event of a contact now (202). */
  void event(String contact, String name) {
    TallyHttp.Res r =
        http.call(
            "POST",
            "/events",
            token,
            "{\"event_name\":\""
                + name
                + "\",\"id\":\""
                + contact
                + "\",\"created_at\":"
                + Instant.now().getEpochSecond()
                + "}");
    assertEquals(202, r.status(), r.toString());
  }

  void messagingPaused(boolean paused) {
    TallyHttp.Res r =
        http.call(
            "POST", "/admin/messaging/" + (paused ? "pause" : "resume"), ApiTestBase.ADMIN, "");
    assertEquals(200, r.status(), r.toString());
  }

  /** Sends this process recorded as sent (its /metrics), 0 before the first. */
  static long sentByProcess(TallyHttp http) {
    String prefix = "tally_messaging_sends_recorded_total{reason=\"\",state=\"sent\"} ";
    for (String line : http.call("GET", "/metrics", null, null).raw().body().split("\n")) {
      if (line.startsWith(prefix)) {
        return (long) Double.parseDouble(line.substring(prefix.length()).trim());
      }
    }
    return 0;
  }

  /** One webhook request as the receiver saw it. */
  record Delivered(
      String sendId,
      String idempotencyKey,
      String campaign,
      String contact,
      String occurrence,
      String signature,
      byte[] body) {
    static Delivered of(WebhookReceiver.Request r) {
      try {
        JsonNode b = JSON.readTree(r.body());
        return new Delivered(
            b.get("id").asText(),
            r.header("Idempotency-Key"),
            b.get("campaign_id").asText(),
            b.get("contact").get("id").asText(),
            b.get("occurrence").asText(),
            r.header("Tally-Signature"),
            r.body());
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }

  static List<Delivered> delivered(WebhookReceiver receiver) {
    return receiver.received().stream().map(Delivered::of).toList();
  }
}
