package dev.tally.messaging.email;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Where email goes, from the {@code --smtp-url} setting: {@code smtp://[user:password@]host[:port]}
 * (port 25 by default; STARTTLS when the server offers it) or {@code smtps://…} (TLS from the first
 * byte, port 465 by default). User and password are percent-decoded, so a password may hold any
 * character. {@link #toString()} never shows the password.
 */
public record SmtpUrl(
    boolean implicitTls, String host, int port, String username, String password) {
  /** The setting this is read from, named in errors. */
  public static final String SETTING = "--smtp-url";

  /**
   * Reads a URL; an {@link IllegalArgumentException} names the setting, the value (without its
   * password) and what was expected.
   */
  public static SmtpUrl parse(String value) {
    URI uri;
    try {
      uri = new URI(value);
    } catch (URISyntaxException | NullPointerException e) {
      throw invalid(value, "a URL like smtp://user:password@host:587");
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("smtp") && !scheme.equals("smtps")) {
      throw invalid(value, "the scheme smtp or smtps");
    }
    if (uri.getHost() == null) {
      throw invalid(value, "a host, as in smtp://mail.example.com:587");
    }
    boolean tls = scheme.equals("smtps");
    int port = uri.getPort() != -1 ? uri.getPort() : tls ? 465 : 25;
    String username = null;
    String password = null;
    String userInfo = uri.getRawUserInfo();
    if (userInfo != null) {
      int colon = userInfo.indexOf(':');
      username = decode(colon < 0 ? userInfo : userInfo.substring(0, colon));
      password = colon < 0 ? null : decode(userInfo.substring(colon + 1));
    }
    return new SmtpUrl(tls, uri.getHost(), port, username, password);
  }

  /** The Jakarta Mail protocol name: {@code smtp} or {@code smtps}. */
  public String protocol() {
    return implicitTls ? "smtps" : "smtp";
  }

  @Override
  public String toString() {
    String user = username == null ? "" : username + (password == null ? "" : ":***") + "@";
    return protocol() + "://" + user + host + ":" + port;
  }

  private static String decode(String s) {
    return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
  }

  private static IllegalArgumentException invalid(String value, String expected) {
    String shown = value == null ? "nothing" : "\"" + value.replaceAll(":[^:@/]*@", ":***@") + "\"";
    return new IllegalArgumentException(SETTING + ": expected " + expected + ", got " + shown);
  }
}
