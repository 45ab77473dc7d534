package dev.tally.index.lucene;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.LongPoint;
import org.apache.lucene.document.NumericDocValuesField;
import org.apache.lucene.document.SortedNumericDocValuesField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.util.NumericUtils;

/** Turns a contact document into a Lucene document laid out as {@link Fields} describes. */
final class DocumentMapper {
  private DocumentMapper() {}

  static Document live(ContactDocument cd) {
    Contact c = cd.contact();
    Document d = identity(c.workspaceId(), c.id(), c.version());
    d.add(new StringField(Fields.LIVE, "1", Field.Store.NO));
    d.add(new LongPoint(Fields.ID, c.id()));
    d.add(new SortedNumericDocValuesField(Fields.ID, c.id()));
    for (var e : c.fields().entrySet()) {
      add(d, e.getKey().jsonName(), e.getValue());
    }
    for (var e : c.custom().entrySet()) {
      add(d, "custom_attributes." + e.getKey(), e.getValue());
    }
    for (long tagId : cd.tagIds()) {
      d.add(new LongPoint(Fields.TAGS, tagId));
    }
    for (long companyId : cd.companyIds()) {
      d.add(new LongPoint(Fields.COMPANIES, companyId));
    }
    for (EventSummary s : cd.events().values()) {
      String base = "events." + s.name() + ".";
      add(d, base + "count", s.count());
      add(d, base + "first", s.first());
      add(d, base + "last", s.last());
    }
    return d;
  }

  /** What stays of a deleted contact: enough to refuse an older version, nothing searchable. */
  static Document tombstone(long workspaceId, long id, long version) {
    return identity(workspaceId, id, version);
  }

  private static Document identity(long workspaceId, long id, long version) {
    Document d = new Document();
    d.add(new StringField(Fields.DOC_ID, Long.toString(id), Field.Store.NO));
    d.add(new StringField(Fields.WORKSPACE, Long.toString(workspaceId), Field.Store.NO));
    d.add(new NumericDocValuesField(Fields.VERSION, version));
    return d;
  }

  private static void add(Document d, String path, Object value) {
    if (value == null) {
      return;
    }
    d.add(new StringField(Fields.HAS, path, Field.Store.NO));
    switch (value) {
      case String s -> {
        String folded = Fields.fold(s);
        d.add(new StringField(Fields.keyword(path), folded, Field.Store.NO));
        d.add(new StringField(Fields.reversed(path), Fields.reverse(folded), Field.Store.NO));
      }
      case Long l -> {
        d.add(new LongPoint(Fields.number(path), l));
        d.add(new SortedNumericDocValuesField(Fields.number(path), l));
      }
      case Double v -> {
        d.add(new DoublePoint(Fields.decimal(path), v));
        d.add(
            new SortedNumericDocValuesField(
                Fields.decimal(path), NumericUtils.doubleToSortableLong(v)));
      }
      case Boolean b -> d.add(new StringField(Fields.bool(path), b.toString(), Field.Store.NO));
      default -> throw new IllegalArgumentException("cannot index " + path + " = " + value);
    }
  }
}
