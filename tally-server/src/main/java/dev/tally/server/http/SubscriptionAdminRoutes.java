package dev.tally.server.http;

import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.SubscriptionType;
import dev.tally.core.store.Written;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Subscription types by the admin token: Intercom has no API to create them (its UI does), so
 * Tally's admin API does. Contacts' choices go through the workspace API ({@link
 * SubscriptionRoutes}).
 */
final class SubscriptionAdminRoutes {
  private final RequestContext rc;

  SubscriptionAdminRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/admin/workspaces/{id}/subscription_types", this::create);
    app.get("/admin/workspaces/{id}/subscription_types", this::list);
  }

  private void create(Context ctx) {
    long ws = Ids.parsePath("workspace", ctx.pathParam("id"));
    SubscriptionType.New in = SubscriptionJson.input(rc.body(ctx));
    Written<SubscriptionType> w = rc.store().write(tx -> tx.createSubscriptionType(ws, in));
    RequestContext.send(ctx, 201, Json.write(SubscriptionJson.type(w.value())), w.position());
  }

  private void list(Context ctx) {
    long ws = Ids.parsePath("workspace", ctx.pathParam("id"));
    if (rc.store().workspace(ws).isEmpty()) {
      throw TallyException.notFound("workspace", ctx.pathParam("id"));
    }
    RequestContext.json(ctx, 200, SubscriptionJson.list(rc.store().subscriptionTypes(ws)));
  }
}
