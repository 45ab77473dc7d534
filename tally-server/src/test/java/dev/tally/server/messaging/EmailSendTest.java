package dev.tally.server.messaging;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.icegreen.greenmail.util.GreenMail;
import com.icegreen.greenmail.util.ServerSetupTest;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Send;
import dev.tally.server.ApiTestBase;
import dev.tally.server.TallyHttp;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import jakarta.mail.internet.MimeMessage;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * Email sends on a real Tally (SQLite store, Lucene index) through a real SMTP server in process
 * (GreenMail), with the one-click unsubscribe link followed over HTTP as a mailbox provider would.
 */
class EmailSendTest extends ApiTestBase {
  private static final HttpClient HTTP = HttpClient.newHttpClient();
  private static final String EMAIL_STEP =
      "{\"send\":{\"channel\":\"email\",\"from\":\"team@example.com\","
          + "\"subject\":\"Hi {{name}}\",\"body\":\"Hello {{name}}, you are on {{custom_attributes.plan}}\"}}";

  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.now());
  private GreenMail greenMail;
  private Sender sender;
  private long ws;

  @Override
  protected Map<Setting, String> settings() {
    return Map.of(Settings.SENDER_INTERVAL, "0s");
  }

  @BeforeEach
  void setUp() {
    ws = Long.parseLong(defaultWorkspace());
    assertEquals(
        200,
        post(
                "/data_attributes",
                "{\"name\":\"plan\",\"model\":\"contact\",\"data_type\":\"string\"}")
            .status());
    greenMail = new GreenMail(ServerSetupTest.SMTP.dynamicPort());
    greenMail.start();
    sender = sender("smtp://127.0.0.1:" + greenMail.getSmtp().getPort());
  }

  @AfterEach
  void stop() {
    if (sender != null) {
      sender.close();
    }
    greenMail.stop();
  }

  private Sender sender(String smtpUrl) {
    return new Sender(
        server.store(),
        id ->
            new dev.tally.core.query.QueryParser(
                dev.tally.core.query.QueryLimits.DEFAULTS,
                name -> name.equals("plan") ? dev.tally.core.model.FieldType.STRING : null,
                segment -> server.store().segment(id, segment).orElse(null)),
        Sender.Options.of(Duration.ZERO, 2, Duration.ofSeconds(5)),
        Sender.Email.of(smtpUrl, "http://127.0.0.1:" + server.port()),
        now::get,
        new Random(42),
        null);
  }

  private long contact(String name) {
    TallyHttp.Res r =
        post(
            "/contacts",
            "{\"role\":\"user\",\"email\":\""
                + name.toLowerCase()
                + "@example.com\",\"name\":\""
                + name
                + "\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    assertEquals(200, r.status(), r.toString());
    return Long.parseLong(r.json().get("id").asText());
  }

  private long campaign() {
    String json =
        "{\"name\":\"c\",\"trigger\":{\"type\":\"broadcast\"},"
            + "\"audience\":{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"},"
            + "\"steps\":["
            + EMAIL_STEP
            + "]}";
    Campaign c = server.store().write(tx -> tx.createCampaign(ws, "c", json)).value();
    server.store().write(tx -> tx.setCampaignState(ws, c.id(), Campaign.RUNNING));
    return c.id();
  }

  private void queue(long campaign, long contact, long occurrence) {
    long t = now.get().toEpochMilli();
    server
        .store()
        .write(
            tx ->
                tx.queueSends(
                    List.of(
                        new Send.New(
                            ws,
                            campaign,
                            0,
                            contact,
                            occurrence,
                            t,
                            t + Duration.ofHours(24).toMillis()))));
  }

  private Send send(long campaign, long occurrence) {
    return server.store().sends(ws, campaign, null, 0, 100).items().stream()
        .filter(s -> s.occurrence() == occurrence)
        .findFirst()
        .orElseThrow();
  }

  private void run(Sender s) throws InterruptedException {
    s.runOnce();
    assertTrue(s.awaitIdle(Duration.ofSeconds(60)));
  }

  private static HttpResponse<String> http(String method, URI uri) throws Exception {
    HttpRequest.Builder b = HttpRequest.newBuilder(uri);
    b =
        method.equals("POST")
            ? b.header("Content-Type", "application/x-www-form-urlencoded")
                .POST(HttpRequest.BodyPublishers.ofString("List-Unsubscribe=One-Click"))
            : b.GET();
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  private boolean unsubscribed(long contact) {
    TallyHttp.Res r = get("/contacts/" + contact);
    assertEquals(200, r.status(), r.toString());
    return r.json().get("unsubscribed_from_emails").asBoolean();
  }

  @Test
  void anEmailArrivesRenderedWithOneClickUnsubscribeThatWorks() throws Exception {
    long c = campaign();
    long ada = contact("Ada");
    queue(c, ada, 0);
    run(sender);
    assertEquals(Send.SENT, send(c, 0).state(), send(c, 0).toString());

    MimeMessage[] received = greenMail.getReceivedMessages();
    assertEquals(1, received.length);
    MimeMessage m = received[0];
    assertEquals("ada@example.com", m.getHeader("To", null));
    assertEquals("Hi Ada", m.getSubject());
    assertEquals("Hello Ada, you are on pro", ((String) m.getContent()).strip());
    assertArrayEquals(
        new String[] {"List-Unsubscribe=One-Click"}, m.getHeader("List-Unsubscribe-Post"));
    String header = m.getHeader("List-Unsubscribe", null);
    assertTrue(header.startsWith("<http://127.0.0.1:" + server.port() + "/unsubscribe?t="), header);
    URI link = URI.create(header.substring(1, header.length() - 1));

    // A mail scanner fetching the link changes nothing; the page offers a button that POSTs.
    HttpResponse<String> page = http("GET", link);
    assertEquals(200, page.statusCode(), page.body());
    assertTrue(page.body().contains("<form method=\"post\""), page.body());
    assertEquals(false, unsubscribed(ada));

    // A forged token (another contact's id under Ada's signature) is refused; nothing changes.
    long bob = contact("Bob");
    URI forged = URI.create(link.toString().replace("." + ada + ".", "." + bob + "."));
    HttpResponse<String> refused = http("POST", forged);
    assertEquals(400, refused.statusCode(), refused.body());
    assertTrue(refused.body().contains("not valid"), refused.body());
    assertEquals(false, unsubscribed(bob));
    assertEquals(
        400, http("POST", URI.create(link.toString().replaceAll("t=.*", "t=x"))).statusCode());

    // One click.
    HttpResponse<String> done = http("POST", link);
    assertEquals(200, done.statusCode(), done.body());
    assertEquals(true, unsubscribed(ada));
    assertEquals(200, http("POST", link).statusCode(), "again: nothing to do");

    // The next email to Ada is skipped as unsubscribed, and nothing more is sent.
    queue(c, ada, 1);
    run(sender);
    Send next = send(c, 1);
    assertEquals(Send.SKIPPED, next.state(), next.toString());
    assertEquals("unsubscribed", next.reason());
    assertEquals(1, greenMail.getReceivedMessages().length);

    // A deleted contact's link: 200, nothing to do.
    assertEquals(200, http.call("DELETE", "/contacts/" + ada, token, null).status());
    assertEquals(200, http("POST", link).statusCode());
  }

  @Test
  void anSmtp4xxIsRetried() throws Exception {
    try (RefusingSmtp smtp = new RefusingSmtp()) {
      Sender refused = sender("smtp://127.0.0.1:" + smtp.port());
      try {
        long c = campaign();
        queue(c, contact("Ada"), 0);
        run(refused);
        Send s = send(c, 0);
        assertEquals(Send.QUEUED, s.state(), s.toString());
        assertEquals(1, s.attempts());
        assertEquals(Integer.valueOf(451), s.lastStatus(), s.toString());
      } finally {
        refused.close();
      }
    }
  }

  @Test
  void aContactWithoutAnEmailAddressIsSkippedAsUnsubscribed() throws Exception {
    long c = campaign();
    TallyHttp.Res r =
        post(
            "/contacts",
            "{\"role\":\"user\",\"external_id\":\"x1\",\"custom_attributes\":{\"plan\":\"pro\"}}");
    assertEquals(200, r.status(), r.toString());
    queue(c, Long.parseLong(r.json().get("id").asText()), 0);
    run(sender);
    Send s = send(c, 0);
    assertEquals(Send.SKIPPED, s.state(), s.toString());
    assertEquals("unsubscribed", s.reason());
    assertEquals(0, greenMail.getReceivedMessages().length);
  }

  /** An SMTP server that answers every RCPT TO with 451 (try later). */
  private static final class RefusingSmtp implements AutoCloseable {
    private final ServerSocket socket;
    private final Thread thread;

    RefusingSmtp() throws Exception {
      socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
      thread = Thread.ofVirtual().start(this::serve);
    }

    int port() {
      return socket.getLocalPort();
    }

    private void serve() {
      while (!socket.isClosed()) {
        try (Socket client = socket.accept()) {
          var in =
              new BufferedReader(
                  new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
          OutputStream out = client.getOutputStream();
          out.write("220 refusing ESMTP\r\n".getBytes(StandardCharsets.US_ASCII));
          for (String line; (line = in.readLine()) != null; ) {
            String cmd = line.length() < 4 ? line : line.substring(0, 4).toUpperCase();
            String reply =
                switch (cmd) {
                  case "EHLO" -> "250 refusing";
                  case "RCPT" -> "451 4.3.0 try again later";
                  case "QUIT" -> "221 bye";
                  default -> "250 OK";
                };
            out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            if (cmd.equals("QUIT")) {
              break;
            }
          }
        } catch (java.io.IOException e) {
          // closed
        }
      }
    }

    @Override
    public void close() throws Exception {
      socket.close();
      thread.join(10_000);
    }
  }
}
