package dev.tally.messaging.webhook;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The {@code Tally-Signature} header: proof to a receiver that a webhook came from Tally, with this
 * body, recently.
 *
 * <p>How a receiver checks it (in any language):
 *
 * <ol>
 *   <li>Read the header, e.g. {@code Tally-Signature: t=1735689600,v1=5257a869e7...}: {@code t} is
 *       the Unix time in seconds when Tally signed; each {@code v1} is a lowercase hex HMAC-SHA256.
 *   <li>Compute {@code HMAC-SHA256(key = the campaign's secret as UTF-8 bytes, message = t + "." +
 *       the raw request body bytes)}, exactly as received (before any JSON parsing), in hex.
 *   <li>Compare it with each {@code v1} in constant time; accept if one matches.
 *   <li>Refuse the request if {@code t} is further than your tolerance (Tally's {@link #verify}
 *       default: 5 minutes) from your clock, so a captured request cannot be replayed later.
 *       Deduplicate on the {@code Idempotency-Key} header: a retry of the same send carries the
 *       same key (and a new {@code t}).
 * </ol>
 *
 * <p>Signing covers the timestamp, so an old signature cannot be put on a new time.
 */
public final class Signatures {
  /** The header's name. */
  public static final String HEADER = "Tally-Signature";

  /** A receiver's default tolerance between {@code t} and its clock. */
  public static final Duration DEFAULT_TOLERANCE = Duration.ofMinutes(5);

  private static final String ALGORITHM = "HmacSHA256";
  private static final HexFormat HEX = HexFormat.of();

  /** What {@link #verify} found; only {@link #VALID} means the request may be trusted. */
  public enum Verification {
    VALID,
    /** No {@code t=} with a whole number, or no {@code v1=}: not a Tally signature. */
    MALFORMED,
    /** The timestamp is further from the receiver's clock than the tolerance: a possible replay. */
    OUTSIDE_TOLERANCE,
    /** No {@code v1} matches: another secret, or the body was changed on the way. */
    MISMATCH
  }

  private Signatures() {}

  /** The header value for {@code body} signed at {@code unixSeconds}: {@code t=<t>,v1=<hex>}. */
  public static String sign(String secret, long unixSeconds, byte[] body) {
    return "t=" + unixSeconds + ",v1=" + HEX.formatHex(mac(secret, unixSeconds, body));
  }

  /**
   * Checks a {@code Tally-Signature} header against the raw body, refusing a timestamp more than
   * {@code tolerance} away from {@code now} (older: a replay; newer: a clock that cannot be
   * trusted). Compares in constant time.
   */
  public static Verification verify(
      String secret, String header, byte[] body, Instant now, Duration tolerance) {
    if (header == null) {
      return Verification.MALFORMED;
    }
    Long t = null;
    var candidates = new java.util.ArrayList<byte[]>();
    for (String part : header.split(",")) {
      String item = part.strip();
      if (item.startsWith("t=")) {
        try {
          t = Long.parseLong(item.substring(2));
        } catch (NumberFormatException e) {
          return Verification.MALFORMED;
        }
      } else if (item.startsWith("v1=")) {
        try {
          candidates.add(HEX.parseHex(item.substring(3)));
        } catch (IllegalArgumentException e) {
          return Verification.MALFORMED;
        }
      }
    }
    if (t == null || candidates.isEmpty()) {
      return Verification.MALFORMED;
    }
    if (Math.abs(now.getEpochSecond() - t) > tolerance.toSeconds()) {
      return Verification.OUTSIDE_TOLERANCE;
    }
    byte[] expected = mac(secret, t, body);
    boolean match = false;
    for (byte[] candidate : candidates) {
      match |= MessageDigest.isEqual(expected, candidate);
    }
    return match ? Verification.VALID : Verification.MISMATCH;
  }

  private static byte[] mac(String secret, long unixSeconds, byte[] body) {
    try {
      Mac mac = Mac.getInstance(ALGORITHM);
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), ALGORITHM));
      mac.update((unixSeconds + ".").getBytes(StandardCharsets.US_ASCII));
      return mac.doFinal(body);
    } catch (NoSuchAlgorithmException | InvalidKeyException e) {
      // Every JDK has HmacSHA256, and WebhookSend refuses an empty secret.
      throw new IllegalStateException("cannot compute " + ALGORITHM + ": " + e.getMessage(), e);
    }
  }
}
