package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BulkImportExportTest extends ApiTestBase {

  @Test
  void eachLineIsUpsertedOrReportedAlone() {
    createContact("{\"external_id\":\"old\",\"email\":\"old@example.com\",\"name\":\"Old\"}");
    String body =
        String.join(
                "\n",
                "{\"external_id\":\"n1\",\"email\":\"n1@example.com\"}",
                "{\"external_id\":\"old\",\"name\":\"Renamed\"}",
                "{not json",
                "",
                "{\"email\":\"no-external-id@example.com\"}",
                "{\"external_id\":\"n2\",\"role\":\"admin\"}",
                "{\"external_id\":\"n3\",\"email\":\"OLD@example.com\"}",
                "{\"external_id\":\"n4\",\"custom_attributes\":{\"plan\":\"pro\"}}")
            + "\n";
    TallyHttp.Res r = post("/contacts/bulk", body);
    assertEquals(200, r.status(), r.toString());
    JsonNode j = r.json();
    assertEquals("bulk.result", j.get("type").asText());
    assertEquals(2, j.get("created").asInt(), r.toString());
    assertEquals(1, j.get("updated").asInt());
    assertEquals(4, j.get("failed").asInt());
    List<Integer> lines = new ArrayList<>();
    j.get("errors").forEach(e -> lines.add(e.get("line").asInt()));
    assertEquals(List.of(3, 5, 6, 7), lines);
    assertEquals("conflict", j.get("errors").get(3).get("code").asText());
    assertEquals("external_id", j.get("errors").get(1).get("field").asText());
    assertEquals(
        3, get("/contacts").json().get("total_count").asInt(), "rejected lines wrote nothing");
    assertTrue(
        Long.parseLong(j.get("position").asText()) >= Long.parseLong(r.header("Tally-Position")));
  }

  @Test
  void tooManyLinesAreRefusedAsAWhole() {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i <= 10_000; i++) {
      sb.append("{\"external_id\":\"x").append(i).append("\"}\n");
    }
    TallyHttp.Res r = post("/contacts/bulk", sb.toString());
    assertEquals(400, r.status());
    assertEquals("body", r.field());
    assertEquals(0, get("/contacts").json().get("total_count").asInt());
  }

  @Test
  void importThenExportRoundTrips(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
    Path in = dir.resolve("in.ndjson");
    List<String> lines = new ArrayList<>();
    for (int i = 0; i < 1200; i++) {
      lines.add(
          "{\"external_id\":\"imp"
              + i
              + "\",\"email\":\"imp"
              + i
              + "@example.com\",\"custom_attributes\":{\"n\":"
              + i
              + "}}");
    }
    Files.write(in, lines);
    String url = "http://127.0.0.1:" + server.port();
    CliTest.Run run = CliTest.tally("import", "--url", url, "--token", token, in.toString());
    assertEquals(0, run.code(), run.err());
    assertTrue(run.err().contains("1200 created"), run.err());

    Path out = dir.resolve("out.ndjson");
    assertEquals(0, CliTest.tally("export", "--url", url, "--token", token, out.toString()).code());
    assertEquals(1200, Files.readAllLines(out).size());

    CliTest.Run again = CliTest.tally("import", "--url", url, "--token", token, out.toString());
    assertEquals(0, again.code(), again.err());
    assertTrue(again.err().contains("0 created, 1200 updated, 0 rejected"), again.err());

    Files.write(
        in, List.of("{\"external_id\":\"ok\"}", "{\"external_id\":\"bad\",\"role\":\"owner\"}"));
    CliTest.Run bad = CliTest.tally("import", "--url", url, "--token", token, in.toString());
    assertEquals(1, bad.code());
    assertTrue(bad.err().contains("line 2: parameter_invalid"), bad.err());
  }

  /** A line that is not valid UTF-8 is refused, not read with U+FFFD (issue 11, finding 5). */
  @Test
  void aLineThatIsNotUtf8IsRefused() throws Exception {
    java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
    body.write("{\"external_id\":\"nu".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.write(0xff);
    body.write(
        "\",\"email\":\"a@example.com\"}\n{\"external_id\":\"nu"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    body.write(0xfe);
    body.write(
        "\",\"email\":\"b@example.com\"}\n{\"external_id\":\"fine\"}\n"
            .getBytes(java.nio.charset.StandardCharsets.UTF_8));
    TallyHttp.Res r =
        http.call(
            "POST",
            "/contacts/bulk",
            token,
            body.toByteArray(),
            Map.of("Content-Type", "application/x-ndjson"));
    assertEquals(200, r.status(), r.toString());
    assertEquals(1, r.json().get("created").asInt(), r.toString());
    assertEquals(2, r.json().get("failed").asInt(), r.toString());
    assertEquals(1, r.json().get("errors").get(0).get("line").asInt());
    assertEquals(2, r.json().get("errors").get(1).get("line").asInt());
    assertTrue(
        r.json().get("errors").get(0).get("message").asText().contains("not valid UTF-8"),
        r.toString());
  }
}
