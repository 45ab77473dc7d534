package dev.tally.messaging.webhook;

import java.net.URI;
import java.util.Locale;

/**
 * Who receives a webhook, for isolation: scheme, host and port (the default port spelled out), so
 * {@code https://a.example/x} and {@code https://A.example:443/y} are one destination.
 */
record Destination(String scheme, String host, int port) {
  static Destination of(URI url) {
    String scheme = url.getScheme().toLowerCase(Locale.ROOT);
    int port = url.getPort() != -1 ? url.getPort() : scheme.equals("https") ? 443 : 80;
    return new Destination(scheme, url.getHost().toLowerCase(Locale.ROOT), port);
  }

  @Override
  public String toString() {
    return scheme + "://" + host + ":" + port;
  }
}
