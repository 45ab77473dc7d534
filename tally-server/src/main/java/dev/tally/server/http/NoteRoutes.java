package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.JsonFields;
import dev.tally.core.model.Note;
import dev.tally.core.model.Page;
import dev.tally.core.model.Text;
import io.javalin.Javalin;
import io.javalin.http.Context;

/**
 * Notes teammates write about a contact (Intercom's notes): {@code POST /contacts/{id}/notes},
 * {@code GET /contacts/{id}/notes} (newest first, in pages by {@code starting_after} or, as the
 * 2.11 spec has it, by {@code page} number), {@code GET /notes/{id}}. The author is {@code
 * admin_id} when given, else the teammate the token acts for, else none (the workspace's app).
 */
final class NoteRoutes {
  private static final java.util.List<String> FIELDS =
      java.util.List.of("body", "admin_id", "contact_id");
  private final RequestContext rc;

  NoteRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/contacts/{id}/notes", this::create);
    app.get("/contacts/{id}/notes", this::list);
    app.get("/notes/{id}", this::get);
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    JsonNode body = rc.body(ctx);
    JsonFields.requireObject(body, "body and, optionally, admin_id");
    JsonFields.onlyKnown(body, "", FIELDS, "a note");
    JsonNode b = body.get("body");
    if (b == null || b.isNull()) {
      throw TallyException.missing("body", "body is required: the note's text");
    }
    if (!b.isTextual() || b.textValue().isBlank()) {
      throw TallyException.invalid("body", "body must be a non-empty string");
    }
    String text = Text.bounded("body", b.textValue(), Note.MAX_BODY);
    Long adminId = adminId(body.get("admin_id"));
    if (adminId == null && RequestContext.tokenAdmin(ctx) != 0) {
      adminId = RequestContext.tokenAdmin(ctx);
    }
    Long author = adminId;
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200,
                render(tx.createNote(ws, contactId, author, text), new java.util.HashMap<>())));
  }

  private Long adminId(JsonNode a) {
    if (a == null || a.isNull()) {
      return null;
    }
    if (!(a.isTextual() || a.isIntegralNumber())) {
      throw TallyException.invalid(
          "admin_id", "admin_id must be a teammate's id (GET /admins), got " + a);
    }
    return Ids.parseField("admin_id", a.asText());
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    if (rc.store().contact(ws, contactId).isEmpty()) {
      throw TallyException.notFound("contact", ctx.pathParam("id"));
    }
    int perPage =
        Cursor.perPage("per_page", ctx.queryParam("per_page"), 50, ContactRoutes.MAX_PER_PAGE);
    String before = ctx.queryParam("starting_after");
    String pageParam = ctx.queryParam("page");
    if (before != null && pageParam != null) {
      throw TallyException.invalid(
          "page", "give page (a page number) or starting_after (a cursor), not both");
    }
    int pageNumber =
        Cursor.pageNumber(pageParam, perPage, CompanyRoutes.MAX_OFFSET, "starting_after");
    long beforeId =
        before == null
            ? skipNewest(ws, contactId, (pageNumber - 1) * perPage)
            : Ids.parseField("starting_after", before);
    Page<Note> page = rc.store().notes(ws, contactId, beforeId, perPage);
    ObjectNode o = Json.object().put("type", "list");
    ArrayNode data = o.putArray("data");
    java.util.Map<Long, Admin> authors = new java.util.HashMap<>(); // one read per author
    page.items().forEach(n -> data.add(render(n, authors)));
    Note.Summary all =
        rc.store()
            .noteSummaries(ws, java.util.List.of(contactId), 0)
            .getOrDefault(contactId, Note.Summary.NONE);
    o.put("total_count", all.count());
    ObjectNode pages = o.putObject("pages").put("type", "pages").put("per_page", perPage);
    if (pageParam != null) {
      pages.put("page", pageNumber).put("total_pages", (all.count() + perPage - 1) / perPage);
    }
    if (page.more()) {
      pages
          .putObject("next")
          .put("per_page", perPage)
          .put("starting_after", Ids.format(page.items().get(page.items().size() - 1).id()));
    } else {
      pages.putNull("next");
    }
    RequestContext.json(ctx, 200, o);
  }

  /**
   * The id to list notes before so that the newest {@code skip} are passed over (the 2.11 spec's
   * {@code page}, which the generated clients' pagers send): read in pages, so a deep page costs
   * reads but never memory. 0 (nothing before it) when the contact has no more notes.
   */
  private long skipNewest(long ws, long contactId, int skip) {
    long before = Long.MAX_VALUE;
    while (skip > 0) {
      Page<Note> passed =
          rc.store().notes(ws, contactId, before, Math.min(skip, ContactRoutes.MAX_PER_PAGE));
      if (passed.items().isEmpty()) {
        return 0;
      }
      before = passed.items().get(passed.items().size() - 1).id();
      skip -= passed.items().size();
      if (skip > 0 && !passed.more()) {
        return 0;
      }
    }
    return before;
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("note", ctx.pathParam("id"));
    Note n =
        rc.store()
            .note(ws, id)
            .orElseThrow(() -> TallyException.notFound("note", ctx.pathParam("id")));
    RequestContext.json(ctx, 200, render(n, new java.util.HashMap<>()));
  }

  private ObjectNode render(Note n, java.util.Map<Long, Admin> authors) {
    ObjectNode o =
        Json.object()
            .put("type", "note")
            .put("id", Ids.format(n.id()))
            .put("created_at", n.createdAt());
    o.putObject("contact").put("type", "contact").put("id", Ids.format(n.contactId()));
    Admin author =
        n.adminId() == null
            ? null
            : authors.computeIfAbsent(
                n.adminId(), id -> rc.store().admin(n.workspaceId(), id).orElse(null));
    if (author == null) {
      o.putNull("author");
    } else {
      o.set("author", AdminJson.admin(author));
    }
    o.put("body", n.body());
    return o;
  }
}
