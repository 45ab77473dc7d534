package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/** The messaging kill switch through the admin API, and readiness saying so. */
class MessagingAdminApiTest extends ApiTestBase {

  private JsonNode admin(String method, String path) {
    TallyHttp.Res r = http.call(method, path, ADMIN, null);
    assertEquals(200, r.status(), r.toString());
    return r.json();
  }

  private boolean readinessWarns() {
    JsonNode ready = http.call("GET", "/health/ready", null, null).json();
    for (JsonNode w : ready.get("warnings")) {
      if (w.asText().startsWith("messaging: paused")) {
        return true;
      }
    }
    return false;
  }

  @Test
  void pausingAndResumingEveryWorkspaceOrOne() {
    JsonNode idle = admin("GET", "/admin/messaging");
    assertFalse(idle.get("paused").asBoolean());
    assertEquals(0, idle.get("paused_workspaces").size());
    assertFalse(readinessWarns());

    JsonNode all = admin("POST", "/admin/messaging/pause");
    assertTrue(all.get("paused").asBoolean());
    assertTrue(readinessWarns(), "readiness says messaging is paused");
    assertTrue(admin("POST", "/admin/messaging/pause").get("paused").asBoolean(), "idempotent");
    assertFalse(admin("POST", "/admin/messaging/resume").get("paused").asBoolean());

    String ws = defaultWorkspace();
    JsonNode one = admin("POST", "/admin/workspaces/" + ws + "/messaging/pause");
    assertFalse(one.get("paused").asBoolean());
    assertEquals(ws, one.get("paused_workspaces").get(0).asText());
    assertTrue(readinessWarns());
    assertEquals(
        0,
        admin("POST", "/admin/workspaces/" + ws + "/messaging/resume")
            .get("paused_workspaces")
            .size());
    assertFalse(readinessWarns());
  }

  @Test
  void onlyTheAdminTokenAndOnlyKnownWorkspaces() {
    assertEquals(401, http.call("POST", "/admin/messaging/pause", token, null).status());
    TallyHttp.Res unknown =
        http.call("POST", "/admin/workspaces/12345/messaging/pause", ADMIN, null);
    assertEquals(404, unknown.status(), unknown.toString());
    assertEquals(
        404, http.call("POST", "/admin/workspaces/x/messaging/pause", ADMIN, null).status());
    assertFalse(admin("GET", "/admin/messaging").get("paused").asBoolean(), "nothing was paused");
  }
}
