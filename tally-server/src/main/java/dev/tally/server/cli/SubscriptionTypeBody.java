package dev.tally.server.cli;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A new subscription type as the CLI's options give it, as the admin API's body: the running Tally
 * and a stopped one check the same JSON. Null options are left out (the API's defaults apply).
 */
public record SubscriptionTypeBody(
    String name, String consentType, String description, List<String> contentTypes, String state) {

  public ObjectNode json() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("name", name);
    o.put("consent_type", consentType);
    if (description != null) {
      o.put("description", description);
    }
    if (contentTypes != null && !contentTypes.isEmpty()) {
      contentTypes.forEach(o.putArray("content_types")::add);
    }
    if (state != null) {
      o.put("state", state);
    }
    return o;
  }
}
