package dev.tally.messaging.email;

import dev.tally.messaging.Delivery;
import jakarta.mail.MessagingException;
import org.eclipse.angus.mail.smtp.SMTPAddressFailedException;
import org.eclipse.angus.mail.smtp.SMTPSendFailedException;
import org.eclipse.angus.mail.smtp.SMTPSenderFailedException;
import org.eclipse.angus.mail.util.MailConnectException;

/**
 * Reads a failed SMTP exchange as a {@link Delivery}: a 4xx reply (the server is busy, the mailbox
 * is full for now, greylisting) is {@code Retry}; a 5xx reply (no such mailbox, refused for good)
 * is {@code Failed}; no reply at all (the server unreachable, the connection lost) is {@code
 * Retry}. The reply code is found wherever Jakarta Mail put it in the exception chain.
 */
final class SmtpReplies {
  private SmtpReplies() {}

  static Delivery of(MessagingException error, SmtpUrl smtp) {
    if (error instanceof MailConnectException) {
      return new Delivery.Retry("cannot connect to " + smtp + ": " + error.getMessage(), null);
    }
    for (Throwable t = error; t != null; t = next(t)) {
      int code = returnCode(t);
      if (code >= 500) {
        return new Delivery.Failed(code, smtp + " refused the message: " + oneLine(t));
      }
      if (code >= 400) {
        return new Delivery.Retry(smtp + " deferred the message: " + oneLine(t), code);
      }
    }
    return new Delivery.Retry("SMTP exchange with " + smtp + " failed: " + oneLine(error), null);
  }

  private static int returnCode(Throwable t) {
    return switch (t) {
      case SMTPAddressFailedException e -> e.getReturnCode();
      case SMTPSenderFailedException e -> e.getReturnCode();
      case SMTPSendFailedException e -> e.getReturnCode();
      default -> -1;
    };
  }

  private static Throwable next(Throwable t) {
    if (t instanceof MessagingException m && m.getNextException() != null) {
      return m.getNextException();
    }
    return t.getCause() == t ? null : t.getCause();
  }

  private static String oneLine(Throwable t) {
    String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    return message.strip().replaceAll("\\s+", " ");
  }
}
