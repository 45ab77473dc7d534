package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.Note;
import dev.tally.core.model.Page;
import dev.tally.core.query.Field;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;
import java.util.function.ToLongFunction;

/** Intercom's /contacts endpoints. */
final class ContactRoutes {
  static final int MAX_PER_PAGE = 150;
  private final RequestContext rc;

  ContactRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/contacts", this::create);
    app.get("/contacts", this::list);
    app.get("/contacts/{id}", this::get);
    app.put("/contacts/{id}", this::update);
    app.delete("/contacts/{id}", this::delete);
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    ContactPatch patch = ContactPatchParser.parse(rc.body(ctx), ContactPatchParser.Mode.CREATE);
    rc.write(
        ctx,
        ws,
        tx -> {
          Contact c = tx.createContact(ws, patch);
          return new RequestContext.Reply(
              200, ContactJson.render(c, List.of(), List.of(), Note.Summary.NONE), c.id());
        });
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("contact", ctx.pathParam("id"));
    // One read: the document and its tags from the same moment (an archived contact's too).
    ContactDocument d =
        rc.store()
            .document(ws, id)
            .orElseThrow(() -> TallyException.notFound("contact", ctx.pathParam("id")));
    RequestContext.json(
        ctx,
        200,
        ContactJson.render(
            d,
            rc.store()
                .noteSummaries(ws, List.of(id), ContactJson.SHOWN_NOTES)
                .getOrDefault(id, Note.Summary.NONE)));
  }

  private void update(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("contact", ctx.pathParam("id"));
    ContactPatch patch = ContactPatchParser.parse(rc.body(ctx), ContactPatchParser.Mode.UPDATE);
    rc.write(
        ctx,
        ws,
        tx -> {
          Contact c = tx.updateContact(ws, id, patch);
          return new RequestContext.Reply(200, ContactJson.render(tx, ws, c), c.id());
        });
  }

  private void delete(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("contact", ctx.pathParam("id"));
    rc.write(
        ctx,
        ws,
        tx ->
            new RequestContext.Reply(
                200, ContactJson.flagged(tx.deleteContact(ws, id), "deleted", true), id));
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    int perPage = Cursor.perPage("per_page", ctx.queryParam("per_page"), 50, MAX_PER_PAGE);
    Cursor cursor = Cursor.decode("starting_after", ctx.queryParam("starting_after"));
    long total = rc.store().contactCount(ws);
    Page<Contact> page = rc.store().contacts(ws, cursor.afterId(), perPage);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    List<Long> ids = page.items().stream().map(Contact::id).toList();
    Map<Long, List<Long>> tagIds = rc.store().memberIds(ws, Field.Members.Kind.TAG, ids);
    Map<Long, List<Long>> companyIds = rc.store().memberIds(ws, Field.Members.Kind.COMPANY, ids);
    Map<Long, Note.Summary> notes = rc.store().noteSummaries(ws, ids, ContactJson.SHOWN_NOTES);
    page.items()
        .forEach(
            c ->
                data.add(
                    ContactJson.render(
                        c,
                        tagIds.getOrDefault(c.id(), List.of()),
                        companyIds.getOrDefault(c.id(), List.of()),
                        notes.getOrDefault(c.id(), Note.Summary.NONE))));
    o.put("total_count", total);
    o.set("pages", pages(cursor, perPage, total, page, Contact::id));
    RequestContext.json(ctx, 200, o);
  }

  /** The pages object of the page after {@code cursor}: its next starts after its last id. */
  static <T> ObjectNode pages(
      Cursor cursor, int perPage, long total, Page<T> page, ToLongFunction<T> id) {
    Cursor next =
        page.more()
            ? new Cursor(
                id.applyAsLong(page.items().get(page.items().size() - 1)), cursor.page() + 1)
            : null;
    return pages(cursor.page() + 1, perPage, total, next);
  }

  /**
   * Intercom's cursor pages object; {@code next} is left out on the last page so clients stop. Its
   * {@code next} is the spec's {@code starting_after_paging} ({@code per_page} required), plus the
   * next page's number.
   */
  static ObjectNode pages(int page, int perPage, long total, Cursor next) {
    ObjectNode p = Json.object();
    p.put("type", "pages");
    p.put("page", page);
    p.put("per_page", perPage);
    p.put("total_pages", (total + perPage - 1) / perPage);
    if (next != null) {
      p.putObject("next")
          .put("page", page + 1)
          .put("per_page", perPage)
          .put("starting_after", next.encode());
    }
    return p;
  }
}
