package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.model.SubscriptionType;
import java.util.List;

/**
 * Intercom's subscription_type and subscription_type_list (API 2.11), shared by the workspace API,
 * the admin API and the CLI working on a stopped Tally.
 */
public final class SubscriptionJson {
  private SubscriptionJson() {}

  /** A new type from the admin API's body, checked (400 naming the field). */
  public static SubscriptionType.New input(JsonNode body) {
    return SubscriptionTypeInput.parse(body);
  }

  public static ObjectNode list(List<SubscriptionType> types) {
    ObjectNode o = Json.object().put("type", "list");
    ArrayNode data = o.putArray("data");
    types.forEach(t -> data.add(type(t)));
    return o;
  }

  /** Tally keeps one translation, the default, so {@code translations} holds just it. */
  public static ObjectNode type(SubscriptionType t) {
    ObjectNode o =
        Json.object()
            .put("type", "subscription")
            .put("id", Ids.format(t.id()))
            .put("state", t.state())
            .put("consent_type", t.consentType());
    ObjectNode translation =
        Json.object()
            .put("name", t.name())
            .put("description", t.description())
            .put("locale", t.locale());
    o.set("default_translation", translation);
    o.putArray("translations").add(translation.deepCopy());
    ArrayNode content = o.putArray("content_types");
    t.contentTypes().forEach(content::add);
    return o;
  }
}
