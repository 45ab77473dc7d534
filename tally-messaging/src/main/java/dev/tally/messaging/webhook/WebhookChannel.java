package dev.tally.messaging.webhook;

import dev.tally.messaging.Delivery;
import java.io.IOException;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.UnresolvedAddressException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Delivers a send to its campaign's webhook: one signed {@code POST}, answered by a {@link
 * Delivery}. Thread-safe; a sender shares one for all its threads.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Every attempt of one send carries the same {@code Idempotency-Key} (the send's id) and a
 *       fresh {@code Tally-Signature} ({@link Signatures}); a receiver deduplicates on the key.
 *   <li>An attempt takes at most the request timeout, connecting included; then it is abandoned and
 *       answered {@link Delivery.Retry}.
 *   <li><b>Isolation.</b> At most {@code concurrencyPerDestination} attempts are in flight to one
 *       destination (scheme, host, port); another is refused at once with {@code Retry("destination
 *       busy")} instead of waiting. A receiver that is down or slow therefore holds at most that
 *       many sender threads for at most the timeout, and delays only its own sends.
 *   <li>Redirects are not followed: a 3xx is {@link Delivery.Failed} with its status. Following one
 *       would send a signed message to an address the campaign's author never configured (possibly
 *       inside Tally's own network), and 301/302/303 would turn the {@code POST} into a bodiless
 *       {@code GET}; the author should configure the final URL.
 *   <li>At most {@value #REASON_BYTES} bytes of an unsuccessful answer are read, for the reason; a
 *       2xx answer's body is not read at all.
 * </ul>
 *
 * <p>HTTP/1.1 only: every receiver speaks it, and on plain {@code http} it spares receivers the
 * JDK's {@code h2c} upgrade attempt, which some servers answer badly.
 */
public final class WebhookChannel implements AutoCloseable {
  /** How long one attempt may take, connecting included, unless configured otherwise. */
  public static final Duration DEFAULT_REQUEST_TIMEOUT = Duration.ofSeconds(10);

  /** How many attempts may be in flight to one destination, unless configured otherwise. */
  public static final int DEFAULT_CONCURRENCY_PER_DESTINATION = 4;

  static final int REASON_BYTES = 2048;
  private static final int REASON_CHARS = 300;

  private final Duration requestTimeout;
  private final DestinationLimits limits;
  private final InstantSource clock;
  private final HttpClient client;

  /**
   * @param requestTimeout how long one attempt may take, connecting included (positive)
   * @param concurrencyPerDestination how many attempts may be in flight to one destination (≥ 1)
   * @param clock the time put in signatures and used to read {@code Retry-After} dates
   */
  public WebhookChannel(
      Duration requestTimeout, int concurrencyPerDestination, InstantSource clock) {
    if (requestTimeout.isNegative() || requestTimeout.isZero()) {
      throw new IllegalArgumentException(
          "request timeout: expected a positive duration, got " + requestTimeout);
    }
    this.requestTimeout = requestTimeout;
    this.limits = new DestinationLimits(concurrencyPerDestination);
    this.clock = clock;
    this.client =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(requestTimeout)
            .build();
  }

  /** A channel with the default timeout and concurrency, on the system clock. */
  public static WebhookChannel withDefaults() {
    return new WebhookChannel(
        DEFAULT_REQUEST_TIMEOUT, DEFAULT_CONCURRENCY_PER_DESTINATION, InstantSource.system());
  }

  /**
   * Makes one attempt to deliver {@code send}, blocking the calling thread for at most the request
   * timeout. Never throws for anything the receiver or the network does.
   */
  public Delivery deliver(WebhookSend send) {
    Destination destination = Destination.of(send.url());
    try (DestinationLimits.Permit permit = limits.tryAcquire(destination)) {
      if (permit == null) {
        return Delivery.Retry.notAttempted(
            "destination busy: "
                + limits.perDestination()
                + " deliveries to "
                + destination
                + " already in flight");
      }
      return exchange(send, destination);
    }
  }

  private Delivery exchange(WebhookSend send, Destination destination) {
    byte[] body = WebhookPayload.of(send);
    long t = clock.instant().getEpochSecond();
    HttpRequest request =
        HttpRequest.newBuilder(send.url())
            .timeout(requestTimeout)
            .header("Content-Type", "application/json")
            .header("Idempotency-Key", Long.toString(send.sendId()))
            .header(Signatures.HEADER, Signatures.sign(send.secret(), t, body))
            .header("User-Agent", "Tally")
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build();
    CompletableFuture<HttpResponse<String>> response =
        client.sendAsync(
            request, info -> new BoundedBody(isSuccess(info.statusCode()) ? 0 : REASON_BYTES));
    try {
      return answer(response.get(requestTimeout.toNanos(), TimeUnit.NANOSECONDS), destination);
    } catch (TimeoutException e) {
      response.cancel(true);
      return timedOut(destination);
    } catch (InterruptedException e) {
      response.cancel(true);
      Thread.currentThread().interrupt();
      return new Delivery.Retry("interrupted before " + destination + " answered", null);
    } catch (ExecutionException e) {
      return unreachable(e.getCause(), destination);
    }
  }

  private Delivery answer(HttpResponse<String> response, Destination destination) {
    int status = response.statusCode();
    if (isSuccess(status)) {
      return new Delivery.Delivered(status);
    }
    String said = destination + " answered " + status + said(response.body());
    if (status == 429 || status >= 500) {
      var retryAfter =
          RetryAfter.parse(
              response.headers().firstValue("Retry-After").orElse(null), clock.instant());
      return new Delivery.Retry(said, status, retryAfter);
    }
    if (status >= 300 && status < 400) {
      String location = response.headers().firstValue("Location").orElse("(no Location)");
      return new Delivery.Failed(
          status,
          said + "; redirect to " + location + " not followed: configure the webhook's final URL");
    }
    return new Delivery.Failed(status, said);
  }

  private Delivery timedOut(Destination destination) {
    return new Delivery.Retry("no answer from " + destination + " within " + requestTimeout, null);
  }

  private Delivery unreachable(Throwable cause, Destination destination) {
    if (cause instanceof HttpTimeoutException) {
      return timedOut(destination);
    }
    if (causedBy(cause, UnresolvedAddressException.class)
        || causedBy(cause, UnknownHostException.class)) {
      return new Delivery.Retry("cannot resolve " + destination.host(), null);
    }
    if (cause instanceof ConnectException) {
      return new Delivery.Retry("cannot connect to " + destination + ": " + cause, null);
    }
    if (cause instanceof IOException) {
      return new Delivery.Retry("connection to " + destination + " failed: " + cause, null);
    }
    throw new IllegalStateException("delivering to " + destination + " failed unexpectedly", cause);
  }

  private static boolean causedBy(Throwable error, Class<? extends Throwable> type) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (type.isInstance(t)) {
        return true;
      }
    }
    return false;
  }

  private static boolean isSuccess(int status) {
    return status >= 200 && status < 300;
  }

  private static String said(String body) {
    String text = body.strip().replaceAll("\\s+", " ");
    if (text.isEmpty()) {
      return "";
    }
    return ": " + (text.length() > REASON_CHARS ? text.substring(0, REASON_CHARS) + "…" : text);
  }

  /** Aborts deliveries in flight (they answer {@code Retry}) and frees the client's threads. */
  @Override
  public void close() {
    client.shutdownNow();
  }
}
