package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.JsonFields;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * What happens to a contact as a whole (Intercom's archive, unarchive and merge). Archiving takes a
 * contact out of search, segments and lists and keeps everything else, identities included; merging
 * moves a lead into a user in one transaction. Each raises versions through the one door, so the
 * index follows at the position the write answers with.
 */
final class ContactLifecycleRoutes {
  private static final List<String> MERGE_FIELDS = List.of("from", "into");
  private final RequestContext rc;

  ContactLifecycleRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/contacts/merge", this::merge);
    app.post("/contacts/{id}/archive", ctx -> archive(ctx, true));
    app.post("/contacts/{id}/unarchive", ctx -> archive(ctx, false));
  }

  /** Archive or unarchive; 200 with Intercom's contact_archived / contact_unarchived either way. */
  private void archive(Context ctx, boolean archive) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("contact", ctx.pathParam("id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          Contact c = archive ? tx.archiveContact(ws, id) : tx.unarchiveContact(ws, id);
          return new RequestContext.Reply(200, ContactJson.flagged(c, "archived", archive), id);
        });
  }

  /** {@code {"from": lead id, "into": user id}}: answers the merged user as a contact. */
  private void merge(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    JsonNode body = rc.body(ctx);
    JsonFields.requireObject(body, "from (the lead's id) and into (the user's id)");
    JsonFields.onlyKnown(body, "", MERGE_FIELDS, "a merge");
    long from = id(body, "from", "the id of the lead to merge away");
    long into = id(body, "into", "the id of the user to merge into");
    rc.write(
        ctx,
        ws,
        tx -> {
          Contact c = tx.mergeContacts(ws, from, into);
          return new RequestContext.Reply(200, ContactJson.render(tx, ws, c), c.id());
        });
  }

  private static long id(JsonNode body, String field, String what) {
    JsonNode v = body.get(field);
    if (v == null || v.isNull()) {
      throw TallyException.missing(field, field + " is required: " + what);
    }
    if (!(v.isTextual() || v.isIntegralNumber())) {
      throw TallyException.invalid(
          field, field + " must be a contact id (a string of digits), got " + v);
    }
    return Ids.parseField(field, v.asText());
  }
}
