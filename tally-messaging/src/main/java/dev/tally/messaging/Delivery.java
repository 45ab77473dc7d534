package dev.tally.messaging;

import java.time.Duration;
import java.util.Objects;

/**
 * What became of one delivery attempt, as the send's next state needs it: {@link Delivered} (the
 * receiver took it: the send is {@code sent}), {@link Retry} (it may take it later: queue the send
 * again, with the same idempotency key, until it expires) or {@link Failed} (it refused it for
 * good: the send is {@code failed}). A channel never throws for a receiver's behaviour; it answers
 * one of these.
 *
 * <p>{@code status} is the receiver's reply code: an HTTP status for webhooks, an SMTP reply code
 * for email; null when no reply came (a timeout, a refused connection).
 */
public sealed interface Delivery {

  /** The receiver accepted the message (HTTP 2xx; SMTP accepted the message for delivery). */
  record Delivered(int status) implements Delivery {}

  /**
   * The receiver could not take the message now (HTTP 5xx or 429, an SMTP 4xx, a timeout, a refused
   * or reset connection, a name that did not resolve, the destination busy with other deliveries);
   * trying again later can help.
   *
   * @param reason for the send's record, in words an operator understands
   * @param status the reply code, or null when no reply came
   * @param retryAfter how long the receiver asked to be left alone (HTTP {@code Retry-After}), or
   *     null when it did not say; the sender's backoff should wait at least this long
   * @param attempted false when nothing was sent at all (the channel already had its bound of
   *     deliveries in flight to the destination): not a failed attempt, so neither counted nor
   *     backed off
   */
  record Retry(String reason, Integer status, Duration retryAfter, boolean attempted)
      implements Delivery {
    public Retry {
      Objects.requireNonNull(reason, "reason");
    }

    public Retry(String reason, Integer status, Duration retryAfter) {
      this(reason, status, retryAfter, true);
    }

    public Retry(String reason, Integer status) {
      this(reason, status, null);
    }

    /** Refused before anything was sent (the destination busy with this channel's deliveries). */
    public static Retry notAttempted(String reason) {
      return new Retry(reason, null, null, false);
    }
  }

  /**
   * The receiver refused the message for good (an HTTP 4xx other than 429, a 3xx, an SMTP 5xx, an
   * address that is not one); the same send would be refused again.
   *
   * @param status the reply code, or null when the send was refused before any reply (an invalid
   *     URL or address)
   */
  record Failed(Integer status, String reason) implements Delivery {
    public Failed {
      Objects.requireNonNull(reason, "reason");
    }
  }
}
