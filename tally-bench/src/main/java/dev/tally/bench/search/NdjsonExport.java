package dev.tally.bench.search;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import dev.tally.core.store.Store;
import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/**
 * Writes every contact document of the store as one JSON line — exactly what Tally's rebuild
 * indexes (including the fields Tally keeps itself, like created_at and email_domain) — so the raw
 * Lucene load indexes the same documents. Values keep their JSON types: strings, integers (Long),
 * floats (Double), booleans.
 *
 * <pre>
 * {"id":…,"ws":…,"v":…,"f":{"email":"…","created_at":…},"c":{"plan":"pro"},"e":[{"name":…,"count":…,"first":…,"last":…}]}
 * </pre>
 */
final class NdjsonExport {
  private NdjsonExport() {}

  static long export(Store store, Path file) throws IOException {
    long n = 0;
    JsonFactory json = new JsonFactory();
    try (BufferedWriter out = Files.newBufferedWriter(file, StandardCharsets.UTF_8);
        JsonGenerator g = json.createGenerator(out)) {
      g.setRootValueSeparator(new com.fasterxml.jackson.core.io.SerializedString("\n"));
      long after = 0;
      while (true) {
        List<Long> ids = store.contactIds(after, 1000);
        if (ids.isEmpty()) {
          break;
        }
        for (ContactDocument d : store.documents(ids)) {
          write(g, d);
          n++;
        }
        after = ids.get(ids.size() - 1);
      }
      g.writeRaw('\n');
    }
    return n;
  }

  private static void write(JsonGenerator g, ContactDocument d) throws IOException {
    Contact c = d.contact();
    g.writeStartObject();
    g.writeNumberField("id", c.id());
    g.writeNumberField("ws", c.workspaceId());
    g.writeNumberField("v", c.version());
    g.writeObjectFieldStart("f");
    for (var e : c.fields().entrySet()) {
      value(g, e.getKey().jsonName(), e.getValue());
    }
    g.writeEndObject();
    g.writeObjectFieldStart("c");
    for (Map.Entry<String, Object> e : c.custom().entrySet()) {
      value(g, e.getKey(), e.getValue());
    }
    g.writeEndObject();
    g.writeArrayFieldStart("e");
    for (EventSummary s : d.events().values()) {
      g.writeStartObject();
      g.writeStringField("name", s.name());
      g.writeNumberField("count", s.count());
      g.writeNumberField("first", s.first());
      g.writeNumberField("last", s.last());
      g.writeEndObject();
    }
    g.writeEndArray();
    g.writeEndObject();
  }

  private static void value(JsonGenerator g, String name, Object v) throws IOException {
    switch (v) {
      case null -> {}
      case String s -> g.writeStringField(name, s);
      case Long l -> g.writeNumberField(name, l);
      case Double x -> g.writeNumberField(name, x);
      case Boolean b -> g.writeBooleanField(name, b);
      default -> throw new IllegalArgumentException("cannot export " + name + " = " + v);
    }
  }
}
