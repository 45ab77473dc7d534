package dev.tally.bench.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.bench.common.InProcessTally;
import dev.tally.core.model.Campaign;
import dev.tally.core.store.Store;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The campaign calls the messaging benchmarks make, over Tally's HTTP API as a user would
 * (creating, starting, the kill switch), and the few reads they poll straight from the store in
 * process (a campaign's fan-out time and send counts), so that polling costs no HTTP round trip.
 */
final class CampaignClient {
  /** The admin token {@link InProcessTally} starts Tally with. */
  static final String ADMIN_TOKEN = "bench-admin-token";

  private static final ObjectMapper JSON = new ObjectMapper();

  private final InProcessTally tally;
  private final HttpClient http = InProcessTally.newClient();
  final long workspace;

  CampaignClient(InProcessTally tally) {
    this.tally = tally;
    this.workspace = store().workspaces().get(0).id();
  }

  Store store() {
    return tally.server().store();
  }

  /** A campaign created from {@code definition} (the body of {@code POST /campaigns}); its id. */
  long create(String definition) throws IOException, InterruptedException {
    JsonNode c = JSON.readTree(call("POST", "/campaigns", definition, tally.token()));
    return Long.parseLong(c.path("id").asText());
  }

  void start(long campaign) throws IOException, InterruptedException {
    call("POST", "/campaigns/" + campaign + "/start", "", tally.token());
  }

  /** The kill switch for every workspace. */
  void pauseMessaging() throws IOException, InterruptedException {
    call("POST", "/admin/messaging/pause", "", ADMIN_TOKEN);
  }

  void resumeMessaging() throws IOException, InterruptedException {
    call("POST", "/admin/messaging/resume", "", ADMIN_TOKEN);
  }

  /** A webhook step's definition to {@code url} with a body that names the contact. */
  static String webhookStep(URI url) {
    return "{\"send\": {\"channel\": \"webhook\", \"url\": \""
        + url
        + "\", \"secret\": \"bench-secret\", \"body\": \"Hello {{name}} <{{email}}>\"}}";
  }

  /** Waits until a broadcast has queued its last page; throws after {@code timeout}. */
  void awaitFannedOut(long campaign, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      Campaign c = store().campaign(workspace, campaign).orElseThrow();
      if (c.fannedOutAt() != null) {
        return;
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "campaign " + campaign + " was not fanned out within " + timeout);
      }
      Thread.sleep(20);
    }
  }

  /** The campaign's sends by state. */
  Map<String, Long> counts(long campaign) {
    return store().sendCounts(campaign);
  }

  /** One sample of a metric on Tally's {@code /metrics} ({@code name{labels}}), or NaN. */
  double metric(String sample) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(tally.uri("/metrics")).GET().build(),
            HttpResponse.BodyHandlers.ofString());
    for (String line : r.body().split("\n")) {
      if (line.startsWith(sample + " ")) {
        return Double.parseDouble(line.substring(sample.length() + 1).trim());
      }
    }
    return Double.NaN;
  }

  private String call(String method, String path, String body, String token)
      throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(tally.uri(path))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/json")
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IOException(method + " " + path + " answered " + r.statusCode() + ": " + r.body());
    }
    return r.body();
  }
}
