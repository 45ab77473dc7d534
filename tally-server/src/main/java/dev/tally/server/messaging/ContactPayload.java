package dev.tally.server.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;

/**
 * The {@code contact} of a webhook payload, from the store's document at send: {@code type}, {@code
 * id} (a string, as every id), every standard field the contact has by its API name ({@code email},
 * {@code name}, {@code role}, {@code location.city}, ...; dates as epoch seconds), {@code
 * custom_attributes} and {@code tag_ids}. A smaller object than {@code GET /contacts/{id}} (no
 * notes, no companies list, no URLs): the HTTP layer's rendering is not reachable from here, and a
 * receiver that needs more asks the API with the id.
 */
final class ContactPayload {
  private static final ObjectMapper JSON = new ObjectMapper();

  private ContactPayload() {}

  static ObjectNode of(ContactDocument doc) {
    Contact c = doc.contact();
    ObjectNode o = JSON.createObjectNode();
    o.put("type", "contact");
    o.put("id", Ids.format(c.id()));
    o.put("workspace_id", Ids.format(c.workspaceId()));
    for (ContactField f : ContactField.values()) {
      Object v = c.get(f);
      if (v != null) {
        o.set(f.jsonName(), JSON.valueToTree(v));
      }
    }
    o.set("custom_attributes", JSON.valueToTree(c.custom()));
    o.set("tag_ids", JSON.valueToTree(doc.tagIds().stream().map(Ids::format).toList()));
    return o;
  }
}
