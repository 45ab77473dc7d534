package dev.tally.core.messaging;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.query.Query;

/**
 * A query in the contact search language, kept both as written and as parsed. The written JSON is
 * what a campaign stores (as segments store theirs): it is parsed again on load, so a {@code
 * segment_id} filter in it follows the segment's current definition rather than a copy frozen at
 * creation.
 */
public record Condition(JsonNode json, Query query) {
  public Condition {
    json = json.deepCopy();
  }

  @Override
  public JsonNode json() {
    return json.deepCopy();
  }
}
