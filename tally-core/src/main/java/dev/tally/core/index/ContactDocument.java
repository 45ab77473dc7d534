package dev.tally.core.index;

import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import java.util.List;
import java.util.Map;

/**
 * What the index holds of a contact: its document (with id, workspace and version), its event
 * summaries by name and the ids of its (live) tags in ascending order. Tagging or untagging a
 * contact raises its version, so an index that holds the version holds these tags.
 */
public record ContactDocument(
    Contact contact, Map<String, EventSummary> events, List<Long> tagIds) {
  public ContactDocument {
    events = Map.copyOf(events);
    tagIds = List.copyOf(new java.util.TreeSet<>(tagIds));
  }

  /** A document without tags. */
  public ContactDocument(Contact contact, Map<String, EventSummary> events) {
    this(contact, events, List.of());
  }
}
