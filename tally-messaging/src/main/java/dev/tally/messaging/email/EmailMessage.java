package dev.tally.messaging.email;

import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Date;

/**
 * The message one {@link EmailSend} becomes: plain UTF-8 text, with one-click unsubscribe (RFC
 * 8058) and a {@code Message-ID} made from the send's id, which Jakarta Mail would otherwise
 * replace with a random one on every attempt.
 */
final class EmailMessage extends MimeMessage {
  private final String messageId;

  private EmailMessage(Session session, String messageId) {
    super(session);
    this.messageId = messageId;
  }

  static EmailMessage of(Session session, EmailSend send, Instant now) throws MessagingException {
    InternetAddress from = new InternetAddress(send.from(), true);
    InternetAddress to = new InternetAddress(send.to(), true);
    EmailMessage message = new EmailMessage(session, messageId(send.sendId(), from));
    message.setFrom(from);
    message.setRecipient(RecipientType.TO, to);
    message.setSubject(send.subject(), StandardCharsets.UTF_8.name());
    message.setText(send.body(), StandardCharsets.UTF_8.name());
    message.setSentDate(Date.from(now));
    message.setHeader("List-Unsubscribe", "<" + send.unsubscribeUrl().toASCIIString() + ">");
    message.setHeader("List-Unsubscribe-Post", "List-Unsubscribe=One-Click");
    message.saveChanges();
    return message;
  }

  /** {@code <tally.send.ID@the sender's domain>}: unique per send, the same on every retry. */
  static String messageId(long sendId, InternetAddress from) {
    String address = from.getAddress();
    return "<tally.send." + sendId + "@" + address.substring(address.indexOf('@') + 1) + ">";
  }

  @Override
  protected void updateMessageID() throws MessagingException {
    setHeader("Message-ID", messageId);
  }
}
