package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.JsonFields;
import dev.tally.core.model.Segment;
import dev.tally.core.model.Text;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryParser;
import dev.tally.core.query.ReferenceEvaluator;
import dev.tally.server.search.SearchService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;

/**
 * Segments: a name and a query in the contact search language (Tally's extension: Intercom builds
 * segments in its UI). Membership is the query, evaluated when asked — by the index for counts and
 * {@code segment_id} searches, on the store's current document for {@code GET
 * /contacts/{id}/segments} — so a segment is never staler than search.
 */
final class SegmentRoutes {
  private static final List<String> FIELDS = List.of("name", "query", "person_type");
  private final RequestContext rc;
  private final SearchService search;

  SegmentRoutes(RequestContext rc, SearchService search) {
    this.rc = rc;
    this.search = search;
  }

  void register(Javalin app) {
    app.post("/segments", this::create);
    app.get("/segments", this::list);
    app.get("/segments/{id}", this::get);
    app.put("/segments/{id}", this::update);
    app.delete("/segments/{id}", this::delete);
    app.get("/contacts/{id}/segments", this::ofContact);
  }

  /** What a create or update body says; null where it says nothing. */
  private record Input(String name, String personType, String queryJson) {}

  private Input input(long ws, JsonNode body, boolean create) {
    JsonFields.requireObject(body, "name, query and person_type");
    JsonFields.onlyKnown(body, "", FIELDS, "a segment");
    String name = null;
    JsonNode n = body.get("name");
    if (n != null && !n.isNull()) {
      if (!n.isTextual() || n.textValue().isBlank()) {
        throw TallyException.invalid("name", "name must be a non-empty string");
      }
      name = Text.bounded("name", n.textValue(), 255);
    } else if (create) {
      throw TallyException.missing("name", "name is required");
    }
    String personType = null;
    JsonNode p = body.get("person_type");
    if (p != null && !p.isNull()) {
      if (!p.isTextual()
          || !(p.textValue().equals(Segment.USERS) || p.textValue().equals(Segment.LEADS))) {
        throw TallyException.invalid(
            "person_type", "person_type must be \"user\" (users) or \"contact\" (leads), got " + p);
      }
      personType = p.textValue();
    } else if (create) {
      personType = Segment.USERS;
    }
    String queryJson = null;
    JsonNode q = body.get("query");
    if (q != null && !q.isNull()) {
      search.segmentQueryParser(ws).parse(q); // refused here, with the path of the bad node
      queryJson = q.toString();
    } else if (create) {
      throw new TallyException(
          TallyException.Kind.BAD_REQUEST,
          "parameter_not_found",
          "query",
          "query is required: the segment's conditions in the contact search language");
    }
    return new Input(name, personType, queryJson);
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Input in = input(ws, rc.body(ctx), true);
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200,
                render(tx.createSegment(ws, in.name(), in.personType(), in.queryJson()), null)));
  }

  private void update(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("segment", ctx.pathParam("id"));
    Input in = input(ws, rc.body(ctx), false);
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200,
                render(
                    tx.updateSegment(ws, id, in.name(), in.personType(), in.queryJson()), null)));
  }

  private void delete(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("segment", ctx.pathParam("id"));
    rc.write(
        ctx,
        ws,
        tx -> {
          Segment s = tx.deleteSegment(ws, id);
          return RequestContext.Reply.of(
              200,
              Json.object()
                  .put("type", "segment")
                  .put("id", Ids.format(s.id()))
                  .put("deleted", true));
        });
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    boolean count = includeCount(ctx);
    QueryParser parser = search.parser(ws); // one read of the attributes for every segment
    ObjectNode o = Json.object().put("type", "segment.list");
    ArrayNode segments = o.putArray("segments");
    for (Segment s : rc.store().segments(ws)) {
      segments.add(render(s, count ? search.count(ws, membership(parser, s)) : null));
    }
    RequestContext.json(ctx, 200, o);
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Segment s = segment(ws, ctx.pathParam("id"));
    RequestContext.json(
        ctx,
        200,
        render(s, includeCount(ctx) ? search.count(ws, membership(search.parser(ws), s)) : null));
  }

  /** The segments the contact is in now, judged on the store's current document. */
  private void ofContact(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    long id = Ids.parsePath("contact", ctx.pathParam("id"));
    // Live documents only: an archived contact is in no segment, as it is in no search.
    List<ContactDocument> docs =
        rc.store().documents(List.of(id)).stream()
            .filter(d -> d.contact().workspaceId() == ws)
            .toList();
    if (docs.isEmpty() && rc.store().contact(ws, id).isEmpty()) {
      throw TallyException.notFound("contact", ctx.pathParam("id"));
    }
    long now = System.currentTimeMillis() / 1000;
    QueryParser parser = search.parser(ws);
    ObjectNode o = Json.object().put("type", "list");
    ArrayNode data = o.putArray("data");
    for (Segment s : docs.isEmpty() ? List.<Segment>of() : rc.store().segments(ws)) {
      ContactDocument doc = docs.get(0);
      if (ReferenceEvaluator.matches(membership(parser, s), doc, now)) {
        data.add(render(s, null));
      }
    }
    RequestContext.json(ctx, 200, o);
  }

  private Segment segment(long ws, String raw) {
    long id = Ids.parsePath("segment", raw);
    return rc.store().segment(ws, id).orElseThrow(() -> TallyException.notFound("segment", raw));
  }

  /** The segment's query with its person type, as segment_id = its id expands to. */
  private static Query membership(QueryParser parser, Segment s) {
    return parser.parse(
        Json.object()
            .put("field", "segment_id")
            .put("operator", "=")
            .put("value", Ids.format(s.id())));
  }

  private static boolean includeCount(Context ctx) {
    String raw = ctx.queryParam("include_count");
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw TallyException.invalid(
        "include_count", "include_count must be true or false, got " + TallyException.quote(raw));
  }

  private static ObjectNode render(Segment s, Long count) {
    ObjectNode o =
        Json.object()
            .put("type", "segment")
            .put("id", Ids.format(s.id()))
            .put("name", s.name())
            .put("created_at", s.createdAt())
            .put("updated_at", s.updatedAt())
            .put("person_type", s.personType());
    o.set("query", Json.stored(s.queryJson(), "segment query"));
    if (count != null) {
      o.put("count", count);
    }
    return o;
  }
}
