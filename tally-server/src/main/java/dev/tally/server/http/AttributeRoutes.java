package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.DataAttributeUpdate;
import dev.tally.core.model.Page;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * Intercom's /data_attributes for the contact model. Intercom's list has no pages; Tally answers
 * the whole list as Intercom does when no paging parameter is given, and pages by {@code per_page}
 * and {@code starting_after} (a keyset on the attribute's id, as for contacts) when one is.
 */
final class AttributeRoutes {
  /** The page size when only {@code starting_after} is given (as for GET /contacts). */
  static final int DEFAULT_PER_PAGE = 50;

  private final RequestContext rc;

  AttributeRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/data_attributes", this::create);
    app.get("/data_attributes", this::list);
    app.put("/data_attributes/{id}", this::update);
  }

  /** PUT /data_attributes/{id}: description, options, messenger_writable, archived. */
  private void update(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("data attribute", ctx.pathParam("id"));
    DataAttributeUpdate change = DataAttributeUpdate.parse(rc.body(ctx));
    rc.write(
        ctx,
        ws,
        tx -> RequestContext.Reply.of(200, render(tx.updateDataAttribute(ws, id, change))));
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    DataAttributeInput in = DataAttributeInput.parse(rc.body(ctx));
    rc.write(ctx, ws, tx -> RequestContext.Reply.of(200, render(tx.createDataAttribute(ws, in))));
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    String model = ctx.queryParam("model");
    if (model != null
        && !model.equals("contact")
        && !model.equals("company")
        && !model.equals("conversation")) {
      throw TallyException.invalid(
          "model",
          "model must be contact, company or conversation, got " + TallyException.quote(model));
    }
    String archivedParam = ctx.queryParam("include_archived");
    if (archivedParam != null && !archivedParam.equals("true") && !archivedParam.equals("false")) {
      throw TallyException.invalid(
          "include_archived",
          "include_archived must be true or false, got " + TallyException.quote(archivedParam));
    }
    boolean includeArchived = "true".equals(archivedParam);
    String perPageParam = ctx.queryParam("per_page");
    String startingAfter = ctx.queryParam("starting_after");
    // Read both before answering, so that a bad one is refused whatever the model.
    int perPage =
        Cursor.perPage("per_page", perPageParam, DEFAULT_PER_PAGE, ContactRoutes.MAX_PER_PAGE);
    Cursor cursor = Cursor.decode("starting_after", startingAfter);
    boolean contacts = model == null || model.equals("contact");
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    if (perPageParam == null && startingAfter == null) {
      // Intercom's list is one answer without pages, and its clients read it so: the whole list,
      // which the workspace's cap on custom attributes bounds.
      if (contacts) {
        for (DataAttribute a : rc.store().dataAttributes(ws)) {
          if (includeArchived || !a.archived()) {
            data.add(render(a));
          }
        }
      }
      RequestContext.json(ctx, 200, o);
      return;
    }
    long total = contacts ? rc.store().dataAttributeCount(ws, includeArchived) : 0;
    Page<DataAttribute> page =
        contacts
            ? rc.store().dataAttributes(ws, includeArchived, cursor.afterId(), perPage)
            : new Page<>(List.of(), false);
    page.items().forEach(a -> data.add(render(a)));
    o.put("total_count", total);
    o.set(
        "pages",
        ContactRoutes.pages(
            cursor.page() + 1,
            perPage,
            total,
            page.more()
                ? new Cursor(page.items().get(page.items().size() - 1).id(), cursor.page() + 1)
                : null));
    RequestContext.json(ctx, 200, o);
  }

  static ObjectNode render(DataAttribute a) {
    ObjectNode o = Json.object();
    o.put("type", "data_attribute");
    o.put("id", a.id()); // an integer in the spec; allocated below 2^53, exact in JavaScript
    o.put("model", "contact");
    o.put("name", a.name());
    o.put("full_name", "custom_attributes." + a.name());
    o.put("label", a.name());
    // A string in the spec (required, not nullable): an attribute without one has "".
    o.put("description", a.description() == null ? "" : a.description());
    o.put("data_type", a.type().apiName());
    ArrayNode options = o.putArray("options");
    a.options().forEach(options::add);
    o.put("api_writable", true);
    o.put("ui_writable", false);
    o.put("messenger_writable", a.messengerWritable());
    o.put("custom", true);
    o.put("archived", a.archived());
    o.put("created_at", a.createdAt());
    o.put("updated_at", a.updatedAt());
    return o;
  }
}
