package dev.tally.core.messaging;

import java.net.URI;

/** What a send step delivers, by channel. */
public sealed interface Message {

  /**
   * A signed {@code POST} to {@code url} (http or https) whose JSON payload carries the rendered
   * {@code body} as a string; {@code secret} keys the HMAC of {@code Tally-Signature}.
   */
  record Webhook(URI url, String secret, Template body) implements Message {
    @Override
    public String toString() {
      return "Webhook[url=" + url + ", secret=<hidden>, body=" + body + "]";
    }
  }

  /** An email from {@code from} (an address), its subject and body filled from the contact. */
  record Email(String from, Template subject, Template body) implements Message {}
}
