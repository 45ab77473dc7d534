package dev.tally.messaging.email;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tally.messaging.Delivery;
import jakarta.mail.internet.MimeMessage;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Against GreenMail, a real SMTP server in process, and a scripted one for refusals. */
class EmailChannelTest {
  private static final long SEND_ID = (1L << 32) + 5;
  private static final URI UNSUBSCRIBE =
      URI.create("https://tally.example.com/unsubscribe?token=abc123");
  private static final InstantSource CLOCK =
      InstantSource.fixed(Instant.parse("2025-01-01T09:00:00Z"));

  private GreenMail greenMail;

  @BeforeEach
  void startGreenMail() {
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
  }

  @AfterEach
  void stopGreenMail() {
    greenMail.stop();
  }

  private SmtpUrl greenMailUrl(String userInfo) {
    return SmtpUrl.parse("smtp://" + userInfo + "127.0.0.1:" + greenMail.getSmtp().getPort());
  }

  private static EmailChannel channel(SmtpUrl url) {
    return new EmailChannel(url, Duration.ofSeconds(10), CLOCK);
  }

  private static EmailSend send(String to) {
    return new EmailSend(
        SEND_ID, "Tally Team <team@example.com>", to, "Welcome, Ada ✓", "Hello Ada", UNSUBSCRIBE);
  }

  @Test
  void deliversAMessageWithOneClickUnsubscribe() throws Exception {
    var answer = channel(greenMailUrl("")).deliver(send("ada@example.org"));
    assertEquals(new Delivery.Delivered(250), answer);

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage m = received[0];
    assertEquals("Tally Team <team@example.com>", m.getHeader("From", null));
    assertEquals("ada@example.org", m.getHeader("To", null));
    assertEquals("Welcome, Ada ✓", m.getSubject());
    assertEquals("Hello Ada", ((String) m.getContent()).strip());
    assertEquals("<tally.send." + SEND_ID + "@example.com>", m.getMessageID());
    assertArrayEquals(
        new String[] {"<https://tally.example.com/unsubscribe?token=abc123>"},
        m.getHeader("List-Unsubscribe"));
    assertArrayEquals(
        new String[] {"List-Unsubscribe=One-Click"}, m.getHeader("List-Unsubscribe-Post"));
  }

  @Test
  void everyAttemptOfOneSendIsTheSameMessage() throws Exception {
    EmailChannel channel = channel(greenMailUrl(""));
    channel.deliver(send("ada@example.org"));
    channel.deliver(send("ada@example.org"));
    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(2, received.length);
    assertEquals(received[0].getMessageID(), received[1].getMessageID());
  }

  @Test
  void authenticatesWithTheUrlsCredentials() throws Exception {
    greenMail.setUser("team@example.com", "tally", "s3cret/:@");
    var answer = channel(greenMailUrl("tally:s3cret%2F%3A%40@")).deliver(send("ada@example.org"));
    assertEquals(new Delivery.Delivered(250), answer);
  }

  @Test
  void refusedCredentialsAreRetriedNotFailed() throws Exception {
    greenMail.setUser("team@example.com", "tally", "right");
    var answer = channel(greenMailUrl("tally:wrong@")).deliver(send("ada@example.org"));
    var retry = assertInstanceOf(Delivery.Retry.class, answer);
    assertTrue(retry.reason().contains("refused the credentials"), retry.reason());
    assertTrue(!retry.reason().contains("wrong"), "the password stays out of the reason");
  }

  /** One delivery through a server that answers RCPT TO and the end of DATA as told. */
  private static Delivery replying(String rcptReply, String dataReply) throws Exception {
    try (var server = new ScriptedSmtpServer(rcptReply, dataReply)) {
      return channel(server.url()).deliver(send("a@b.org"));
    }
  }

  @Test
  void aTemporaryRefusalIsRetried() throws Exception {
    var busy =
        assertInstanceOf(
            Delivery.Retry.class, replying("450 4.2.1 mailbox busy, try later", "250 OK"));
    assertEquals(450, busy.status());
    assertTrue(busy.reason().contains("mailbox busy"), busy.reason());
    var error = assertInstanceOf(Delivery.Retry.class, replying("250 OK", "451 4.3.0 local error"));
    assertEquals(451, error.status());
  }

  @Test
  void aPermanentRefusalFails() throws Exception {
    var unknown =
        assertInstanceOf(Delivery.Failed.class, replying("550 5.1.1 no such user", "250 OK"));
    assertEquals(550, unknown.status());
    assertTrue(unknown.reason().contains("no such user"), unknown.reason());
    var spam =
        assertInstanceOf(Delivery.Failed.class, replying("250 OK", "554 5.7.1 rejected as spam"));
    assertEquals(554, spam.status());
  }

  @Test
  void anUnreachableServerIsRetried() throws Exception {
    int port;
    try (var socket = new ServerSocket(0)) {
      port = socket.getLocalPort();
    }
    var answer =
        channel(SmtpUrl.parse("smtp://127.0.0.1:" + port)).deliver(send("ada@example.org"));
    var retry = assertInstanceOf(Delivery.Retry.class, answer);
    assertNull(retry.status());
    assertTrue(retry.reason().startsWith("cannot connect"), retry.reason());
  }

  @Test
  void anAddressThatIsNotOneFailsWithoutAStatus() {
    var answer = channel(greenMailUrl("")).deliver(send("not an address"));
    assertNull(assertInstanceOf(Delivery.Failed.class, answer).status());
  }
}
