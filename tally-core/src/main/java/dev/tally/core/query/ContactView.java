package dev.tally.core.query;

import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * What a query is evaluated over: a contact, its event summaries by name, and the ids of what it
 * belongs to (tags, companies). The index's document is one ({@code ContactDocument}).
 */
public interface ContactView {
  Contact contact();

  Map<String, EventSummary> events();

  /** The ids of this kind the contact belongs to. */
  Collection<Long> members(Field.Members.Kind kind);

  /** A contact with these summaries and tags, and no companies. */
  static ContactView of(Contact c, Map<String, EventSummary> events, Collection<Long> tagIds) {
    return new ContactView() {
      @Override
      public Contact contact() {
        return c;
      }

      @Override
      public Map<String, EventSummary> events() {
        return events;
      }

      @Override
      public Collection<Long> members(Field.Members.Kind kind) {
        return kind == Field.Members.Kind.TAG ? tagIds : List.of();
      }
    };
  }
}
