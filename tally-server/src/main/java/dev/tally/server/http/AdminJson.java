package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.model.Admin;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;

/** The JSON of admin objects, shared by the admin API and the CLI working on a stopped Tally. */
public final class AdminJson {
  private AdminJson() {}

  public static ObjectNode workspace(Workspace ws) {
    return Json.object()
        .put("type", "workspace")
        .put("id", Ids.format(ws.id()))
        .put("name", ws.name())
        .put("created_at", ws.createdAt())
        .put("time_zone", ws.timeZone());
  }

  public static ObjectNode token(TokenInfo t) {
    ObjectNode o =
        Json.object()
            .put("type", "token")
            .put("id", Ids.format(t.id()))
            .put("workspace_id", Ids.format(t.workspaceId()))
            .put("prefix", t.prefix())
            .put("created_at", t.createdAt());
    if (t.actsForAdmin()) {
      o.put("admin_id", Ids.format(t.adminId()));
    } else {
      o.putNull("admin_id");
    }
    return o;
  }

  /**
   * A teammate as Intercom's admin object (API 2.11's {@code admin} schema): its id is a string of
   * digits as the spec has it; what Tally does not keep (job title, away mode, teams) has the
   * spec's type and an empty value.
   */
  public static ObjectNode admin(Admin a) {
    ObjectNode o =
        Json.object()
            .put("type", "admin")
            .put("id", Ids.format(a.id()))
            .put("name", a.name())
            .put("email", a.email())
            .put("job_title", "")
            .put("away_mode_enabled", false)
            .put("away_mode_reassign", false)
            .put("has_inbox_seat", true);
    o.putArray("team_ids");
    return o;
  }

  /** A teammate as the admin API shows it: Intercom's admin object, its workspace and creation. */
  public static ObjectNode teammate(Admin a) {
    return admin(a)
        .put("workspace_id", Ids.format(a.workspaceId()))
        .put("created_at", a.createdAt());
  }

  /** What deleting a teammate answers. */
  public static ObjectNode deleted(Admin a) {
    return Json.object()
        .put("type", "admin")
        .put("id", Ids.format(a.id()))
        .put("workspace_id", Ids.format(a.workspaceId()))
        .put("deleted", true);
  }

  public static ObjectNode object() {
    return Json.object();
  }
}
