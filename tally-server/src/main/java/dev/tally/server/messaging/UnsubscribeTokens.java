package dev.tally.server.messaging;

import dev.tally.core.store.Store;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The token of an email's one-click unsubscribe link (RFC 8058): {@code
 * <workspace>.<contact>.<mac>} where mac is HMAC-SHA256, under the server key {@value #KEY_NAME}
 * kept in the store, of {@code "unsubscribe.<workspace>.<contact>"}, base64url without padding.
 * Anyone holding the link may unsubscribe that one contact and nothing else; nobody without the key
 * can make a link for another contact. The key is made once, by the first process that asks (the
 * store keeps the first), so every process of one store signs and checks alike. Links do not
 * expire: an unsubscribe link must work for as long as the email is kept.
 */
public final class UnsubscribeTokens {
  /** The name of the key in the store's server keys. */
  public static final String KEY_NAME = "unsubscribe";

  /** The path of the unsubscribe route, below the public URL. */
  public static final String PATH = "/unsubscribe";

  private static final Pattern TOKEN =
      Pattern.compile("([0-9]{1,19})\\.([0-9]{1,19})\\.([A-Za-z0-9_-]{43})");

  /** Whom a valid token names. */
  public record Target(long workspaceId, long contactId) {}

  private final byte[] key;

  private UnsubscribeTokens(byte[] key) {
    this.key = key;
  }

  /** The tokens of the store's key, made and stored now if the store has none yet. */
  public static UnsubscribeTokens of(Store store) {
    byte[] fresh = new byte[32];
    new SecureRandom().nextBytes(fresh);
    String hex = store.write(tx -> tx.serverKey(KEY_NAME, HexFormat.of().formatHex(fresh))).value();
    return new UnsubscribeTokens(HexFormat.of().parseHex(hex));
  }

  /** The token for one contact of one workspace. */
  public String token(long workspaceId, long contactId) {
    return workspaceId + "." + contactId + "." + mac(workspaceId, contactId);
  }

  /** The link to put in {@code List-Unsubscribe}, below {@code publicUrl}. */
  public URI url(URI publicUrl, long workspaceId, long contactId) {
    String base = publicUrl.toString().replaceAll("/+$", "");
    return URI.create(base + PATH + "?t=" + token(workspaceId, contactId));
  }

  /** Whom {@code token} names, or empty when it is malformed or not signed with this key. */
  public Optional<Target> check(String token) {
    if (token == null) {
      return Optional.empty();
    }
    Matcher m = TOKEN.matcher(token);
    if (!m.matches()) {
      return Optional.empty();
    }
    long ws;
    long contact;
    try {
      ws = Long.parseLong(m.group(1));
      contact = Long.parseLong(m.group(2));
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
    byte[] expected = mac(ws, contact).getBytes(StandardCharsets.US_ASCII);
    byte[] given = m.group(3).getBytes(StandardCharsets.US_ASCII);
    return MessageDigest.isEqual(expected, given)
        ? Optional.of(new Target(ws, contact))
        : Optional.empty();
  }

  private String mac(long workspaceId, long contactId) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] out =
          mac.doFinal(
              ("unsubscribe." + workspaceId + "." + contactId).getBytes(StandardCharsets.UTF_8));
      return Base64.getUrlEncoder().withoutPadding().encodeToString(out);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is missing from this JVM", e);
    }
  }
}
