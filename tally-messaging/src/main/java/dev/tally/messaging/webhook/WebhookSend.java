package dev.tally.messaging.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.util.Objects;

/**
 * One send to deliver by webhook, as the final check left it: where, with which secret, and what.
 * Construction refuses what no receiver could take (a URL that is not absolute http(s), an empty
 * secret), so the channel never meets it.
 *
 * @param url the campaign's receiver, absolute {@code http} or {@code https}
 * @param secret the campaign's signing secret
 * @param sendId the send's id: the payload's {@code id} and the {@code Idempotency-Key}, the same
 *     on every retry
 * @param campaignId the campaign's id
 * @param occurrence the occurrence that made the contact enter the campaign
 * @param body the rendered message text
 * @param contact the contact object, as the API shows it
 */
public record WebhookSend(
    URI url,
    String secret,
    long sendId,
    long campaignId,
    long occurrence,
    String body,
    JsonNode contact) {
  public WebhookSend {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(contact, "contact");
    String scheme =
        url.getScheme() == null ? "" : url.getScheme().toLowerCase(java.util.Locale.ROOT);
    if (!(scheme.equals("http") || scheme.equals("https")) || url.getHost() == null) {
      throw new IllegalArgumentException(
          "url: expected an absolute http or https URL with a host, got \"" + url + "\"");
    }
    if (secret == null || secret.isEmpty()) {
      throw new IllegalArgumentException("secret: expected a non-empty signing secret");
    }
  }

  /** Hides the secret. */
  @Override
  public String toString() {
    return "WebhookSend[url=" + url + ", sendId=" + sendId + ", campaignId=" + campaignId + "]";
  }
}
