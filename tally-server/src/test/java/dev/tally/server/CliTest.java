package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CLI's admin commands, on a running Tally (--url) and a stopped one (--data), and their exit
 * codes.
 */
class CliTest extends ApiTestBase {

  record Run(int code, String out, String err) {
    JsonNode json() {
      try {
        return TallyHttp.JSON.readTree(out);
      } catch (java.io.IOException e) {
        throw new AssertionError("not JSON: " + out, e);
      }
    }
  }

  static Run tally(String... args) {
    PrintStream out = System.out;
    PrintStream err = System.err;
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    ByteArrayOutputStream e = new ByteArrayOutputStream();
    System.setOut(new PrintStream(o, true, StandardCharsets.UTF_8));
    System.setErr(new PrintStream(e, true, StandardCharsets.UTF_8));
    try {
      int code = Main.run(args);
      return new Run(code, o.toString(StandardCharsets.UTF_8), e.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(out);
      System.setErr(err);
    }
  }

  private String url() {
    return "http://127.0.0.1:" + server.port();
  }

  @Test
  void workspacesAndTokensOnARunningTally() {
    Run made = tally("workspace", "create", "acme", "--url", url(), "--admin-token", ADMIN);
    assertEquals(0, made.code(), made.err());
    String ws = made.json().get("id").asText();
    String first = made.json().get("token").asText();
    assertEquals(200, http.call("GET", "/contacts", first, null).status());

    Run fresh = tally("token", "create", ws, "--url", url(), "--admin-token", ADMIN);
    assertEquals(0, fresh.code(), fresh.err());
    String second = fresh.json().get("token").asText();
    Run tokens = tally("token", "list", ws, "--url", url(), "--admin-token", ADMIN);
    String firstId = tokens.json().get("data").get(0).get("id").asText();
    assertEquals(
        0, tally("token", "revoke", ws, firstId, "--url", url(), "--admin-token", ADMIN).code());
    assertEquals(401, http.call("GET", "/contacts", first, null).status());
    assertEquals(200, http.call("GET", "/contacts", second, null).status());

    assertEquals(
        2,
        tally("workspace", "list", "--url", url(), "--admin-token", ADMIN)
            .json()
            .get("data")
            .size());
    assertEquals(
        0, tally("workspace", "delete", ws, "--url", url(), "--admin-token", ADMIN).code());
    assertEquals(
        1,
        tally("workspace", "delete", ws, "--url", url(), "--admin-token", ADMIN).code(),
        "not found is a problem");
  }

  @Test
  void exitCodesSayWhatWentWrong() {
    assertEquals(
        3,
        tally("workspace", "list", "--url", "http://127.0.0.1:1", "--admin-token", ADMIN).code(),
        "unreachable");
    assertEquals(
        2,
        tally("workspace", "list", "--url", url(), "--admin-token", "wrong").code(),
        "bad credentials are bad usage");
    assertEquals(2, tally("workspace", "create").code(), "missing argument");
    assertEquals(2, tally("nonsense").code());
    Run inUse = tally("workspace", "list", "--data", data.toString());
    assertEquals(3, inUse.code());
    assertTrue(inUse.err().contains("in use"), inUse.err());
  }

  @Test
  void workspacesOnAStoppedTally(@TempDir Path stopped) throws Exception {
    Run made = tally("workspace", "create", "offline", "--data", stopped.toString());
    assertEquals(0, made.code(), made.err());
    String token = made.json().get("token").asText();
    assertEquals(
        1, tally("workspace", "list", "--data", stopped.toString()).json().get("data").size());
    try (TallyServer s = startTally(stopped, Map.of()).server()) {
      TallyHttp h = new TallyHttp(s.port());
      assertEquals(
          200, h.call("POST", "/contacts", token, "{\"email\":\"o@example.com\"}").status());
    }
  }

  @Test
  void teammatesOnARunningTally() {
    String ws = defaultWorkspace();
    Run made =
        tally(
            "admin",
            "create",
            ws,
            "--name",
            "Ann",
            "--email",
            "ann@example.com",
            "--url",
            url(),
            "--admin-token",
            ADMIN);
    assertEquals(0, made.code(), made.err());
    String id = made.json().get("id").asText();
    assertEquals("Ann", made.json().get("name").asText());
    Run dup =
        tally(
            "admin",
            "create",
            ws,
            "--name",
            "Ann",
            "--email",
            "ANN@example.com",
            "--url",
            url(),
            "--admin-token",
            ADMIN);
    assertEquals(1, dup.code(), "a taken email is a problem: " + dup.err());
    Run bad =
        tally(
            "admin",
            "create",
            ws,
            "--name",
            "X",
            "--email",
            "nope",
            "--url",
            url(),
            "--admin-token",
            ADMIN);
    assertEquals(2, bad.code(), "a malformed email is bad usage: " + bad.err());
    assertEquals(2, tally("admin", "create", ws, "--url", url(), "--admin-token", ADMIN).code());

    Run list = tally("admin", "list", ws, "--url", url(), "--admin-token", ADMIN);
    assertEquals(0, list.code(), list.err());
    assertEquals(id, list.json().get("data").get(0).get("id").asText());

    Run bound =
        tally("token", "create", ws, "--admin-id", id, "--url", url(), "--admin-token", ADMIN);
    assertEquals(0, bound.code(), bound.err());
    assertEquals(id, bound.json().get("admin_id").asText());
    TallyHttp.Res me = http.call("GET", "/me", bound.json().get("token").asText(), null);
    assertEquals(id, me.json().get("id").asText());

    Run refused = tally("admin", "delete", ws, id, "--url", url(), "--admin-token", ADMIN);
    assertEquals(1, refused.code(), "a teammate a token acts for stays: " + refused.err());
    assertTrue(refused.err().contains("token"), refused.err());
    String tokenId = bound.json().get("id").asText();
    assertEquals(
        0, tally("token", "revoke", ws, tokenId, "--url", url(), "--admin-token", ADMIN).code());
    assertEquals(
        0, tally("admin", "delete", ws, id, "--url", url(), "--admin-token", ADMIN).code());
    assertEquals(
        1, tally("admin", "delete", ws, id, "--url", url(), "--admin-token", ADMIN).code());
  }

  @Test
  void teammatesOnAStoppedTally(@TempDir Path stopped) throws Exception {
    Run ws = tally("workspace", "create", "offline", "--data", stopped.toString());
    assertEquals(0, ws.code(), ws.err());
    String wsId = ws.json().get("id").asText();
    Run made =
        tally(
            "admin",
            "create",
            wsId,
            "--name",
            "Bo",
            "--email",
            "bo@example.com",
            "--data",
            stopped.toString());
    assertEquals(0, made.code(), made.err());
    String id = made.json().get("id").asText();
    assertTrue(Long.parseLong(id) > 0);
    assertEquals(
        2,
        tally(
                "admin",
                "create",
                wsId,
                "--name",
                "X",
                "--email",
                "bad",
                "--data",
                stopped.toString())
            .code());
    Run token = tally("token", "create", wsId, "--admin-id", id, "--data", stopped.toString());
    assertEquals(0, token.code(), token.err());
    assertEquals(
        1,
        tally("admin", "list", wsId + "9", "--data", stopped.toString()).code(),
        "no such workspace");
    assertEquals(
        1, tally("admin", "list", wsId, "--data", stopped.toString()).json().get("data").size());
    assertEquals(1, tally("admin", "delete", wsId, id, "--data", stopped.toString()).code());
    try (TallyServer s = startTally(stopped, Map.of()).server()) {
      TallyHttp h = new TallyHttp(s.port());
      TallyHttp.Res me = h.call("GET", "/me", token.json().get("token").asText(), null);
      assertEquals(id, me.json().get("id").asText());
    }
  }

  @Test
  void subscriptionTypesAndTimeZonesOnARunningTallyAndAStoppedOne(@TempDir Path stopped) {
    String running = defaultWorkspace();
    Run offline = tally("workspace", "create", "offline", "--data", stopped.toString());
    assertEquals(0, offline.code(), offline.err());
    String stoppedWs = offline.json().get("id").asText();
    for (String[] target :
        new String[][] {
          {running, "--url", url(), "--admin-token", ADMIN},
          {stoppedWs, "--data", stopped.toString()}
        }) {
      String ws = target[0];
      String[] where = java.util.Arrays.copyOfRange(target, 1, target.length);
      Run made =
          tally(
              concat(
                  new String[] {
                    "subscription-type",
                    "create",
                    ws,
                    "--name",
                    "News",
                    "--consent-type",
                    "opt_in",
                    "--content-type",
                    "email",
                    "--content-type",
                    "sms_message"
                  },
                  where));
      assertEquals(0, made.code(), made.err());
      assertEquals("opt_in", made.json().get("consent_type").asText());
      assertEquals("live", made.json().get("state").asText());
      assertEquals(2, made.json().get("content_types").size());
      Run bad =
          tally(
              concat(
                  new String[] {
                    "subscription-type", "create", ws, "--name", "X", "--consent-type", "maybe"
                  },
                  where));
      assertEquals(2, bad.code(), "a bad consent type is bad usage: " + bad.err());
      assertTrue(bad.err().contains("consent_type"), bad.err());
      Run list = tally(concat(new String[] {"subscription-type", "list", ws}, where));
      assertEquals(0, list.code(), list.err());
      assertEquals(1, list.json().get("data").size(), list.out());

      Run zone = tally(concat(new String[] {"workspace", "time-zone", ws, "Asia/Tokyo"}, where));
      assertEquals(0, zone.code(), zone.err());
      assertEquals("Asia/Tokyo", zone.json().get("time_zone").asText());
      Run badZone = tally(concat(new String[] {"workspace", "time-zone", ws, "Nowhere"}, where));
      assertEquals(2, badZone.code(), badZone.err());
      assertTrue(badZone.err().contains("time_zone"), badZone.err());
    }
  }

  private static String[] concat(String[] a, String[] b) {
    String[] out = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, out, a.length, b.length);
    return out;
  }
}
