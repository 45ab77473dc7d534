package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
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
        .put("created_at", ws.createdAt());
  }

  public static ObjectNode token(TokenInfo t) {
    return Json.object()
        .put("type", "token")
        .put("id", Ids.format(t.id()))
        .put("workspace_id", Ids.format(t.workspaceId()))
        .put("prefix", t.prefix())
        .put("created_at", t.createdAt());
  }

  public static ObjectNode object() {
    return Json.object();
  }
}
