package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.store.Written;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Set;
import java.util.TreeSet;

/**
 * The messaging kill switch (admin token): pause or resume delivery for every workspace or for one.
 * While paused, sends stay queued and nothing is delivered; the switch is a row in the store, so
 * every process obeys it and it survives restarts. Answers the switch's state after the change.
 */
final class MessagingAdminRoutes {
  private final RequestContext rc;

  MessagingAdminRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.get("/admin/messaging", ctx -> RequestContext.json(ctx, 200, state()));
    app.post("/admin/messaging/pause", ctx -> set(ctx, 0, true));
    app.post("/admin/messaging/resume", ctx -> set(ctx, 0, false));
    app.post(
        "/admin/workspaces/{id}/messaging/pause",
        ctx -> set(ctx, Ids.parsePath("workspace", ctx.pathParam("id")), true));
    app.post(
        "/admin/workspaces/{id}/messaging/resume",
        ctx -> set(ctx, Ids.parsePath("workspace", ctx.pathParam("id")), false));
  }

  private void set(Context ctx, long workspaceId, boolean paused) {
    Written<Long> w =
        rc.store()
            .write(
                tx -> {
                  tx.setMessagingPaused(workspaceId, paused);
                  return workspaceId;
                });
    RequestContext.send(ctx, 200, Json.write(state()), w.position());
  }

  /**
   * {@code {"type": "messaging", "paused": bool (every workspace), "paused_workspaces": [ids]}}.
   */
  private ObjectNode state() {
    Set<Long> paused = new TreeSet<>(rc.store().messagingPaused());
    ObjectNode o = Json.object();
    o.put("type", "messaging");
    o.put("paused", paused.remove(0L));
    ArrayNode ws = o.putArray("paused_workspaces");
    paused.forEach(id -> ws.add(Ids.format(id)));
    return o;
  }
}
