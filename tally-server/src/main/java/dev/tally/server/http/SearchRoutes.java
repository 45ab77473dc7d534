package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryParser;
import dev.tally.server.search.SearchService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.Iterator;
import java.util.Set;

/** POST /contacts/search, with Intercom's request and response shapes. */
final class SearchRoutes {
  static final String MIN_POSITION_HEADER = "Tally-Min-Position";
  private final RequestContext rc;
  private final SearchService search;

  SearchRoutes(RequestContext rc, SearchService search) {
    this.rc = rc;
    this.search = search;
  }

  void register(Javalin app) {
    app.post("/contacts/search", this::search);
  }

  private void search(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    JsonNode body = rc.body(ctx);
    if (!body.isObject()) {
      throw TallyException.invalid(
          "body", "the request body must be a JSON object with query and, optionally, pagination");
    }
    for (Iterator<String> it = body.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!Set.of("query", "pagination", "sort").contains(k)) {
        throw TallyException.invalid(
            k,
            "unknown field "
                + TallyException.quote(k)
                + " in a search; expected query and pagination");
      }
    }
    int perPage = 50;
    Cursor cursor = new Cursor(0, 0);
    JsonNode p = body.get("pagination");
    if (p != null && !p.isNull()) {
      if (!p.isObject()) {
        throw TallyException.invalid(
            "pagination", "pagination must be an object with per_page and starting_after");
      }
      for (Iterator<String> it = p.fieldNames(); it.hasNext(); ) {
        String k = it.next();
        if (!k.equals("per_page") && !k.equals("starting_after")) {
          throw TallyException.invalid(
              "pagination." + k,
              "unknown field pagination." + k + "; expected per_page and starting_after");
        }
      }
      JsonNode pp = p.get("per_page");
      if (pp != null && !pp.isNull()) {
        if (!pp.isIntegralNumber() || pp.asLong() < 1 || pp.asLong() > ContactRoutes.MAX_PER_PAGE) {
          throw TallyException.invalid(
              "pagination.per_page",
              "pagination.per_page must be an integer from 1 to "
                  + ContactRoutes.MAX_PER_PAGE
                  + ", got "
                  + pp);
        }
        perPage = pp.intValue();
      }
      JsonNode sa = p.get("starting_after");
      if (sa != null && !sa.isNull()) {
        if (!sa.isTextual()) {
          throw TallyException.invalid(
              "pagination.starting_after",
              "pagination.starting_after must be the string from pages.next.starting_after");
        }
        cursor = Cursor.decode("pagination.starting_after", sa.textValue());
      }
    }
    Long minPosition = null;
    String mp = ctx.header(MIN_POSITION_HEADER);
    if (mp != null) {
      try {
        minPosition = Long.parseLong(mp.trim());
      } catch (NumberFormatException e) {
        minPosition = -1L;
      }
      if (minPosition < 0) {
        throw TallyException.invalid(
            MIN_POSITION_HEADER,
            MIN_POSITION_HEADER
                + " must be an oplog position (from a write's Tally-Position), got "
                + TallyException.quote(mp));
      }
    }
    QueryParser parser = search.parser(ws);
    JsonNode q = body.get("query");
    if (q == null || q.isNull()) {
      throw new TallyException(
          TallyException.Kind.BAD_REQUEST, "parameter_not_found", "query", "query is required");
    }
    Query query = parser.parse(q);
    SearchRequest.Sort sort = sort(parser, body.get("sort"));
    SearchRequest.Cursor after =
        cursor.afterId() == 0
            ? null
            : new SearchRequest.Cursor(cursor.sortKey(), cursor.missing(), cursor.afterId());
    SearchService.Result r = search.search(ws, query, sort, perPage, after, minPosition);
    ObjectNode o = Json.object();
    o.put("type", "list");
    ArrayNode data = o.putArray("data");
    java.util.Map<Long, dev.tally.core.model.Note.Summary> notes =
        rc.store()
            .noteSummaries(
                ws,
                r.documents().stream().map(d -> d.contact().id()).toList(),
                ContactJson.SHOWN_NOTES);
    r.documents()
        .forEach(
            d ->
                data.add(
                    ContactJson.render(
                        d,
                        notes.getOrDefault(
                            d.contact().id(), dev.tally.core.model.Note.Summary.NONE))));
    o.put("total_count", r.total());
    o.set(
        "pages",
        ContactRoutes.pages(
            cursor.page() + 1,
            perPage,
            r.total(),
            r.next() == null
                ? null
                : new Cursor(
                    r.next().id(), cursor.page() + 1, r.next().sortKey(), r.next().missing())));
    ctx.header(RequestContext.POSITION_HEADER, Long.toString(r.position()));
    RequestContext.json(ctx, 200, o);
  }

  /**
   * Intercom's {"field", "order": "ascending"|"descending"} (default descending); numbers, dates
   * and id.
   */
  private static SearchRequest.Sort sort(QueryParser parser, JsonNode sort) {
    if (sort == null || sort.isNull()) {
      return null;
    }
    if (!sort.isObject()) {
      throw TallyException.invalid(
          "sort",
          "sort must be an object like {\"field\": \"created_at\", \"order\": \"descending\"}");
    }
    for (Iterator<String> it = sort.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!k.equals("field") && !k.equals("order")) {
        throw TallyException.invalid(
            "sort." + k, "unknown field sort." + k + "; expected field and order");
      }
    }
    JsonNode f = sort.get("field");
    if (f == null || !f.isTextual()) {
      throw TallyException.invalid(
          "sort.field", "sort.field must name a field, such as \"created_at\"");
    }
    Field field = parser.resolve(f.textValue(), "sort.field");
    if (field instanceof Field.Members m) {
      throw TallyException.invalid(
          "sort.field",
          "sorting by " + m.path() + " is not supported; sort by id, a number or a date");
    }
    boolean countField =
        field instanceof Field.EventMetric e && e.metric() == Field.EventMetric.Metric.COUNT;
    if (!(field instanceof Field.Id)
        && (countField || field.type() == FieldType.STRING || field.type() == FieldType.BOOLEAN)) {
      throw TallyException.invalid(
          "sort.field",
          "sorting by " + field.path() + " is not supported; sort by id, a number or a date");
    }
    JsonNode o = sort.get("order");
    String order = o == null || o.isNull() ? "descending" : o.isTextual() ? o.textValue() : "";
    if (!order.equals("ascending") && !order.equals("descending")) {
      throw new TallyException(
          TallyException.Kind.BAD_REQUEST,
          "invalid_sort_order",
          "sort.order",
          "Invalid sort order "
              + TallyException.quote(o == null ? "" : o.asText())
              + ". Must be one of: ascending, descending");
    }
    return new SearchRequest.Sort(field, order.equals("descending"));
  }
}
