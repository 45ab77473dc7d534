package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.DataAttributeInput;
import io.javalin.Javalin;
import io.javalin.http.Context;

/** Intercom's /data_attributes for the contact model. */
final class AttributeRoutes {
  private final RequestContext rc;

  AttributeRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/data_attributes", this::create);
    app.get("/data_attributes", this::list);
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
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    if (model == null || model.equals("contact")) {
      for (DataAttribute a : rc.store().dataAttributes(ws)) {
        if (includeArchived || !a.archived()) {
          data.add(render(a));
        }
      }
    }
    RequestContext.json(ctx, 200, o);
  }

  static ObjectNode render(DataAttribute a) {
    ObjectNode o = Json.object();
    o.put("type", "data_attribute");
    o.put("id", Ids.format(a.id()));
    o.put("model", "contact");
    o.put("name", a.name());
    o.put("full_name", "custom_attributes." + a.name());
    o.put("label", a.name());
    if (a.description() == null) {
      o.putNull("description");
    } else {
      o.put("description", a.description());
    }
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
