package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Company;
import dev.tally.core.model.CompanyInput;
import dev.tally.core.model.JsonFields;
import dev.tally.core.model.Note;
import dev.tally.core.model.Page;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Intercom's companies: /companies (create or update by company_id, find, list, scroll, update,
 * delete), a company's contacts and a contact's companies. Attaching and detaching raise the
 * contact's version, so search (company_id) sees them at the position the write answered with.
 */
final class CompanyRoutes {
  /** Intercom's page size for company lists, and the largest it allows. */
  static final int PER_PAGE = 15;

  static final int MAX_PER_PAGE = 60;

  /** How deep page numbers reach; further on, scroll (or starting_after) keeps each page cheap. */
  static final int MAX_OFFSET = 10_000;

  private final RequestContext rc;

  CompanyRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/companies", this::createOrUpdate);
    app.get("/companies", this::find);
    app.post("/companies/list", this::list);
    app.get("/companies/scroll", this::scroll);
    app.get("/companies/{id}", this::get);
    app.put("/companies/{id}", this::update);
    app.delete("/companies/{id}", this::delete);
    app.get("/companies/{id}/contacts", this::contacts);
    app.get("/companies/{id}/segments", this::segments);
    app.post("/contacts/{id}/companies", this::attach);
    app.get("/contacts/{id}/companies", this::contactCompanies);
    app.delete("/contacts/{id}/companies/{company_id}", this::detach);
  }

  private void createOrUpdate(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    CompanyInput in = CompanyInput.parse(rc.body(ctx));
    rc.write(
        ctx,
        ws,
        tx -> RequestContext.Reply.of(200, CompanyJson.render(tx.upsertCompany(ws, in).company())));
  }

  private void update(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = companyPath(ctx.pathParam("id"));
    // The 2.11 spec gives PUT no body, and clients generated from it (v6) send none: no change.
    CompanyInput in =
        CompanyInput.parse(rc.rawBody(ctx).length == 0 ? Json.object() : rc.body(ctx));
    rc.write(
        ctx,
        ws,
        tx -> RequestContext.Reply.of(200, CompanyJson.render(tx.updateCompany(ws, id, in))));
  }

  /**
   * Deletes the company at once for every reader (contacts stop showing it, searches stop matching
   * it, its company_id is free again); its contacts are detached in bounded batches afterwards
   * (MemberPurger), as Intercom archives a company and detaches its contacts asynchronously.
   */
  private void delete(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = companyPath(ctx.pathParam("id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          tx.deleteCompany(ws, id);
          ObjectNode o = Json.object();
          o.put("id", Ids.format(id));
          o.put("object", "company");
          o.put("deleted", true);
          return RequestContext.Reply.of(200, o);
        });
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    RequestContext.json(ctx, 200, CompanyJson.render(company(ws, ctx.pathParam("id"))));
  }

  /**
   * GET /companies: one company by {@code company_id} or {@code name}, else the list (by page
   * number). Tally tags and segments contacts only, so a tag_id or segment_id filter lists none.
   */
  private void find(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    String companyId = ctx.queryParam("company_id");
    String name = ctx.queryParam("name");
    if (companyId != null || name != null) {
      Company c =
          (companyId != null
                  ? rc.store().companyByCompanyId(ws, companyId)
                  : rc.store().companyNamed(ws, name))
              .orElseThrow(
                  () ->
                      notFound(
                          companyId != null ? "company_id" : "name",
                          companyId != null ? companyId : name));
      RequestContext.json(ctx, 200, CompanyJson.render(c));
      return;
    }
    boolean none = ctx.queryParam("tag_id") != null || ctx.queryParam("segment_id") != null;
    page(ctx, ws, true, none);
  }

  /** POST /companies/list: by page number, newest first unless {@code order=asc}. */
  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    String order = ctx.queryParam("order");
    if (order != null && !order.equals("asc") && !order.equals("desc")) {
      throw TallyException.invalid(
          "order", "order must be asc or desc, got " + TallyException.quote(order));
    }
    page(ctx, ws, !"asc".equals(order), false);
  }

  private void page(Context ctx, long ws, boolean descending, boolean none) {
    int perPage = Cursor.perPage("per_page", ctx.queryParam("per_page"), PER_PAGE, MAX_PER_PAGE);
    int page = pageNumber(ctx.queryParam("page"), perPage);
    long total = none ? 0 : rc.store().companyCount(ws);
    List<Company> companies =
        none
            ? List.of()
            : rc.store()
                .companies(
                    ws, descending ? Long.MAX_VALUE : 0, descending, (page - 1) * perPage, perPage)
                .items();
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    companies.forEach(c -> data.add(CompanyJson.render(c)));
    o.set("pages", numberedPages(page, perPage, total));
    o.put("total_count", total);
    RequestContext.json(ctx, 200, o);
  }

  /**
   * GET /companies/scroll: every page but the last carries the scroll_param for the next, which is
   * where this page ended (no server state, no expiry); the page after the last is empty and has no
   * scroll_param, which ends every client's loop.
   */
  private void scroll(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Cursor cursor = Cursor.decode("scroll_param", ctx.queryParam("scroll_param"));
    Page<Company> page = rc.store().companies(ws, cursor.afterId(), false, 0, MAX_PER_PAGE);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    page.items().forEach(c -> data.add(CompanyJson.render(c)));
    o.putNull("pages");
    o.putNull("total_count");
    if (page.items().isEmpty()) {
      o.putNull("scroll_param");
    } else {
      long last = page.items().get(page.items().size() - 1).id();
      o.put("scroll_param", new Cursor(last, cursor.page() + 1).encode());
    }
    RequestContext.json(ctx, 200, o);
  }

  /** GET /companies/{id}/contacts: by starting_after (cheap at any depth) or page number. */
  private void contacts(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Company company = company(ws, ctx.pathParam("id"));
    int perPage = Cursor.perPage("per_page", ctx.queryParam("per_page"), PER_PAGE, 150);
    Cursor cursor = Cursor.decode("starting_after", ctx.queryParam("starting_after"));
    int page =
        cursor.afterId() > 0 ? cursor.page() + 1 : pageNumber(ctx.queryParam("page"), perPage);
    int offset = cursor.afterId() > 0 ? 0 : (page - 1) * perPage;
    Page<Long> ids =
        rc.store().companyContactIds(ws, company.id(), cursor.afterId(), offset, perPage);
    Map<Long, Note.Summary> notes =
        rc.store().noteSummaries(ws, ids.items(), ContactJson.SHOWN_NOTES);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    for (ContactDocument d : rc.store().documents(ids.items())) {
      if (d.contact().workspaceId() == ws) {
        data.add(ContactJson.render(d, notes.getOrDefault(d.contact().id(), Note.Summary.NONE)));
      }
    }
    o.put("total_count", company.userCount());
    o.set(
        "pages",
        ContactRoutes.pages(
            page,
            perPage,
            company.userCount(),
            ids.more() ? new Cursor(ids.items().get(ids.items().size() - 1), page) : null));
    RequestContext.json(ctx, 200, o);
  }

  /** Tally's segments are of contacts: a company is in none. */
  private void segments(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    company(ws, ctx.pathParam("id"));
    ObjectNode o = Json.object();
    o.put("type", "list");
    o.putArray("data");
    RequestContext.json(ctx, 200, o);
  }

  private void attach(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    JsonNode body = rc.body(ctx);
    JsonFields.requireObject(body, "the id of the company to attach, like {\"id\": \"<id>\"}");
    JsonFields.onlyKnown(body, "", List.of("id"), "a company attachment");
    JsonNode idNode = body.get("id");
    if (idNode == null || idNode.isNull()) {
      throw TallyException.missing(
          "id", "company not specified: id is required, the id of the company to attach");
    }
    long companyId = bodyId(idNode);
    rc.write(
        ctx,
        ws,
        tx -> {
          Company.Attached a = tx.attachCompany(ws, contactId, companyId, "id");
          return new RequestContext.Reply(200, CompanyJson.render(a.company()), contactId);
        });
  }

  private void detach(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    long companyId = companyPath(ctx.pathParam("company_id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          Company c = tx.detachCompany(ws, contactId, companyId);
          return new RequestContext.Reply(200, CompanyJson.render(c), contactId);
        });
  }

  /**
   * GET /contacts/{id}/companies: the contact's companies (at most 1,000) by page number. The list
   * is under both {@code data} (what Intercom answers) and {@code companies} (what the 2.11 schema
   * and the clients built from it read).
   */
  private void contactCompanies(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    if (rc.store().contact(ws, contactId).isEmpty()) {
      throw TallyException.notFound("contact", ctx.pathParam("id"));
    }
    int perPage = Cursor.perPage("per_page", ctx.queryParam("per_page"), PER_PAGE, MAX_PER_PAGE);
    int page = pageNumber(ctx.queryParam("page"), perPage);
    List<Company.Attached> all = rc.store().contactCompanies(ws, contactId);
    int from = Math.min(all.size(), (page - 1) * perPage);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    for (Company.Attached a : all.subList(from, Math.min(all.size(), from + perPage))) {
      data.add(CompanyJson.render(a.company()));
    }
    o.set("companies", data.deepCopy());
    o.put("total_count", all.size());
    o.set("pages", numberedPages(page, perPage, all.size()));
    RequestContext.json(ctx, 200, o);
  }

  /** Intercom's pages object for page-number lists; next is the next page's number, or null. */
  private static ObjectNode numberedPages(int page, int perPage, long total) {
    ObjectNode p = Json.object();
    p.put("type", "pages");
    long totalPages = (total + perPage - 1) / perPage;
    if ((long) page < totalPages) {
      p.put("next", page + 1);
    } else {
      p.putNull("next");
    }
    p.put("page", page);
    p.put("per_page", perPage);
    p.put("total_pages", totalPages);
    return p;
  }

  /** Reads page: an integer from 1, no deeper than {@link #MAX_OFFSET} items. */
  private static int pageNumber(String raw, int perPage) {
    return Cursor.pageNumber(raw, perPage, MAX_OFFSET, "GET /companies/scroll, or starting_after");
  }

  private Company company(long ws, String raw) {
    long id = companyPath(raw);
    return rc.store().company(ws, id).orElseThrow(() -> notFound(null, raw));
  }

  /** A company id in the path; one that cannot be an id is not found, as Intercom answers. */
  private static long companyPath(String raw) {
    try {
      return Ids.parsePath("company", raw);
    } catch (TallyException e) {
      throw notFound(null, raw);
    }
  }

  /** A company id in a body: a string of digits (as the spec types it) or a JSON integer. */
  private static long bodyId(JsonNode v) {
    String raw = v.isTextual() ? v.textValue() : v.isIntegralNumber() ? v.asText() : null;
    if (raw == null) {
      throw TallyException.invalid(
          "id", "id must be a company id (a string of digits), got " + TallyException.quote(v));
    }
    try {
      return Ids.parseField("id", raw);
    } catch (TallyException e) {
      throw notFound("id", raw);
    }
  }

  /** Intercom's 404 for a company: code company_not_found. */
  private static TallyException notFound(String field, String value) {
    return new TallyException(
        TallyException.Kind.NOT_FOUND,
        "company_not_found",
        field,
        "company " + TallyException.quote(value) + " not found");
  }
}
