package dev.tally.core.index;

import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import dev.tally.core.query.ContactView;
import dev.tally.core.query.Field;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the index holds of a contact: its document (with id, workspace and version), its event
 * summaries by name and the ids of its (live) tags and companies, each ascending. Tagging,
 * untagging, attaching or detaching a contact raises its version, so an index that holds the
 * version holds these memberships.
 */
public record ContactDocument(
    Contact contact, Map<String, EventSummary> events, List<Long> tagIds, List<Long> companyIds)
    implements ContactView {
  public ContactDocument {
    events = Map.copyOf(events);
    tagIds = List.copyOf(new TreeSet<>(tagIds));
    companyIds = List.copyOf(new TreeSet<>(companyIds));
  }

  /** A document without companies. */
  public ContactDocument(Contact contact, Map<String, EventSummary> events, List<Long> tagIds) {
    this(contact, events, tagIds, List.of());
  }

  /** A document without tags or companies. */
  public ContactDocument(Contact contact, Map<String, EventSummary> events) {
    this(contact, events, List.of(), List.of());
  }

  @Override
  public List<Long> members(Field.Members.Kind kind) {
    return switch (kind) {
      case TAG -> tagIds;
      case COMPANY -> companyIds;
    };
  }
}
