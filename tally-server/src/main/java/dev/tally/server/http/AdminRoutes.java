package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Written;
import dev.tally.server.auth.Provisioning;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/** Admin endpoints (admin token): workspaces, their tokens, and the oplog. */
final class AdminRoutes {
  private static final int MAX_NAME = 100;
  private final RequestContext rc;

  AdminRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/admin/workspaces", this::createWorkspace);
    app.get("/admin/workspaces", this::listWorkspaces);
    app.get("/admin/workspaces/{id}", this::getWorkspace);
    app.put("/admin/workspaces/{id}", this::updateWorkspace);
    app.delete("/admin/workspaces/{id}", this::deleteWorkspace);
    app.post("/admin/workspaces/{id}/tokens", this::createToken);
    app.get("/admin/workspaces/{id}/tokens", this::listTokens);
    app.delete("/admin/workspaces/{id}/tokens/{token_id}", this::revokeToken);
    app.post("/admin/workspaces/{id}/admins", this::createAdmin);
    app.get("/admin/workspaces/{id}/admins", this::listAdmins);
    app.delete("/admin/workspaces/{id}/admins/{admin_id}", this::deleteAdmin);
    app.get("/admin/oplog", this::oplog);
  }

  /** Token-issuing endpoints show a token once, so they cannot replay a stored response. */
  private static void refuseIdempotencyKey(Context ctx) {
    if (ctx.header(RequestContext.IDEMPOTENCY_HEADER) != null) {
      throw TallyException.invalid(
          RequestContext.IDEMPOTENCY_HEADER,
          "this endpoint issues a token that is shown only once, "
              + "so it takes no Idempotency-Key; list the workspaces or tokens to see whether an earlier request succeeded");
    }
  }

  private void createWorkspace(Context ctx) {
    refuseIdempotencyKey(ctx);
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object like {\"name\": \"acme\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("name")) {
                throw TallyException.invalid(
                    f,
                    "unknown field " + TallyException.quote(f) + "; a workspace has only a name");
              }
            });
    JsonNode name = body.get("name");
    if (name == null || name.isNull()) {
      throw TallyException.missing("name", "name is required: the workspace's name");
    }
    if (!name.isTextual() || name.textValue().isBlank() || name.textValue().length() > MAX_NAME) {
      throw TallyException.invalid(
          "name", "name must be a non-empty string of at most " + MAX_NAME + " characters");
    }
    dev.tally.core.model.Text.checked("name", name.textValue(), false);
    Provisioning.NewWorkspace made = Provisioning.createWorkspace(rc.store(), name.textValue());
    ObjectNode o = AdminJson.workspace(made.workspace());
    o.put("token", made.token());
    RequestContext.send(ctx, 201, Json.write(o), made.position());
  }

  private void listWorkspaces(Context ctx) {
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    for (Workspace ws : rc.store().workspaces()) {
      data.add(AdminJson.workspace(ws).put("contact_count", rc.store().contactCount(ws.id())));
    }
    RequestContext.json(ctx, 200, o);
  }

  private void getWorkspace(Context ctx) {
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    Workspace ws =
        rc.store()
            .workspace(id)
            .orElseThrow(() -> TallyException.notFound("workspace", ctx.pathParam("id")));
    RequestContext.json(
        ctx, 200, AdminJson.workspace(ws).put("contact_count", rc.store().contactCount(id)));
  }

  /** {@code {"time_zone": "Europe/Paris"}}: what of a workspace may change. */
  private void updateWorkspace(Context ctx) {
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object like {\"time_zone\": \"Europe/Paris\"}");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("time_zone")) {
                throw TallyException.invalid(
                    f,
                    "unknown field "
                        + TallyException.quote(f)
                        + (f.equals("name") ? "; a workspace's name does not change" : "")
                        + "; a workspace's time_zone may change");
              }
            });
    JsonNode zone = body.get("time_zone");
    if (zone == null || zone.isNull()) {
      throw TallyException.missing(
          "time_zone", "time_zone is required: an IANA time zone name such as \"Europe/Paris\"");
    }
    String checked =
        Workspace.checkTimeZone("time_zone", zone.isTextual() ? zone.textValue() : zone.toString());
    Written<Workspace> w = rc.store().write(tx -> tx.setWorkspaceTimeZone(id, checked));
    ObjectNode o = AdminJson.workspace(w.value()).put("contact_count", rc.store().contactCount(id));
    RequestContext.send(ctx, 200, Json.write(o), w.position());
  }

  private void deleteWorkspace(Context ctx) {
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    Written<Long> w =
        rc.store()
            .write(
                tx -> {
                  tx.deleteWorkspace(id);
                  return id;
                });
    ObjectNode o =
        Json.object().put("type", "workspace").put("id", Ids.format(id)).put("deleted", true);
    RequestContext.send(ctx, 200, Json.write(o), w.position());
  }

  private void createToken(Context ctx) {
    refuseIdempotencyKey(ctx);
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    Provisioning.NewToken made = Provisioning.createToken(rc.store(), id, tokenAdmin(ctx));
    ObjectNode o = AdminJson.token(made.info());
    o.put("token", made.token());
    RequestContext.send(ctx, 201, Json.write(o), made.position());
  }

  /**
   * The teammate a new token acts for: {@code {"admin_id": N}} (a number or a string of digits); an
   * empty body or {@code {}} for none.
   */
  private long tokenAdmin(Context ctx) {
    if (rc.rawBody(ctx).length == 0) {
      return 0;
    }
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object like {\"admin_id\": 7}, or empty");
    }
    body.fieldNames()
        .forEachRemaining(
            f -> {
              if (!f.equals("admin_id")) {
                throw TallyException.invalid(
                    f,
                    "unknown field "
                        + TallyException.quote(f)
                        + "; a token takes only admin_id, the teammate it acts for");
              }
            });
    JsonNode admin = body.get("admin_id");
    if (admin == null || admin.isNull()) {
      return 0;
    }
    if (admin.isIntegralNumber() && admin.canConvertToLong() && admin.longValue() > 0) {
      return admin.longValue();
    }
    if (admin.isTextual()) {
      return Ids.parseField("admin_id", admin.textValue());
    }
    throw TallyException.invalid(
        "admin_id", "admin_id must be a teammate's id (a positive integer), got " + admin);
  }

  private void createAdmin(Context ctx) {
    long ws = Ids.parsePath("workspace", ctx.pathParam("id"));
    TeammateInput in = TeammateInput.parse(rc.body(ctx));
    Written<Admin> w = rc.store().write(tx -> tx.createAdmin(ws, in.name(), in.email()));
    RequestContext.send(ctx, 201, Json.write(AdminJson.teammate(w.value())), w.position());
  }

  private void listAdmins(Context ctx) {
    long ws = Ids.parsePath("workspace", ctx.pathParam("id"));
    if (rc.store().workspace(ws).isEmpty()) {
      throw TallyException.notFound("workspace", ctx.pathParam("id"));
    }
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    rc.store().admins(ws).forEach(a -> data.add(AdminJson.teammate(a)));
    RequestContext.json(ctx, 200, o);
  }

  private void deleteAdmin(Context ctx) {
    long ws = Ids.parsePath("workspace", ctx.pathParam("id"));
    String raw = ctx.pathParam("admin_id");
    long adminId;
    try {
      adminId = Ids.parsePath("admin", raw);
    } catch (TallyException e) {
      throw AdminsRoutes.notFound(raw);
    }
    if (rc.store().workspace(ws).isEmpty()) {
      throw TallyException.notFound("workspace", ctx.pathParam("id"));
    }
    Written<Admin> w = rc.store().write(tx -> tx.deleteAdmin(ws, adminId));
    RequestContext.send(ctx, 200, Json.write(AdminJson.deleted(w.value())), w.position());
  }

  private void listTokens(Context ctx) {
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    if (rc.store().workspace(id).isEmpty()) {
      throw TallyException.notFound("workspace", ctx.pathParam("id"));
    }
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    rc.store().tokens(id).forEach(t -> data.add(AdminJson.token(t)));
    RequestContext.json(ctx, 200, o);
  }

  private void revokeToken(Context ctx) {
    long id = Ids.parsePath("workspace", ctx.pathParam("id"));
    long tokenId = Ids.parsePath("token", ctx.pathParam("token_id"));
    Written<Long> w =
        rc.store()
            .write(
                tx -> {
                  tx.revokeToken(id, tokenId);
                  return tokenId;
                });
    ObjectNode o =
        Json.object()
            .put("type", "token")
            .put("id", Ids.format(tokenId))
            .put("workspace_id", Ids.format(id))
            .put("deleted", true);
    RequestContext.send(ctx, 200, Json.write(o), w.position());
  }

  private void oplog(Context ctx) {
    String afterRaw = ctx.queryParam("after");
    long after = 0;
    if (afterRaw != null) {
      try {
        after = Long.parseLong(afterRaw);
      } catch (NumberFormatException e) {
        after = -1;
      }
      if (after < 0) {
        throw TallyException.invalid(
            "after",
            "after must be an oplog position (a non-negative 64-bit integer), got "
                + TallyException.quote(afterRaw));
      }
    }
    int limit = Cursor.perPage("limit", ctx.queryParam("limit"), 100, 1000);
    List<OplogEntry> entries = rc.store().oplog(after, limit);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    for (OplogEntry e : entries) {
      data.addObject()
          .put("position", Ids.format(e.position()))
          .put("workspace_id", Ids.format(e.workspaceId()))
          .put("entity", e.entity())
          .put("id", Ids.format(e.entityId()))
          .put("version", e.version())
          .put("op", e.op())
          .put("at", e.at());
    }
    o.put(
        "next_after",
        Ids.format(entries.isEmpty() ? after : entries.get(entries.size() - 1).position()));
    o.put("head", Ids.format(rc.store().head()));
    RequestContext.json(ctx, 200, o);
  }
}
