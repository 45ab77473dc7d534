package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Requests Jetty refuses before Tally's routes see them (issue 11, finding 9) are answered in the
 * error-list shape with a request id, not with Jetty's HTML page.
 */
class JettyErrorsTest extends ApiTestBase {

  @Test
  void jettysOwnErrorsAreErrorLists() throws Exception {
    String[] requests = {
      "GET /contacts/%00 HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /" + "a".repeat(9_000) + " HTTP/1.1\r\nHost: t\r\n\r\n",
      "GET /contacts HTTP/1.1\r\nHost: t\r\nX-Big: " + "b".repeat(70_000) + "\r\n\r\n",
      "POST /contacts HTTP/1.1\r\nHost: t\r\nContent-Length: -1\r\n\r\n",
      "GET /contacts HTTP/1.1\r\nHost: t\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab",
      // found by HttpFuzzTest: Jetty wrote error bodies for GET, POST and HEAD only
      "DELETE * HTTP/1.1\r\nHost: t\r\n\r\n",
      "PUT * HTTP/1.1\r\nHost: t\r\n\r\n",
    };
    for (String request : requests) {
      String answer = send(request);
      String shown = answer.length() > 300 ? answer.substring(0, 300) : answer;
      assertTrue(answer.startsWith("HTTP/1.1 4"), "a 4xx for " + describe(request) + ": " + shown);
      assertTrue(
          answer.toLowerCase().contains("content-type: application/json"),
          describe(request) + ": " + shown);
      assertTrue(
          answer.contains("\"type\":\"error.list\"") && answer.contains("\"request_id\":\"req_"),
          describe(request) + ": " + shown);
      assertFalse(answer.toLowerCase().contains("<html"), describe(request) + ": " + shown);
    }
    String old = send("GET /\r\n");
    assertFalse(old.toLowerCase().contains("<html"), "HTTP/0.9: " + old);
  }

  /**
   * An HTTP version Jetty does not speak is a 505 (found by HttpFuzzTest): the client's doing, so
   * coded bad_request like Jetty's 4xx, not internal_error (an undocumented code that read as
   * Tally's bug).
   */
  @Test
  void anUnknownHttpVersionIsTheClientsError() throws Exception {
    for (String request :
        new String[] {"GET /health/live HTTP/1.2\r\nHost: t\r\n\r\n", "GET /health/live\r\n"}) {
      String answer = send(request);
      assertTrue(answer.startsWith("HTTP/1.1 505 "), describe(request) + ": " + answer);
      assertTrue(answer.contains("\"code\":\"bad_request\""), describe(request) + ": " + answer);
    }
  }

  /**
   * Jetty's per-connection header cache matched Authorization ignoring case (found by
   * HttpFuzzTest): on one connection, a token's case variant passed as the token itself.
   */
  @Test
  void aTokensCaseVariantIsAnotherTokenOnTheSameConnection() throws Exception {
    String upper = token.toUpperCase(java.util.Locale.ROOT);
    assertEquals(java.util.List.of(200, 401), twoOnOneConnection(token, upper));
    assertEquals(java.util.List.of(401, 200), twoOnOneConnection(upper, token));
  }

  /** The statuses of two requests sent on one connection with these tokens. */
  private java.util.List<Integer> twoOnOneConnection(String first, String second) throws Exception {
    String request =
        "GET /contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
            + first
            + "\r\n\r\nGET /contacts HTTP/1.1\r\nHost: t\r\nAuthorization: Bearer "
            + second
            + "\r\nConnection: close\r\n\r\n";
    return RawHttp.exchange(
            server.port(), request.getBytes(StandardCharsets.ISO_8859_1), false, 5_000, 1_000)
        .finals()
        .stream()
        .map(RawHttp.Answer::status)
        .toList();
  }

  private static String describe(String request) {
    return request.length() > 60 ? request.substring(0, 60) + "…" : request;
  }

  private String send(String request) throws Exception {
    try (Socket s = new Socket("127.0.0.1", server.port())) {
      s.setSoTimeout(3_000);
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      try {
        for (int n; (n = in.read(buf)) > 0; ) {
          got.write(buf, 0, n);
          if (complete(got.toString(StandardCharsets.ISO_8859_1))) {
            break;
          }
        }
      } catch (SocketTimeoutException | java.net.SocketException e) {
        // the server closed or kept the connection: what arrived is the answer
      }
      return got.toString(StandardCharsets.UTF_8);
    }
  }

  /** A whole answer with a Content-Length body has arrived. */
  private static boolean complete(String s) {
    int head = s.indexOf("\r\n\r\n");
    if (head < 0) {
      return false;
    }
    for (String line : s.substring(0, head).split("\r\n")) {
      if (line.toLowerCase().startsWith("content-length:")) {
        return s.length() - head - 4 >= Integer.parseInt(line.substring(15).trim());
      }
    }
    return false;
  }
}
