package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.BuiltInAttributes;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import dev.tally.core.model.DataAttributeUpdate;
import dev.tally.core.model.Page;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.List;

/**
 * Intercom's /data_attributes for the contact and company models. GET lists, for each model asked
 * ({@code model=contact|company}; both when absent; {@code conversation} has none yet), the model's
 * built-in attributes ({@code custom: false}, no id; {@link BuiltInAttributes}) and then its custom
 * attributes. Without paging parameters the whole list comes at once, as Intercom's does: every
 * built-in (contacts' then companies'), then the custom attributes in id order. With {@code
 * per_page} or {@code starting_after} the same sequence comes in pages: the cursor holds how many
 * built-ins were given and the last custom attribute's id (a keyset, as for contacts), so a page
 * never repeats or skips one while attributes are defined.
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
        && !DataAttribute.MODELS.contains(model)
        && !model.equals(MODEL_CONVERSATION)) {
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
    // Conversations have no attributes in Tally yet: an empty list, not a 400.
    boolean none = MODEL_CONVERSATION.equals(model);
    List<BuiltInAttributes.Attribute> builtIns = none ? List.of() : builtIns(model);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    if (perPageParam == null && startingAfter == null) {
      // Intercom's list is one answer without pages, and its clients read it so: the whole list,
      // which the built-ins and each model's cap on custom attributes bound.
      builtIns.forEach(b -> data.add(render(b)));
      if (!none) {
        for (DataAttribute a : rc.store().dataAttributes(ws, model)) {
          if (includeArchived || !a.archived()) {
            data.add(render(a));
          }
        }
      }
      RequestContext.json(ctx, 200, o);
      return;
    }
    long custom = none ? 0 : rc.store().dataAttributeCount(ws, model, includeArchived);
    // The cursor's sort key is how many built-ins the pages before gave; once a custom attribute
    // was given (afterId), every built-in was.
    int skip =
        cursor.afterId() > 0
            ? builtIns.size()
            : (int) Math.min(Math.max(cursor.sortKey(), 0), builtIns.size());
    List<BuiltInAttributes.Attribute> shown =
        builtIns.subList(skip, Math.min(builtIns.size(), skip + perPage));
    shown.forEach(b -> data.add(render(b)));
    int given = skip + shown.size();
    int room = perPage - shown.size();
    Page<DataAttribute> page =
        none || room == 0
            ? new Page<>(List.of(), given == builtIns.size() && custom > 0 && cursor.afterId() == 0)
            : rc.store().dataAttributes(ws, model, includeArchived, cursor.afterId(), room);
    page.items().forEach(a -> data.add(render(a)));
    long afterId =
        page.items().isEmpty() ? cursor.afterId() : page.items().get(page.items().size() - 1).id();
    boolean more = given < builtIns.size() || page.more();
    long total = builtIns.size() + custom;
    o.put("total_count", total);
    o.set(
        "pages",
        ContactRoutes.pages(
            cursor.page() + 1,
            perPage,
            total,
            more ? new Cursor(afterId, cursor.page() + 1, given, false) : null));
    RequestContext.json(ctx, 200, o);
  }

  /** Intercom's third model of GET /data_attributes, which Tally lists empty. */
  static final String MODEL_CONVERSATION = "conversation";

  /** The built-ins of {@code model} (null: contacts' then companies'). */
  private static List<BuiltInAttributes.Attribute> builtIns(String model) {
    if (model != null) {
      return BuiltInAttributes.of(model);
    }
    List<BuiltInAttributes.Attribute> all = new ArrayList<>();
    DataAttribute.MODELS.forEach(m -> all.addAll(BuiltInAttributes.of(m)));
    return all;
  }

  /** A built-in attribute as Intercom lists it: no id, created_at, updated_at or options. */
  static ObjectNode render(BuiltInAttributes.Attribute b) {
    ObjectNode o = Json.object();
    o.put("type", "data_attribute");
    o.put("model", b.model());
    o.put("name", b.name());
    o.put("full_name", b.fullName());
    o.put("label", b.label());
    o.put("description", b.description());
    o.put("data_type", b.type().apiName());
    o.put("api_writable", b.apiWritable());
    o.put("ui_writable", false);
    o.put("messenger_writable", b.messengerWritable());
    o.put("custom", false);
    o.put("archived", false);
    return o;
  }

  static ObjectNode render(DataAttribute a) {
    ObjectNode o = Json.object();
    o.put("type", "data_attribute");
    o.put("id", a.id()); // an integer in the spec; allocated below 2^53, exact in JavaScript
    o.put("model", a.model());
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
