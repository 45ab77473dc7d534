package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.messaging.AdminMessage;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.messaging.Message;
import dev.tally.core.model.Admin;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatchParser;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * {@code POST /messages}: Intercom's admin-initiated message, email only, as one send through the
 * campaigns' path (docs/messaging.md, "Admin messages"). The request is checked whole, the teammate
 * and the contact looked up, then one write makes the message (a campaign of kind message) and
 * queues its send; the sender delivers it after the same final check as every campaign's. The
 * answer is Intercom's {@code admin_message}; the send's fate is at {@code GET
 * /campaigns/{id}/sends} with the message's id.
 */
final class MessageRoutes {
  private final RequestContext rc;

  MessageRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/messages", this::create);
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    AdminMessage m = AdminMessage.parse(rc.body(ctx));
    Admin from =
        rc.store()
            .admin(ws, m.fromAdminId())
            .orElseThrow(() -> AdminsRoutes.notFound(Ids.format(m.fromAdminId())));
    if (from.email() == null || !ContactPatchParser.isEmail(from.email())) {
      throw TallyException.invalid(
          "from.id",
          "from.id names teammate "
              + Ids.format(from.id())
              + ", who has no email address to send from");
    }
    Contact to = rc.store().findContact(ws, m.to()).orElseThrow(m.to()::notFound);
    CampaignDefinition d =
        CampaignDefinition.message(
            "message from admin " + Ids.format(from.id()) + " to contact " + Ids.format(to.id()),
            new Message.Email(from.email(), m.subject(), m.body()));
    String definition = d.toJson().toString();
    long expiresAfter = d.expiresAfter().toMillis();
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200,
                render(
                    tx.createMessage(ws, d.name(), definition, to.id(), expiresAfter), m, from)));
  }

  /**
   * Intercom's {@code admin_message}: Tally's extras are none; {@code conversation_id} is null, as
   * Intercom's is until the contact replies (Tally has no inbox).
   */
  static ObjectNode render(Campaign message, AdminMessage m, Admin from) {
    ObjectNode o =
        Json.object()
            .put("type", "admin_message")
            .put("id", Ids.format(message.id()))
            .put("created_at", message.createdAt())
            .put("subject", m.subject().source())
            .put("body", m.body().source())
            .put("message_type", "email");
    o.set("owner", AdminJson.admin(from));
    o.putNull("conversation_id");
    return o;
  }
}
