package dev.tally.core.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;
import java.io.UncheckedIOException;
import java.util.Map;

/** What the messaging tests share: a parser over a small schema, JSON written with ' for ". */
final class Fixtures {
  private Fixtures() {}

  static final ObjectMapper JSON = new ObjectMapper();
  static final Map<String, FieldType> ATTRS =
      Map.of("plan", FieldType.STRING, "seats", FieldType.INTEGER, "time_zone", FieldType.STRING);
  static final QueryParser PARSER = new QueryParser(QueryLimits.DEFAULTS, ATTRS::get);

  /** A body that passes every check: an event trigger, a wait and a webhook send. */
  static final String VALID =
      "{'name':'Welcome','trigger':{'type':'event','event_name':'signed-up'},"
          + "'steps':[{'wait':'2h'},{'send':{'channel':'webhook','url':'https://example.com/h',"
          + "'secret':'s3cret','body':'Hi {{name}}'}}]}";

  /** JSON from text that writes ' for ". */
  static JsonNode json(String text) {
    try {
      return JSON.readTree(text.replace('\'', '"'));
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode valid() {
    return (ObjectNode) json(VALID);
  }

  static CampaignDefinition parse(JsonNode body) {
    return CampaignDefinition.parse(body, PARSER);
  }

  static Contact contact(Map<ContactField, Object> fields, Map<String, Object> custom) {
    return new Contact((1L << 32) + 7, (1L << 32) + 1, 3, fields, custom);
  }
}
