package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Workspace;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Intercom's teammates for a workspace token: {@code GET /admins}, {@code GET /admins/{id}} and
 * {@code GET /me}. Teammates are created and removed through the admin API ({@link AdminRoutes}),
 * as Intercom's are in its UI. {@code /me} answers with the teammate the token acts for; a token
 * bound to none acts as the workspace's app, and {@code /me} then answers with the app's identity
 * in the same {@code admin_with_app} shape, its {@code id} and {@code email} null.
 */
final class AdminsRoutes {
  private final RequestContext rc;

  AdminsRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.get("/admins", this::list);
    app.get("/admins/{id}", this::find);
    app.get("/me", this::me);
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    boolean avatar = displayAvatar(ctx);
    ObjectNode o = Json.object().put("type", "admin.list");
    ArrayNode admins = o.putArray("admins");
    for (Admin a : rc.store().admins(ws)) {
      admins.add(avatar ? withAvatar(AdminJson.admin(a)) : AdminJson.admin(a));
    }
    RequestContext.json(ctx, 200, o);
  }

  private void find(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    String raw = ctx.pathParam("id");
    Admin a = parse(raw).flatMap(id -> rc.store().admin(ws, id)).orElseThrow(() -> notFound(raw));
    RequestContext.json(ctx, 200, withAvatar(AdminJson.admin(a)));
  }

  private void me(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long adminId = RequestContext.tokenAdmin(ctx);
    Workspace w =
        rc.store()
            .workspace(ws)
            .orElseThrow(() -> TallyException.notFound("workspace", Ids.format(ws)));
    ObjectNode o;
    if (adminId == 0) {
      o = Json.object().put("type", "admin").putNull("id").put("name", w.name()).putNull("email");
      o.put("job_title", "")
          .put("away_mode_enabled", false)
          .put("away_mode_reassign", false)
          .put("has_inbox_seat", false);
      o.putArray("team_ids");
    } else {
      // The store refuses to delete a teammate a token acts for, so it is there.
      o =
          AdminJson.admin(
              rc.store().admin(ws, adminId).orElseThrow(() -> notFound(Ids.format(adminId))));
    }
    withAvatar(o).put("email_verified", false);
    o.putObject("app")
        .put("type", "app")
        .put("id_code", Ids.format(w.id()))
        .put("name", w.name())
        .put("created_at", w.createdAt())
        .put("secure", false)
        .put("identity_verification", false)
        .put("timezone", "UTC")
        .put("region", "self-hosted");
    RequestContext.json(ctx, 200, o);
  }

  private static ObjectNode withAvatar(ObjectNode o) {
    o.putObject("avatar").put("type", "avatar").putNull("image_url");
    return o;
  }

  private static boolean displayAvatar(Context ctx) {
    String v = ctx.queryParam("display_avatar");
    if (v == null || v.equals("false")) {
      return false;
    }
    if (v.equals("true")) {
      return true;
    }
    throw TallyException.invalid(
        "display_avatar", "display_avatar must be true or false, got " + TallyException.quote(v));
  }

  private static java.util.Optional<Long> parse(String raw) {
    try {
      long id = Long.parseLong(raw);
      return id > 0 ? java.util.Optional.of(id) : java.util.Optional.empty();
    } catch (NumberFormatException e) {
      return java.util.Optional.empty();
    }
  }

  /** Intercom's answer for a teammate that is not there (or is another workspace's). */
  static TallyException notFound(String raw) {
    return new TallyException(
        TallyException.Kind.NOT_FOUND,
        "admin_not_found",
        null,
        "Admin for admin_id " + TallyException.quote(raw) + " not found");
  }
}
