package dev.tally.messaging.webhook;

import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.tally.messaging.webhook.Signatures.Verification;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  private static final byte[] BODY = "{\"type\":\"message.send\"}".getBytes(StandardCharsets.UTF_8);
  private static final long T = 1_735_689_600L;
  private static final Instant AT_T = Instant.ofEpochSecond(T);

  private static Verification check(String secret, String header, byte[] body) {
    return Signatures.verify(secret, header, body, AT_T, Signatures.DEFAULT_TOLERANCE);
  }

  /** The value a receiver in another language computes (Python's hmac module gave this one). */
  @Test
  void matchesAnIndependentHmacSha256() {
    assertEquals(
        "t=1735689600,v1=953d05f6039d9ed1de3abdc3c3fbec2ab47fe63c65666455be228273aa821bcb",
        Signatures.sign("whsec_test", T, BODY));
  }

  @Test
  void verifiesItsOwnSignature() {
    String header = Signatures.sign("whsec_test", T, BODY);
    assertEquals(
        Verification.VALID,
        Signatures.verify(
            "whsec_test", header, BODY, AT_T.plusSeconds(299), Duration.ofMinutes(5)));
  }

  @Test
  void refusesAnotherSecretOrAChangedBody() {
    String header = Signatures.sign("whsec_test", T, BODY);
    assertEquals(Verification.MISMATCH, check("other", header, BODY));
    byte[] changed = "{\"type\":\"message.sent\"}".getBytes(StandardCharsets.UTF_8);
    assertEquals(Verification.MISMATCH, check("whsec_test", header, changed));
  }

  @Test
  void refusesATimestampOutsideTheTolerance() {
    String header = Signatures.sign("whsec_test", T, BODY);
    assertEquals(
        Verification.OUTSIDE_TOLERANCE,
        Signatures.verify(
            "whsec_test", header, BODY, AT_T.plusSeconds(301), Duration.ofMinutes(5)));
    assertEquals(
        Verification.OUTSIDE_TOLERANCE,
        Signatures.verify(
            "whsec_test", header, BODY, AT_T.minusSeconds(301), Duration.ofMinutes(5)));
  }

  @Test
  void aMovedTimestampBreaksTheSignature() {
    String header = Signatures.sign("whsec_test", T, BODY).replace("t=" + T, "t=" + (T + 60));
    assertEquals(Verification.MISMATCH, check("whsec_test", header, BODY));
  }

  @Test
  void acceptsAnyMatchingV1AmongSeveral() {
    String valid = Signatures.sign("whsec_test", T, BODY);
    String header =
        "t=" + T + ",v1=" + "00".repeat(32) + "," + valid.substring(valid.indexOf("v1="));
    assertEquals(Verification.VALID, check("whsec_test", header, BODY));
  }

  @Test
  void malformedHeadersAreNotSignatures() {
    for (String header :
        new String[] {null, "", "v1=00", "t=" + T, "t=abc,v1=00", "t=" + T + ",v1=zz"}) {
      assertEquals(
          Verification.MALFORMED, check("whsec_test", header, BODY), String.valueOf(header));
    }
  }
}
