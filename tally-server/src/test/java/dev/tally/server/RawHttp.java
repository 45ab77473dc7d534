package dev.tally.server;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.x over a bare socket, for requests no HTTP client would send (a broken request line, a
 * doubled Content-Length, a body in an encoding the headers deny). It writes the bytes as given,
 * half-closes the connection (so a server waiting for a body it was promised sees the end at once
 * and cannot look like a hang), and reads every answer until the server closes: several when the
 * bytes held several requests.
 */
final class RawHttp {
  private RawHttp() {}

  /** One answer: its status line's code, headers (names lower-cased) and body (de-chunked). */
  record Answer(int status, String statusLine, Map<String, List<String>> headers, byte[] body) {
    String header(String name) {
      List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
      return v == null ? null : v.get(0);
    }
  }

  /**
   * What came back on the connection.
   *
   * @param answers the answers, 1xx interim ones included
   * @param bytes how many bytes the server sent
   * @param closed whether the server closed the connection (else the read ran out of time)
   * @param trouble what could not be read as HTTP, or null when everything could
   */
  record Exchange(List<Answer> answers, int bytes, boolean closed, String trouble) {
    List<Answer> finals() {
      return answers.stream().filter(a -> a.status() >= 200).toList();
    }
  }

  /**
   * Sends {@code request} to 127.0.0.1:{@code port} and reads until the server closes, {@code
   * timeoutMillis} pass, or a complete answer is followed by a quiet {@code quietMillis}.
   *
   * @param headRequest the (first) request is a HEAD, so its answer has no body whatever its
   *     headers say
   */
  static Exchange exchange(
      int port, byte[] request, boolean headRequest, int timeoutMillis, int quietMillis)
      throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout(50);
      try {
        s.getOutputStream().write(request);
        s.getOutputStream().flush();
        s.shutdownOutput();
      } catch (SocketException e) {
        // The server closed before taking it all (it answered early, a too-large header): read
        // what it said.
      }
      InputStream in = s.getInputStream();
      ByteArrayOutputStream got = new ByteArrayOutputStream();
      byte[] buf = new byte[16384];
      long deadline = System.nanoTime() + timeoutMillis * 1_000_000L;
      long lastByte = System.nanoTime();
      boolean closed = false;
      while (System.nanoTime() < deadline) {
        int n;
        try {
          n = in.read(buf);
        } catch (SocketTimeoutException e) {
          if (System.nanoTime() - lastByte > quietMillis * 1_000_000L) {
            Exchange sofar = parse(got.toByteArray(), headRequest);
            if (!sofar.finals().isEmpty() && sofar.trouble() == null) {
              break;
            }
          }
          continue;
        } catch (SocketException e) {
          closed = true; // reset: what arrived is the answer
          break;
        }
        if (n < 0) {
          closed = true;
          break;
        }
        got.write(buf, 0, n);
        lastByte = System.nanoTime();
      }
      Exchange parsed = parse(got.toByteArray(), headRequest);
      String trouble =
          parsed.trouble() == null
              ? null
              : parsed.trouble() + " in " + Shown.bytes(got.toByteArray(), 400);
      return new Exchange(parsed.answers(), got.size(), closed, trouble);
    }
  }

  /** Splits what a server sent into answers; {@code trouble} says where that failed. */
  static Exchange parse(byte[] b, boolean headRequest) {
    List<Answer> answers = new ArrayList<>();
    int pos = 0;
    boolean firstFinal = true;
    while (pos < b.length) {
      int end = indexOf(b, pos, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
      if (end < 0) {
        return new Exchange(answers, b.length, true, "an incomplete head at byte " + pos);
      }
      String[] lines = new String(b, pos, end - pos, StandardCharsets.ISO_8859_1).split("\r\n");
      String statusLine = lines[0];
      if (!statusLine.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
        return new Exchange(
            answers, b.length, true, "not an HTTP status line: " + Shown.bytes(statusLine, 200));
      }
      int status = Integer.parseInt(statusLine.substring(9, 12));
      Map<String, List<String>> headers = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int colon = lines[i].indexOf(':');
        if (colon <= 0) {
          return new Exchange(
              answers, b.length, true, "a malformed header line: " + Shown.bytes(lines[i], 200));
        }
        headers
            .computeIfAbsent(
                lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT),
                k -> new ArrayList<>())
            .add(lines[i].substring(colon + 1).trim());
      }
      pos = end + 4;
      if (status < 200) {
        answers.add(new Answer(status, statusLine, headers, new byte[0]));
        continue;
      }
      byte[] body;
      List<String> te = headers.get("transfer-encoding");
      List<String> cl = headers.get("content-length");
      boolean nextIsAnswer =
          pos == b.length || startsWith(b, pos, "HTTP/1.".getBytes(StandardCharsets.ISO_8859_1));
      if (headRequest && firstFinal && cl != null && !nextIsAnswer) {
        // A HEAD's answer has no body, except the one Jetty writes when it refuses the request
        // before reading it as a HEAD (a URL too long).
        int n = Math.min(Integer.parseInt(cl.get(0)), b.length - pos);
        body = java.util.Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
      } else if ((headRequest && firstFinal) || status == 204 || status == 304) {
        body = new byte[0];
      } else if (headRequest && pos == b.length) {
        // After a HEAD on the same connection Jetty may send a refusal's head and close without
        // its body: a Jetty quirk, left to the caller to judge.
        body = new byte[0];
      } else if (te != null && te.get(te.size() - 1).toLowerCase(Locale.ROOT).endsWith("chunked")) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        while (true) {
          int eol = indexOf(b, pos, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
          if (eol < 0) {
            return new Exchange(answers, b.length, true, "an incomplete chunked body");
          }
          String size = new String(b, pos, eol - pos, StandardCharsets.ISO_8859_1).split(";")[0];
          int n;
          try {
            n = Integer.parseInt(size.trim(), 16);
          } catch (NumberFormatException e) {
            return new Exchange(answers, b.length, true, "a bad chunk size: " + size);
          }
          pos = eol + 2;
          if (n == 0) {
            int trailerEnd = indexOf(b, pos, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            while (trailerEnd > pos) { // skip trailer lines
              pos = trailerEnd + 2;
              trailerEnd = indexOf(b, pos, "\r\n".getBytes(StandardCharsets.ISO_8859_1));
            }
            if (trailerEnd < 0) {
              return new Exchange(answers, b.length, true, "an incomplete chunked body");
            }
            pos = trailerEnd + 2;
            break;
          }
          if (pos + n + 2 > b.length) {
            return new Exchange(answers, b.length, true, "an incomplete chunk");
          }
          out.write(b, pos, n);
          pos += n + 2;
        }
        body = out.toByteArray();
      } else if (cl != null) {
        int n = Integer.parseInt(cl.get(0));
        if (pos + n > b.length) {
          return new Exchange(
              answers,
              b.length,
              true,
              "a body shorter (" + (b.length - pos) + " bytes) than its Content-Length " + n);
        }
        body = java.util.Arrays.copyOfRange(b, pos, pos + n);
        pos += n;
      } else {
        body = java.util.Arrays.copyOfRange(b, pos, b.length);
        pos = b.length;
      }
      firstFinal = false;
      answers.add(new Answer(status, statusLine, headers, body));
    }
    return new Exchange(answers, b.length, true, null);
  }

  private static boolean startsWith(byte[] b, int from, byte[] what) {
    return indexOf(b, from, what) == from;
  }

  private static int indexOf(byte[] b, int from, byte[] what) {
    outer:
    for (int i = from; i <= b.length - what.length; i++) {
      for (int j = 0; j < what.length; j++) {
        if (b[i + j] != what[j]) {
          continue outer;
        }
      }
      return i;
    }
    return -1;
  }

  /** Bytes and strings shown in a failure message: printable ASCII as is, the rest escaped. */
  static final class Shown {
    private Shown() {}

    static String bytes(String s, int max) {
      return bytes(s.getBytes(StandardCharsets.ISO_8859_1), max);
    }

    static String bytes(byte[] b, int max) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < b.length && sb.length() < max; i++) {
        int c = b[i] & 0xff;
        if (c == '\r') {
          sb.append("\\r");
        } else if (c == '\n') {
          sb.append("\\n");
        } else if (c == '\\') {
          sb.append("\\\\");
        } else if (c >= 0x20 && c < 0x7f) {
          sb.append((char) c);
        } else {
          sb.append(String.format("\\x%02x", c));
        }
      }
      if (sb.length() >= max) {
        sb.setLength(max);
        sb.append("… (").append(b.length).append(" bytes)");
      }
      return sb.toString();
    }
  }
}
