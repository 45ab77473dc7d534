package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.SubscriptionType;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Set;

/**
 * Intercom's subscription types (API 2.11): the workspace's list, and a contact's explicit choices
 * (attach: opted in to an opt_in type, out of an opt_out one; detach: back to the type's default).
 * The final check reads the same rows from the store at each send (docs/messaging.md).
 */
final class SubscriptionRoutes {
  private final RequestContext rc;

  SubscriptionRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.get("/subscription_types", this::list);
    app.post("/contacts/{id}/subscriptions", this::attach);
    app.get("/contacts/{id}/subscriptions", this::contactSubscriptions);
    app.delete("/contacts/{id}/subscriptions/{subscription_id}", this::detach);
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    RequestContext.json(ctx, 200, SubscriptionJson.list(rc.store().subscriptionTypes(ws)));
  }

  private void contactSubscriptions(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    if (rc.store().contact(ws, contactId).isEmpty()) {
      throw TallyException.notFound("contact", ctx.pathParam("id"));
    }
    RequestContext.json(
        ctx, 200, SubscriptionJson.list(rc.store().contactSubscriptions(ws, contactId)));
  }

  /** {@code {"id": "<subscription type id>", "consent_type": "opt_in"|"opt_out"}}. */
  private void attach(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body",
          "the request body must be a JSON object like {\"id\": \"<subscription type id>\","
              + " \"consent_type\": \"opt_in\"}");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!Set.of("id", "consent_type").contains(k)) {
        throw TallyException.invalid(
            k,
            "unknown field "
                + TallyException.quote(k)
                + "; expected id (the subscription type's) and consent_type");
      }
    }
    long typeId = typeId(body.get("id"));
    JsonNode consent = body.get("consent_type");
    if (consent == null || consent.isNull()) {
      throw TallyException.missing(
          "consent_type", "consent_type is required: opt_in or opt_out, the type's own");
    }
    if (!consent.isTextual() || !SubscriptionType.CONSENT_TYPES.contains(consent.textValue())) {
      throw TallyException.invalid(
          "consent_type",
          "consent_type must be opt_in or opt_out, got " + TallyException.quote(consent));
    }
    rc.write(
        ctx,
        ws,
        tx ->
            new RequestContext.Reply(
                200,
                SubscriptionJson.type(
                    tx.addContactSubscription(ws, contactId, typeId, consent.textValue())),
                contactId));
  }

  private void detach(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    long typeId = Ids.parsePath("subscription type", ctx.pathParam("subscription_id"));
    rc.write(
        ctx,
        ws,
        tx ->
            new RequestContext.Reply(
                200,
                SubscriptionJson.type(tx.removeContactSubscription(ws, contactId, typeId)),
                contactId));
  }

  /**
   * The body's {@code id}: a string of digits as the spec types it, or a JSON integer (its examples
   * send one). Anything else names no subscription type: a 404, as Intercom answers {@code
   * "invalid_id"}.
   */
  private static long typeId(JsonNode v) {
    if (v == null || v.isNull()) {
      throw TallyException.missing("id", "id is required: the subscription type's id");
    }
    String raw =
        v.isTextual()
            ? v.textValue()
            : v.isIntegralNumber() && v.canConvertToLong() ? Long.toString(v.longValue()) : null;
    if (raw == null) {
      throw TallyException.invalid(
          "id", "id must be a subscription type's id (a string of digits), got " + v);
    }
    try {
      return Ids.parsePath("subscription type", raw);
    } catch (TallyException e) {
      throw TallyException.notFoundAt("id", e.getMessage());
    }
  }
}
