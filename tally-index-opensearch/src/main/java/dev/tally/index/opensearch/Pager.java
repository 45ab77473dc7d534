package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import java.util.ArrayList;
import java.util.List;

/**
 * Sorting and stateless keyset pagination with the Lucene index's semantics: by the sort field,
 * then by id; contacts without a value last, in id order. As there, the valued and the missing
 * contacts are two searches (a sentinel for "missing" would tie with a real Long.MIN_VALUE); here
 * both go in one _msearch, each continuing with search_after from the cursor, and the total is the
 * sum of their exact totals. A cursor is a value and an id, so it stays valid across refreshes.
 */
final class Pager {
  private final Field field;
  private final boolean descending;
  private final boolean isDouble;

  Pager(SearchRequest.Sort sort) {
    this.field = sort == null ? null : sort.field();
    this.descending = sort != null && sort.descending();
    this.isDouble = field != null && field.type() == FieldType.FLOAT;
  }

  boolean byIdOnly() {
    return field == null || field instanceof Field.Id;
  }

  /** The one search of an id-ordered page. */
  ObjectNode byId(ObjectNode query, SearchRequest.Cursor after, int limit) {
    ObjectNode body = body(query, limit + 1);
    body.putArray("sort").add(idSort(descending));
    if (after != null) {
      body.putArray("search_after").add(after.id());
    }
    return body;
  }

  SearchPage byIdResult(JsonNode response, int limit) {
    return SearchPage.of(ids(response), limit, total(response), SearchRequest.Cursor::afterId);
  }

  /** The two searches of a page sorted by a field: contacts with a value, then those without. */
  List<ObjectNode> byField(ObjectNode query, SearchRequest.Cursor after, int limit) {
    ObjectNode has = QueryCompiler.has(field.path());
    boolean pastValued = after != null && after.missing();
    ObjectNode valued = body(QueryCompiler.and(query, has), pastValued ? 0 : limit + 1);
    ObjectNode order = OpenSearchHttp.JSON.createObjectNode();
    order
        .putObject(sortField())
        .put("order", descending ? "desc" : "asc")
        .put("unmapped_type", isDouble ? "double" : "long");
    valued.putArray("sort").add(order).add(idSort(false));
    if (after != null && !after.missing()) {
      ArrayNode sa = valued.putArray("search_after");
      if (isDouble) {
        sa.add(Double.longBitsToDouble(after.sortKey()));
      } else {
        sa.add(after.sortKey());
      }
      sa.add(after.id());
    }
    ObjectNode missing = body(QueryCompiler.and(query, QueryCompiler.not(has)), limit + 1);
    missing.putArray("sort").add(idSort(false));
    if (pastValued) {
      missing.putArray("search_after").add(after.id());
    }
    return List.of(valued, missing);
  }

  SearchPage byFieldResult(JsonNode valued, JsonNode missing, int limit) {
    List<Long> ids = ids(valued);
    SearchRequest.Cursor lastValued = null;
    if (ids.size() >= limit) {
      JsonNode sort = valued.path("hits").path("hits").get(limit - 1).path("sort");
      long key = isDouble ? Double.doubleToLongBits(sort.get(0).asDouble()) : sort.get(0).asLong();
      lastValued = new SearchRequest.Cursor(key, false, ids.get(limit - 1));
    }
    int valuedCount = ids.size();
    if (ids.size() <= limit) {
      List<Long> rest = ids(missing);
      ids.addAll(rest.subList(0, Math.min(rest.size(), limit + 1 - ids.size())));
    }
    SearchRequest.Cursor fromValued = lastValued;
    return SearchPage.of(
        ids,
        limit,
        total(valued) + total(missing),
        id -> valuedCount >= limit ? fromValued : new SearchRequest.Cursor(0, true, id));
  }

  private String sortField() {
    return isDouble ? Fields.decimal(field.path()) : Fields.number(field.path());
  }

  private static ObjectNode body(ObjectNode query, int size) {
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
    body.set("query", query);
    body.put("size", size);
    body.put("track_total_hits", true);
    body.put("_source", false);
    return body;
  }

  private static ObjectNode idSort(boolean descending) {
    ObjectNode s = OpenSearchHttp.JSON.createObjectNode();
    s.putObject(Fields.ID).put("order", descending ? "desc" : "asc");
    return s;
  }

  /** Hit ids from _id, a decimal string, so ids above 2^53 keep every digit. */
  private static List<Long> ids(JsonNode response) {
    List<Long> ids = new ArrayList<>();
    for (JsonNode hit : response.path("hits").path("hits")) {
      ids.add(Long.parseLong(hit.path("_id").asText()));
    }
    return ids;
  }

  private static long total(JsonNode response) {
    return response.path("hits").path("total").path("value").asLong();
  }
}
