package dev.tally.messaging.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.messaging.Delivery;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Against real HTTP receivers on loopback. Deadlines are generous bounds that catch a hang on a
 * busy machine, not measurements.
 */
class WebhookChannelTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String SECRET = "whsec_campaign";
  private static final long BIG = (1L << 32) + 17; // ids above 2^32: a narrow type would show
  private static final Instant NOW = Instant.parse("2025-01-01T00:00:00Z");

  private final List<AutoCloseable> closing = new ArrayList<>();

  @AfterEach
  void closeAll() throws Exception {
    for (AutoCloseable c : closing.reversed()) {
      c.close();
    }
  }

  private <T extends AutoCloseable> T closing(T c) {
    closing.add(c);
    return c;
  }

  private WebhookChannel channel(Duration timeout, int perDestination) {
    return closing(new WebhookChannel(timeout, perDestination, InstantSource.fixed(NOW)));
  }

  private WebhookChannel channel() {
    return channel(Duration.ofSeconds(10), 4);
  }

  private Receiver receiver(int status, String body, String... headers) throws Exception {
    return closing(Receiver.answering(status, body, headers));
  }

  private static WebhookSend send(URI url, long sendId) throws Exception {
    JsonNode contact =
        JSON.readTree("{\"type\":\"contact\",\"id\":\"" + BIG + "\",\"name\":\"Ada\"}");
    return new WebhookSend(url, SECRET, sendId, BIG + 1, BIG + 2, "Hello Ada", contact);
  }

  @Test
  void twoHundredsAreDelivered() throws Exception {
    assertEquals(
        new Delivery.Delivered(200), channel().deliver(send(receiver(200, "ok").url(), BIG)));
    assertEquals(
        new Delivery.Delivered(204), channel().deliver(send(receiver(204, "").url(), BIG)));
  }

  @Test
  void serverErrorsAndRateLimitsAreRetried() throws Exception {
    var failed = channel().deliver(send(receiver(500, "boom").url(), BIG));
    var retry = assertInstanceOf(Delivery.Retry.class, failed);
    assertEquals(500, retry.status());
    assertTrue(retry.reason().contains("500: boom"), retry.reason());
    assertNull(retry.retryAfter());

    var unavailable = channel().deliver(send(receiver(503, "").url(), BIG));
    assertEquals(503, assertInstanceOf(Delivery.Retry.class, unavailable).status());

    var limited =
        channel().deliver(send(receiver(429, "slow down", "Retry-After", "30").url(), BIG));
    var rateLimited = assertInstanceOf(Delivery.Retry.class, limited);
    assertEquals(429, rateLimited.status());
    assertEquals(Duration.ofSeconds(30), rateLimited.retryAfter());
  }

  @Test
  void otherClientErrorsFail() throws Exception {
    var bad = channel().deliver(send(receiver(400, "{\"error\":\"no such hook\"}").url(), BIG));
    assertEquals(400, assertInstanceOf(Delivery.Failed.class, bad).status());
    assertTrue(((Delivery.Failed) bad).reason().contains("no such hook"));
    var gone = channel().deliver(send(receiver(410, "").url(), BIG));
    assertEquals(410, assertInstanceOf(Delivery.Failed.class, gone).status());
  }

  @Test
  void redirectsAreFailuresAndNotFollowed() throws Exception {
    Receiver elsewhere = receiver(200, "");
    Receiver moved = receiver(301, "", "Location", elsewhere.url().toString());
    var answer = assertInstanceOf(Delivery.Failed.class, channel().deliver(send(moved.url(), BIG)));
    assertEquals(301, answer.status());
    assertTrue(answer.reason().contains(elsewhere.url().toString()), answer.reason());
    assertTrue(elsewhere.received().isEmpty());
  }

  @Test
  void anAnswerIsReadOnlyAFewKilobytesDeep() throws Exception {
    var answer = channel().deliver(send(receiver(500, "x".repeat(1_000_000)).url(), BIG));
    assertTrue(assertInstanceOf(Delivery.Retry.class, answer).reason().length() < 1000);
  }

  @Test
  void aReceiverThatNeverAnswersIsRetriedAfterTheTimeout() throws Exception {
    Receiver hanging = closing(Receiver.hanging());
    long start = System.nanoTime();
    var answer = channel(Duration.ofMillis(300), 4).deliver(send(hanging.url(), BIG));
    long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    var retry = assertInstanceOf(Delivery.Retry.class, answer);
    assertNull(retry.status());
    assertTrue(retry.reason().contains("no answer"), retry.reason());
    assertTrue(tookMillis >= 250 && tookMillis < 30_000, "took " + tookMillis + " ms");
  }

  @Test
  void aRefusedConnectionIsRetried() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var answer = channel().deliver(send(URI.create("http://127.0.0.1:" + port + "/"), BIG));
    assertTrue(assertInstanceOf(Delivery.Retry.class, answer).reason().contains("cannot connect"));
  }

  @Test
  void aNameThatDoesNotResolveIsRetried() throws Exception {
    var answer =
        channel(Duration.ofSeconds(5), 4).deliver(send(URI.create("http://tally.invalid/"), BIG));
    assertInstanceOf(Delivery.Retry.class, answer);
  }

  @Test
  void theReceiverSeesASignedPayloadWithTheSendsIdempotencyKey() throws Exception {
    Receiver receiver = receiver(200, "");
    WebhookChannel channel = channel();
    channel.deliver(send(receiver.url(), BIG));
    channel.deliver(send(receiver.url(), BIG));
    channel.deliver(send(receiver.url(), BIG + 9));

    var first = receiver.received().get(0);
    assertEquals("application/json", first.header("Content-Type"));
    assertEquals("Tally", first.header("User-Agent"));
    assertEquals(Long.toString(BIG), first.header("Idempotency-Key"));
    assertEquals(
        Signatures.Verification.VALID,
        Signatures.verify(
            SECRET,
            first.header("Tally-Signature"),
            first.body(),
            NOW,
            Signatures.DEFAULT_TOLERANCE));
    assertEquals(
        Signatures.Verification.MISMATCH,
        Signatures.verify(
            "another",
            first.header("Tally-Signature"),
            first.body(),
            NOW,
            Signatures.DEFAULT_TOLERANCE));

    JsonNode payload = JSON.readTree(first.body());
    assertEquals("message.send", payload.get("type").asText());
    assertEquals(Long.toString(BIG), payload.get("id").textValue());
    assertEquals(Long.toString(BIG + 1), payload.get("campaign_id").textValue());
    assertEquals(Long.toString(BIG + 2), payload.get("occurrence").textValue());
    assertEquals("Hello Ada", payload.get("body").textValue());
    assertEquals(Long.toString(BIG), payload.get("contact").get("id").textValue());

    assertEquals(Long.toString(BIG), receiver.received().get(1).header("Idempotency-Key"));
    assertEquals(Long.toString(BIG + 9), receiver.received().get(2).header("Idempotency-Key"));
  }

  /**
   * A receiver that hangs takes its own bound of deliveries and no more: the next one to it is
   * refused after a short wait (not attempted: {@code Busy}), and another receiver is served while
   * the hanging ones are still in flight.
   */
  @Test
  void aHangingReceiverDelaysOnlyItsOwnSends() throws Exception {
    Receiver hanging = closing(Receiver.hanging());
    Receiver healthy = receiver(200, "");
    WebhookChannel channel = channel(Duration.ofSeconds(60), 2);
    ExecutorService senders = Executors.newFixedThreadPool(2);
    closing(senders::shutdownNow);

    List<CompletableFuture<Delivery>> stuck = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      WebhookSend s = send(hanging.url(), BIG + i);
      stuck.add(CompletableFuture.supplyAsync(() -> channel.deliver(s), senders));
    }
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (hanging.received().size() < 2 && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertEquals(2, hanging.received().size(), "both deliveries reached the hanging receiver");

    var busy = assertInstanceOf(Delivery.Busy.class, channel.deliver(send(hanging.url(), BIG + 2)));
    assertTrue(busy.reason().startsWith("destination busy"), busy.reason());
    assertEquals(2, hanging.received().size(), "the refused one never reached the receiver");
    assertEquals(new Delivery.Delivered(200), channel.deliver(send(healthy.url(), BIG + 3)));
    assertFalse(stuck.get(0).isDone() || stuck.get(1).isDone(), "the hanging ones still wait");

    channel.close(); // aborts the hanging deliveries
    for (var s : stuck) {
      assertInstanceOf(Delivery.Retry.class, s.get(30, TimeUnit.SECONDS));
    }
  }
}
