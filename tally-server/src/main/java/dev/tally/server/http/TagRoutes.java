package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Tag;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Intercom's tags: /tags (create, rename, tag users in bulk, list, find, delete) and a contact's
 * tags (/contacts/{id}/tags). Every write goes through the one door; tagging raises the contact's
 * version, so search sees it at the position the write answered with.
 */
final class TagRoutes {
  /** The most users one POST /tags may tag (all in one transaction). */
  static final int MAX_USERS = 1_000;

  private final RequestContext rc;

  TagRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/tags", this::createOrUpdate);
    app.get("/tags", this::list);
    app.get("/tags/{id}", this::get);
    app.delete("/tags/{id}", this::delete);
    app.post("/contacts/{id}/tags", this::tagContact);
    app.get("/contacts/{id}/tags", this::contactTags);
    app.delete("/contacts/{id}/tags/{tag_id}", this::untagContact);
  }

  /**
   * POST /tags: {@code {"name"}} creates (or finds, ignoring case), {@code {"id", "name"}} renames,
   * {@code {"name", "users": [{"id"}]}} also tags those contacts, all in one transaction.
   */
  private void createOrUpdate(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object with name (and id, or users)");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.equals("companies")) {
        throw TallyException.invalid(
            "companies", "tagging companies is not supported: Tally tags contacts only");
      }
      if (!Set.of("name", "id", "users").contains(k)) {
        throw TallyException.invalid(
            k,
            "unknown field "
                + TallyException.quote(k)
                + " in a tag request; expected name, and id (to rename) or users (to tag)");
      }
    }
    JsonNode n = body.get("name");
    if (n == null || n.isNull()) {
      throw TallyException.missing("name", "name is required: the tag's name");
    }
    if (!n.isTextual()) {
      throw TallyException.invalid("name", "name must be a string, got " + n);
    }
    String name = Tag.checkName("name", n.textValue());
    JsonNode idNode = body.get("id");
    JsonNode usersNode = body.get("users");
    if (idNode != null && !idNode.isNull()) {
      if (usersNode != null && !usersNode.isNull()) {
        throw TallyException.invalid(
            "users", "users cannot come with id: rename the tag, then tag users by its name");
      }
      long tagId = id("id", idNode);
      rc.write(ctx, ws, tx -> RequestContext.Reply.of(200, basic(tx.renameTag(ws, tagId, name))));
      return;
    }
    List<Long> users = users(usersNode);
    rc.write(
        ctx,
        ws,
        tx -> {
          Tag tag = tx.createTag(ws, name).tag();
          for (int i = 0; i < users.size(); i++) {
            tx.tagContact(ws, users.get(i), "users[" + i + "].id", tag.id(), "name");
          }
          return RequestContext.Reply.of(200, basic(tag));
        });
  }

  /** The contact ids of a users array: [{"id": "..."}], at most {@link #MAX_USERS}. */
  private static List<Long> users(JsonNode users) {
    if (users == null || users.isNull()) {
      return List.of();
    }
    if (!users.isArray()) {
      throw TallyException.invalid(
          "users", "users must be an array of objects like {\"id\": \"<contact id>\"}");
    }
    if (users.size() > MAX_USERS) {
      throw TallyException.invalid(
          "users", "users has " + users.size() + " entries; one request tags at most " + MAX_USERS);
    }
    List<Long> ids = new ArrayList<>(users.size());
    for (int i = 0; i < users.size(); i++) {
      JsonNode u = users.get(i);
      String path = "users[" + i + "]";
      if (!u.isObject()) {
        throw TallyException.invalid(path, path + " must be an object like {\"id\": \"...\"}");
      }
      for (Iterator<String> it = u.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!k.equals("id")) {
          throw TallyException.invalid(
              path + "." + k,
              "unknown field "
                  + TallyException.quote(k)
                  + " in "
                  + path
                  + "; a user is given by its id (Tally's contact id)");
        }
      }
      JsonNode id = u.get("id");
      if (id == null || id.isNull()) {
        throw TallyException.missing(path + ".id", path + ".id is required: a contact id");
      }
      ids.add(id(path + ".id", id));
    }
    return ids;
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    rc.store().tags(ws).forEach(t -> data.add(basic(t)));
    RequestContext.json(ctx, 200, o);
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("tag", ctx.pathParam("id"));
    Tag tag =
        rc.store()
            .tag(ws, id)
            .orElseThrow(() -> TallyException.notFound("tag", ctx.pathParam("id")));
    RequestContext.json(ctx, 200, basic(tag));
  }

  /**
   * Deletes the tag at once for every reader (contacts stop showing it, searches stop matching it);
   * its contacts are re-projected in bounded batches afterwards (MemberPurger). 200 without a body,
   * as Intercom answers.
   */
  private void delete(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("tag", ctx.pathParam("id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          tx.deleteTag(ws, id);
          return RequestContext.Reply.of(200, null);
        });
  }

  private void tagContact(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object like {\"id\": \"<tag id>\"}");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("id")) {
        throw TallyException.invalid(
            k, "unknown field " + TallyException.quote(k) + "; expected id (the tag's id)");
      }
    }
    JsonNode idNode = body.get("id");
    if (idNode == null || idNode.isNull()) {
      throw TallyException.missing("id", "id is required: the id of the tag to apply");
    }
    long tagId = id("id", idNode);
    rc.write(
        ctx,
        ws,
        tx -> {
          Tag.Applied a = tx.tagContact(ws, contactId, null, tagId, "id");
          return new RequestContext.Reply(200, applied(a.tag(), a.appliedAt()), contactId);
        });
  }

  private void untagContact(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    long tagId = Ids.parsePath("tag", ctx.pathParam("tag_id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          Tag tag = tx.untagContact(ws, contactId, tagId);
          return new RequestContext.Reply(200, applied(tag, null), contactId);
        });
  }

  private void contactTags(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long contactId = Ids.parsePath("contact", ctx.pathParam("id"));
    if (rc.store().contact(ws, contactId).isEmpty()) {
      throw TallyException.notFound("contact", ctx.pathParam("id"));
    }
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    for (Tag.Applied a : rc.store().contactTags(ws, contactId)) {
      data.add(applied(a.tag(), a.appliedAt()));
    }
    RequestContext.json(ctx, 200, o);
  }

  /** A tag id given in the body: a string of digits (as the spec types it) or a JSON integer. */
  private static long id(String field, JsonNode v) {
    if (v.isTextual()) {
      return Ids.parseField(field, v.textValue());
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return Ids.parseField(field, Long.toString(v.longValue()));
    }
    throw TallyException.invalid(
        field, field + " must be an id (a string of digits), got " + TallyException.quote(v));
  }

  /** Intercom's tag_basic: {type, id, name}. */
  static ObjectNode basic(Tag t) {
    ObjectNode o = Json.object();
    o.put("type", "tag");
    o.put("id", Ids.format(t.id()));
    o.put("name", t.name());
    return o;
  }

  /**
   * Intercom's tag as applied to a contact: with applied_at (null when it was just removed) and
   * applied_by (null: Tally does not record which teammate applied a tag).
   */
  static ObjectNode applied(Tag t, Long appliedAt) {
    ObjectNode o = basic(t);
    if (appliedAt == null) {
      o.putNull("applied_at");
    } else {
      o.put("applied_at", appliedAt);
    }
    o.putNull("applied_by");
    return o;
  }
}
