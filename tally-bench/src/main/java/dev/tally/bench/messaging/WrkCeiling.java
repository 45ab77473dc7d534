package dev.tally.bench.messaging;

import java.io.IOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A receiver's own ceiling, measured with wrk (an HTTP load tool, Debian's package {@code wrk}):
 * {@code POST}s of a given body, as fast as {@code connections} keep-alive connections on two
 * threads can send them, for {@code seconds}.
 */
final class WrkCeiling {
  private WrkCeiling() {}

  private static final Pattern RATE = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern NON_2XX = Pattern.compile("Non-2xx or 3xx responses:\\s+(\\d+)");

  /** Requests per second wrk reached; fails if any answer was not a 2xx. */
  static double measure(URI url, byte[] body, int connections, int seconds)
      throws IOException, InterruptedException {
    Path script = Files.createTempFile("tally-bench-wrk", ".lua");
    try {
      Files.writeString(
          script,
          "wrk.method = \"POST\"\n"
              + "wrk.body = \""
              + lua(new String(body, StandardCharsets.UTF_8))
              + "\"\n"
              + "wrk.headers[\"Content-Type\"] = \"application/json\"\n"
              + "wrk.headers[\"Idempotency-Key\"] = \"1\"\n"
              + "wrk.headers[\"Tally-Signature\"] = \"t=1,v1="
              + "0".repeat(64)
              + "\"\n");
      Process p =
          new ProcessBuilder(
                  "wrk",
                  "-t2",
                  "-c" + connections,
                  "-d" + seconds + "s",
                  "-s",
                  script.toString(),
                  url.toString())
              .redirectErrorStream(true)
              .start();
      String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      if (p.waitFor() != 0) {
        throw new IOException("wrk failed: " + out);
      }
      Matcher bad = NON_2XX.matcher(out);
      if (bad.find()) {
        throw new IOException("the receiver answered wrk with errors: " + out);
      }
      Matcher m = RATE.matcher(out);
      if (!m.find()) {
        throw new IOException("wrk printed no rate: " + out);
      }
      return Double.parseDouble(m.group(1));
    } finally {
      Files.deleteIfExists(script);
    }
  }

  private static String lua(String s) {
    return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }
}
