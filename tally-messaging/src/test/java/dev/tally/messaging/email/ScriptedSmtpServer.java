package dev.tally.messaging.email;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A real SMTP conversation on loopback whose replies to {@code RCPT TO} and to the end of {@code
 * DATA} are chosen by the test: GreenMail accepts every message, and the channel's reading of 4xx
 * and 5xx replies needs a server that refuses.
 */
final class ScriptedSmtpServer implements AutoCloseable {
  private final ServerSocket socket;
  private final String rcptReply;
  private final String dataReply;
  private final Thread thread;

  ScriptedSmtpServer(String rcptReply, String dataReply) throws IOException {
    this.socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress());
    this.rcptReply = rcptReply;
    this.dataReply = dataReply;
    this.thread = Thread.ofVirtual().name("scripted-smtp").start(this::serve);
  }

  SmtpUrl url() {
    return SmtpUrl.parse("smtp://127.0.0.1:" + socket.getLocalPort());
  }

  private void serve() {
    while (!socket.isClosed()) {
      try (Socket client = socket.accept()) {
        converse(client);
      } catch (IOException e) {
        if (!socket.isClosed()) {
          throw new UncheckedIOException(e);
        }
      }
    }
  }

  private void converse(Socket client) throws IOException {
    var in =
        new BufferedReader(
            new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
    OutputStream out = client.getOutputStream();
    reply(out, "220 scripted ESMTP");
    for (String line; (line = in.readLine()) != null; ) {
      String command = line.length() < 4 ? line : line.substring(0, 4).toUpperCase(Locale.ROOT);
      switch (command) {
        case "EHLO" -> reply(out, "250-scripted\r\n250 8BITMIME");
        case "RCPT" -> reply(out, rcptReply);
        case "DATA" -> {
          reply(out, "354 end with <CRLF>.<CRLF>");
          while (!".".equals(in.readLine())) {
            // the message itself is not the point here
          }
          reply(out, dataReply);
        }
        case "QUIT" -> {
          reply(out, "221 bye");
          return;
        }
        default -> reply(out, "250 OK"); // HELO, MAIL, RSET, NOOP
      }
    }
  }

  private static void reply(OutputStream out, String reply) throws IOException {
    out.write((reply + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  @Override
  public void close() throws Exception {
    socket.close();
    thread.join(10_000);
  }
}
