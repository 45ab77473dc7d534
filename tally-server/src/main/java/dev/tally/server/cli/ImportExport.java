package dev.tally.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code tally import} and {@code tally export}: contacts as NDJSON, through the API. */
public final class ImportExport {
  private static final ObjectMapper JSON = new ObjectMapper();
  static final int LINES_PER_REQUEST = 5_000;
  static final long BYTES_PER_REQUEST = 16L << 20;

  private ImportExport() {}

  /**
   * Loads a file of contacts, one JSON object per line, upserting by external_id; exit 1 if any
   * line was rejected.
   */
  public static int importFile(TallyClient client, Path file) {
    long total;
    try (var lines = Files.lines(file, StandardCharsets.UTF_8)) {
      total = lines.count();
    } catch (IOException e) {
      System.err.println("tally: cannot read " + file + ": " + e.getMessage());
      return ExitCodes.USAGE;
    }
    ProgressBar bar = new ProgressBar(System.err, "import");
    long created = 0;
    long updated = 0;
    List<String> rejected = new ArrayList<>();
    long started = System.nanoTime();
    try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
      long lineNo = 0;
      while (true) {
        StringBuilder chunk = new StringBuilder();
        long first = lineNo;
        int n = 0;
        String line;
        while (n < LINES_PER_REQUEST
            && chunk.length() < BYTES_PER_REQUEST
            && (line = in.readLine()) != null) {
          chunk.append(line).append('\n');
          n++;
          lineNo++;
        }
        if (n == 0) {
          break;
        }
        HttpResponse<String> r = client.call("POST", "/contacts/bulk", chunk.toString());
        if (r == null) {
          return ExitCodes.UNREACHABLE;
        }
        if (r.statusCode() != 200) {
          System.err.println(
              "\ntally: lines "
                  + (first + 1)
                  + "-"
                  + lineNo
                  + " were refused as a whole: "
                  + r.statusCode()
                  + " "
                  + r.body());
          return r.statusCode() == 401 || r.statusCode() == 400
              ? ExitCodes.USAGE
              : ExitCodes.UNREACHABLE;
        }
        JsonNode result = JSON.readTree(r.body());
        created += result.path("created").asLong();
        updated += result.path("updated").asLong();
        for (JsonNode e : result.path("errors")) {
          rejected.add(
              "line "
                  + (first + e.path("line").asLong())
                  + ": "
                  + e.path("code").asText()
                  + ": "
                  + e.path("message").asText());
        }
        bar.show(lineNo, total, lineNo / Math.max(1e-9, (System.nanoTime() - started) / 1e9));
      }
    } catch (IOException e) {
      System.err.println("tally: cannot read " + file + ": " + e.getMessage());
      return ExitCodes.USAGE;
    }
    bar.done(
        "imported "
            + file
            + ": "
            + created
            + " created, "
            + updated
            + " updated, "
            + rejected.size()
            + " rejected");
    rejected.forEach(System.err::println);
    return rejected.isEmpty() ? ExitCodes.OK : ExitCodes.PROBLEM;
  }

  /**
   * Writes the workspace's contacts as NDJSON (Intercom's contact objects, which import accepts
   * back).
   */
  public static int export(TallyClient client, Path file) {
    try (OutputStream os = file == null ? null : Files.newOutputStream(file)) {
      PrintStream out =
          os == null ? System.out : new PrintStream(os, false, StandardCharsets.UTF_8);
      String after = null;
      long n = 0;
      do {
        String path =
            "/contacts?per_page=150"
                + (after == null
                    ? ""
                    : "&starting_after=" + URLEncoder.encode(after, StandardCharsets.UTF_8));
        HttpResponse<String> r = client.call("GET", path, null);
        if (r == null) {
          return ExitCodes.UNREACHABLE;
        }
        if (r.statusCode() != 200) {
          System.err.println("tally: export failed: " + r.statusCode() + " " + r.body());
          return r.statusCode() == 401 ? ExitCodes.USAGE : ExitCodes.UNREACHABLE;
        }
        JsonNode page = JSON.readTree(r.body());
        for (JsonNode c : page.path("data")) {
          out.println(c.toString());
          n++;
        }
        JsonNode next = page.path("pages").path("next");
        after = next.isMissingNode() ? null : next.path("starting_after").asText();
      } while (after != null);
      out.flush();
      if (file != null) {
        System.err.println("exported " + n + " contacts to " + file);
      }
      return ExitCodes.OK;
    } catch (IOException e) {
      System.err.println("tally: export failed: " + e.getMessage());
      return ExitCodes.UNREACHABLE;
    }
  }
}
