package dev.tally.messaging.email;

import dev.tally.messaging.Delivery;
import jakarta.mail.AuthenticationFailedException;
import jakarta.mail.MessagingException;
import jakarta.mail.Session;
import jakarta.mail.internet.AddressException;
import java.time.Duration;
import java.time.InstantSource;
import java.util.Properties;
import org.eclipse.angus.mail.smtp.SMTPTransport;

/**
 * Delivers a send by email through one SMTP server ({@code --smtp-url}), answered by a {@link
 * Delivery}. Thread-safe: each delivery opens its own connection.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Every attempt of one send is the same message to the receiving side: its {@code Message-ID}
 *       is made from the send's id.
 *   <li>Every message carries {@code List-Unsubscribe} with Tally's URL and {@code
 *       List-Unsubscribe-Post: List-Unsubscribe=One-Click} (RFC 8058), so a mailbox provider can
 *       offer one-click unsubscribe.
 *   <li>Connecting, each read and each write take at most the timeout.
 *   <li>An SMTP 4xx reply is {@code Retry}, a 5xx is {@code Failed}, no reply is {@code Retry}; an
 *       address that is not one is {@code Failed} without a status. The SMTP server refusing
 *       Tally's own credentials is {@code Retry}, not {@code Failed}: it is Tally's configuration
 *       that is wrong, not the recipient, and the sends should go out once an operator fixes it (or
 *       expire, with this reason).
 * </ul>
 */
public final class EmailChannel {
  /** How long connecting, and each read or write, may take unless configured otherwise. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  private final SmtpUrl smtp;
  private final Session session;
  private final InstantSource clock;

  /**
   * @param smtp the server to send through
   * @param timeout how long connecting, and each read or write, may take (positive)
   * @param clock the time put in the {@code Date} header
   */
  public EmailChannel(SmtpUrl smtp, Duration timeout, InstantSource clock) {
    if (timeout.isNegative() || timeout.isZero()) {
      throw new IllegalArgumentException("timeout: expected a positive duration, got " + timeout);
    }
    this.smtp = smtp;
    this.clock = clock;
    this.session = Session.getInstance(properties(smtp, timeout));
  }

  private static Properties properties(SmtpUrl smtp, Duration timeout) {
    String p = "mail." + smtp.protocol() + ".";
    String millis = Long.toString(timeout.toMillis());
    Properties properties = new Properties();
    properties.setProperty("mail.transport.protocol", smtp.protocol());
    properties.setProperty(p + "host", smtp.host());
    properties.setProperty(p + "port", Integer.toString(smtp.port()));
    properties.setProperty(p + "connectiontimeout", millis);
    properties.setProperty(p + "timeout", millis);
    properties.setProperty(p + "writetimeout", millis);
    properties.setProperty(p + "auth", Boolean.toString(smtp.username() != null));
    if (!smtp.implicitTls()) {
      properties.setProperty(p + "starttls.enable", "true");
    }
    return properties;
  }

  /**
   * Makes one attempt to deliver {@code send}. Never throws for anything the SMTP server or the
   * network does.
   */
  public Delivery deliver(EmailSend send) {
    EmailMessage message;
    try {
      message = EmailMessage.of(session, send, clock.instant());
    } catch (AddressException e) {
      return new Delivery.Failed(null, "not an email address: " + e.getMessage());
    } catch (MessagingException e) {
      throw new IllegalStateException("cannot build the message of send " + send.sendId(), e);
    }
    SMTPTransport transport = null;
    try {
      transport = (SMTPTransport) session.getTransport();
      transport.connect(smtp.host(), smtp.port(), smtp.username(), smtp.password());
      transport.sendMessage(message, message.getAllRecipients());
      return new Delivery.Delivered(transport.getLastReturnCode());
    } catch (AuthenticationFailedException e) {
      return new Delivery.Retry(
          smtp + " refused the credentials in " + SmtpUrl.SETTING + ": " + e.getMessage(), null);
    } catch (MessagingException e) {
      return SmtpReplies.of(e, smtp);
    } finally {
      closeQuietly(transport);
    }
  }

  /** The message is sent (or not) before QUIT: a failure to say goodbye changes nothing. */
  private static void closeQuietly(SMTPTransport transport) {
    if (transport != null) {
      try {
        transport.close();
      } catch (MessagingException ignored) {
        // nothing to do: the outcome was decided before
      }
    }
  }
}
