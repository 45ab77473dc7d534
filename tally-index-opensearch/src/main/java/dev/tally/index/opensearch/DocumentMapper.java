package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;

/**
 * Turns a contact document into an OpenSearch source laid out as {@link Fields} describes. Public
 * so that code which writes Tally's documents itself (the benchmarks' raw peers) uses this
 * definition.
 */
public final class DocumentMapper {
  private DocumentMapper() {}

  public static ObjectNode live(ContactDocument cd) {
    Contact c = cd.contact();
    ObjectNode d = identity(c.workspaceId(), c.id(), c.version(), true);
    ArrayNode has = d.putArray(Fields.HAS);
    for (var e : c.fields().entrySet()) {
      add(d, has, e.getKey().jsonName(), e.getValue());
    }
    for (var e : c.custom().entrySet()) {
      add(d, has, "custom_attributes." + e.getKey(), e.getValue());
    }
    if (!cd.tagIds().isEmpty()) {
      ArrayNode tags = d.putArray(Fields.TAGS);
      cd.tagIds().forEach(tags::add);
    }
    if (!cd.companyIds().isEmpty()) {
      ArrayNode companies = d.putArray(Fields.COMPANIES);
      cd.companyIds().forEach(companies::add);
    }
    for (EventSummary s : cd.events().values()) {
      String base = "events." + s.name() + ".";
      add(d, has, base + "count", s.count());
      add(d, has, base + "first", s.first());
      add(d, has, base + "last", s.last());
    }
    return d;
  }

  /**
   * What stays of a deleted contact: its version (in the document's external version too), nothing
   * searchable.
   */
  static ObjectNode tombstone(long workspaceId, long id, long version) {
    return identity(workspaceId, id, version, false);
  }

  private static ObjectNode identity(long workspaceId, long id, long version, boolean live) {
    ObjectNode d = OpenSearchHttp.JSON.createObjectNode();
    d.put(Fields.WORKSPACE, Long.toString(workspaceId));
    d.put(Fields.LIVE, live);
    d.put(Fields.ID, id);
    d.put(Fields.VERSION, version);
    return d;
  }

  private static void add(ObjectNode d, ArrayNode has, String path, Object value) {
    if (value == null) {
      return;
    }
    has.add(path);
    switch (value) {
      case String s -> {
        String folded = Fields.fold(s);
        d.put(Fields.keyword(path), folded);
        d.put(Fields.reversed(path), Fields.reverse(folded));
      }
      case Long l -> d.put(Fields.number(path), l);
      case Double v -> d.put(Fields.decimal(path), v);
      case Boolean b -> d.put(Fields.bool(path), b);
      default -> throw new IllegalArgumentException("cannot index " + path + " = " + value);
    }
  }
}
