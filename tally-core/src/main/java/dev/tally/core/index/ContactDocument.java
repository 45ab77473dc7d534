package dev.tally.core.index;

import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import java.util.Map;

/**
 * What the index holds of a contact: its document (with id, workspace and version) and its event
 * summaries by name.
 */
public record ContactDocument(Contact contact, Map<String, EventSummary> events) {
  public ContactDocument {
    events = Map.copyOf(events);
  }
}
