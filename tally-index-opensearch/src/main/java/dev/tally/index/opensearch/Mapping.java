package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The settings and explicit mapping of a generation. The fixed fields are declared; the per-path
 * fields come from dynamic templates keyed by their prefix (k_, r_, n_, d_, b_), so their type
 * never depends on the first value OpenSearch happens to see. Date and numeric detection are off.
 * Public so that code which creates an index of Tally's layout itself (the benchmarks' raw peers)
 * uses this definition instead of restating it.
 */
public final class Mapping {
  private Mapping() {}

  /**
   * The body of a create-index request; {@code loading} disables refreshes for a rebuild's bulk
   * load.
   */
  public static ObjectNode createIndex(OpenSearchOptions o, boolean loading) {
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
    ObjectNode index = body.putObject("settings").putObject("index");
    index.put("number_of_shards", o.shards());
    index.put("number_of_replicas", loading ? 0 : o.replicas());
    index.put("refresh_interval", loading ? "-1" : refreshInterval(o));
    index.putObject("mapping").putObject("total_fields").put("limit", o.fieldLimit());
    body.set("mappings", mappings());
    return body;
  }

  /** The settings a loaded generation gets before it serves. */
  static ObjectNode serving(OpenSearchOptions o) {
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
    ObjectNode index = body.putObject("index");
    index.put("number_of_replicas", o.replicas());
    index.put("refresh_interval", refreshInterval(o));
    return body;
  }

  static String refreshInterval(OpenSearchOptions o) {
    return o.refreshInterval().toMillis() + "ms";
  }

  /**
   * How contacts are laid out in this mapping; change it with any change to the mapping (see `tally
   * plan`).
   */
  static final String LAYOUT = "opensearch-3"; // 2: tag_id, 3: company_id

  private static ObjectNode mappings() {
    ObjectNode m = OpenSearchHttp.JSON.createObjectNode();
    m.putObject("_meta").put("tally_layout", LAYOUT);
    m.put("dynamic", true);
    m.put("date_detection", false);
    m.put("numeric_detection", false);
    ObjectNode props = m.putObject("properties");
    props.putObject(Fields.WORKSPACE).put("type", "keyword");
    props.putObject(Fields.LIVE).put("type", "boolean");
    props.putObject(Fields.ID).put("type", "long");
    props.putObject(Fields.VERSION).put("type", "long").put("index", false);
    props.putObject(Fields.HAS).put("type", "keyword");
    props.putObject(Fields.TAGS).put("type", "long").put("doc_values", false);
    props.putObject(Fields.COMPANIES).put("type", "long").put("doc_values", false);
    props.putObject(Fields.POSITION).put("type", "long").put("index", false);
    ArrayNode templates = m.putArray("dynamic_templates");
    template(templates, "strings", "k_*", "keyword", true);
    template(templates, "reversed_strings", "r_*", "keyword", false);
    template(templates, "longs", "n_*", "long", true);
    template(templates, "doubles", "d_*", "double", true);
    template(templates, "booleans", "b_*", "boolean", false);
    return m;
  }

  private static void template(
      ArrayNode templates, String name, String match, String type, boolean docValues) {
    ObjectNode t = templates.addObject().putObject(name);
    t.put("match", match);
    ObjectNode mapping = t.putObject("mapping");
    mapping.put("type", type);
    if (!docValues) {
      mapping.put("doc_values", false);
    }
  }
}
