package dev.tally.messaging.email;

import java.net.URI;
import java.util.Objects;

/**
 * One send to deliver by email, as the final check left it.
 *
 * @param sendId the send's id; the message's {@code Message-ID} is made from it, so every retry of
 *     one send is the same message to the receiving side
 * @param from the sender's address, e.g. {@code "Ada <ada@example.com>"}
 * @param to the contact's address
 * @param subject the rendered subject
 * @param body the rendered text
 * @param unsubscribeUrl Tally's one-click unsubscribe URL for this contact (RFC 8058 asks for
 *     https), put in {@code List-Unsubscribe}
 */
public record EmailSend(
    long sendId, String from, String to, String subject, String body, URI unsubscribeUrl) {
  public EmailSend {
    Objects.requireNonNull(from, "from");
    Objects.requireNonNull(to, "to");
    Objects.requireNonNull(subject, "subject");
    Objects.requireNonNull(body, "body");
    Objects.requireNonNull(unsubscribeUrl, "unsubscribeUrl");
    if (!unsubscribeUrl.isAbsolute()) {
      throw new IllegalArgumentException(
          "unsubscribeUrl: expected an absolute URL, got \"" + unsubscribeUrl + "\"");
    }
  }
}
