package dev.tally.server.auth;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/** API tokens: 256 random bits, shown once; only their SHA-256 is stored. */
public final class Tokens {
  private static final SecureRandom RANDOM = new SecureRandom();

  private Tokens() {}

  /**
   * A new token: "tly_" for workspace tokens, "tla_" for admin tokens, then 43 base64url
   * characters.
   */
  public static String generate(String prefix) {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return prefix + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  public static String hash(String token) {
    return sha256(token);
  }

  /** What identifies a token to a person in listings, without revealing it. */
  public static String displayPrefix(String token) {
    return token.substring(0, Math.min(10, token.length()));
  }

  /**
   * SHA-256 of {@code head}'s UTF-8 bytes followed by {@code body} as sent: for a UTF-8 body the
   * same as {@code sha256(head + body)}, and two bodies that differ in any byte differ here too
   * (decoding first would make different UTF-16 or malformed bodies alike).
   */
  public static String sha256(String head, byte[] body) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      md.update(head.getBytes(StandardCharsets.UTF_8));
      return HexFormat.of().formatHex(md.digest(body));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  public static String sha256(String text) {
    try {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      return HexFormat.of().formatHex(md.digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JDK", e);
    }
  }

  public static boolean constantTimeEquals(String a, String b) {
    return MessageDigest.isEqual(
        a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));
  }
}
