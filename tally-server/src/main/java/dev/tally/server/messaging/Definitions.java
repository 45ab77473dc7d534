package dev.tally.server.messaging;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import dev.tally.core.Ids;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.messaging.Trigger;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Segment;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryParser;
import dev.tally.core.store.Store;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongFunction;

/**
 * Parsed campaign definitions, so that a campaign's queries are parsed once and not once per send.
 * An entry is keyed by the campaign's id and version and, when its definition names a segment
 * ({@code segment_id} in a query, a segment-entry trigger), by a stamp of the workspace's segments
 * (ids and update times): a segment's query is expanded where it is named, and a cached expansion
 * of a segment that changed since would check sends against what the segment used to be. Attribute
 * types never change, so they need no stamp. The cache is bounded by clearing it when full: a
 * re-parse costs a few milliseconds, a wrong check costs a message to the wrong person.
 */
final class Definitions {
  static final int MAX_ENTRIES = 1_000;

  /** A campaign's definition and, for a segment-entry trigger, the segment's membership query. */
  record Loaded(CampaignDefinition definition, Query segment) {}

  private record Key(long campaignId, long version, long segmentsStamp) {}

  private final Store store;
  private final LongFunction<QueryParser> parsers;
  private final Map<Key, Loaded> cache = new ConcurrentHashMap<>();

  Definitions(Store store, LongFunction<QueryParser> parsers) {
    this.store = store;
    this.parsers = parsers;
  }

  Loaded load(Campaign campaign) {
    String json = campaign.definitionJson();
    long stamp =
        json.contains("segment_id") || json.contains("segment_entry")
            ? stamp(campaign.workspaceId())
            : 0;
    Key key = new Key(campaign.id(), campaign.version(), stamp);
    Loaded hit = cache.get(key);
    if (hit != null) {
      return hit;
    }
    if (cache.size() >= MAX_ENTRIES) {
      cache.clear();
    }
    QueryParser parser = parsers.apply(campaign.workspaceId());
    CampaignDefinition d = CampaignDefinition.fromStored(json, parser);
    Query segment = null;
    if (d.trigger() instanceof Trigger.SegmentEntry e
        && store.segment(campaign.workspaceId(), e.segmentId()).isPresent()) {
      // What segment_id = S expands to: the segment's query and its person type.
      segment =
          parser.parse(
              JsonNodeFactory.instance
                  .objectNode()
                  .put("field", "segment_id")
                  .put("operator", "=")
                  .put("value", Ids.format(e.segmentId())),
              "trigger.segment_id");
    }
    Loaded loaded = new Loaded(d, segment);
    cache.put(key, loaded);
    return loaded;
  }

  private long stamp(long workspaceId) {
    long h = 1;
    for (Segment s : store.segments(workspaceId)) {
      h = 31 * (31 * h + s.id()) + s.updatedAt();
    }
    return h;
  }
}
