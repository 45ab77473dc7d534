package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * {@code POST /admin/index/verify} and {@code tally verify} on a running Tally: a healthy index
 * agrees; a contact removed from the serving index behind the projector's back is found, named and
 * repaired; bad input is a 400; the background verifier's findings are Prometheus metrics.
 */
class VerifyTest extends ApiTestBase {

  private String url() {
    return "http://127.0.0.1:" + server.port();
  }

  @Test
  void aHealthyIndexAgreesOverTheApiAndTheCli() {
    for (int i = 0; i < 20; i++) {
      createContact("{\"email\":\"v" + i + "@example.com\"}");
    }
    TallyHttp.Res r = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertEquals(200, r.status(), r.raw().body());
    assertTrue(r.json().get("agree").asBoolean(), r.raw().body());
    assertEquals(20, r.json().get("contacts").asLong());
    assertEquals("index.verification", r.json().get("type").asText());

    CliTest.Run cli = CliTest.tally("verify", "--url", url(), "--admin-token", ADMIN);
    assertEquals(0, cli.code(), cli.out() + cli.err());
    assertTrue(cli.out().contains("store and index agree"), cli.out());
    CliTest.Run readOnly = CliTest.tally("verify", "--data", data.toString(), "--json");
    assertEquals(0, readOnly.code(), readOnly.out() + readOnly.err());
    assertEquals(20, readOnly.json().get("contacts").asLong());
  }

  @Test
  void aDivergedContactIsFoundAndRepaired() throws Exception {
    String id = createContact("{\"email\":\"changed@example.com\"}");
    createContact("{\"email\":\"kept@example.com\"}");
    assertTrue(
        http.call("POST", "/admin/index/verify", ADMIN, "{}").json().get("agree").asBoolean());
    // A write whose oplog entry was lost: the store moves on, the projector is never told.
    try (var c = java.sql.DriverManager.getConnection("jdbc:sqlite:" + data.resolve("tally.db"));
        var s = c.createStatement()) {
      s.execute("PRAGMA busy_timeout = 5000");
      assertEquals(
          1, s.executeUpdate("UPDATE contacts SET version = version + 1 WHERE id = " + id));
    }

    TallyHttp.Res found = http.call("POST", "/admin/index/verify", ADMIN, "{\"repair\":false}");
    assertEquals(200, found.status(), found.raw().body());
    assertFalse(found.json().get("agree").asBoolean(), found.raw().body());
    assertEquals(1, found.json().get("differences").size(), found.raw().body());
    assertEquals(id, found.json().get("differences").get(0).get("id").asText());
    assertEquals("stale_in_index", found.json().get("differences").get(0).get("kind").asText());
    CliTest.Run cli = CliTest.tally("verify", "--url", url(), "--admin-token", ADMIN);
    assertEquals(1, cli.code(), "differences exit 1: " + cli.out());
    assertTrue(cli.out().contains("contact " + id + ": stale_in_index"), cli.out());

    CliTest.Run repair =
        CliTest.tally("verify", "--url", url(), "--admin-token", ADMIN, "--repair");
    assertEquals(0, repair.code(), repair.out() + repair.err());
    assertTrue(repair.out().contains("repaired 1 contacts"), repair.out());
    assertTrue(
        http.call("POST", "/admin/index/verify", ADMIN, "{}").json().get("agree").asBoolean());
  }

  @Test
  void badInputIsA400AndFindingsAreMetrics() {
    TallyHttp.Res bad = http.call("POST", "/admin/index/verify", ADMIN, "{\"repair\":\"yes\"}");
    assertEquals(400, bad.status());
    assertEquals("repair", bad.json().get("errors").get(0).get("field").asText());
    assertEquals(
        401,
        http.call("POST", "/admin/index/verify", token, "{}").status(),
        "a workspace token is not enough");
    String metrics = http.call("GET", "/metrics", null, null).raw().body();
    assertTrue(metrics.contains("tally_verify_runs_total"), metrics);
    assertTrue(metrics.contains("tally_verify_last_differences"), metrics);
    assertTrue(metrics.contains("tally_index_visible_position"), metrics);
  }

  private void patchName(String id) {
    TallyHttp.Res r =
        http.call("PUT", "/contacts/" + id, token, "{\"name\":\"n" + System.nanoTime() + "\"}");
    assertEquals(200, r.status(), r.raw().body());
  }
}
