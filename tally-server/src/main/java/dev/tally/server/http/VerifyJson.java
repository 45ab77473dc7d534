package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.projection.Verifier;

/**
 * The JSON of {@code POST /admin/index/verify}: request {@code {"repair": bool}}, response the
 * report.
 */
public final class VerifyJson {
  private VerifyJson() {}

  static boolean repairRequested(byte[] body) {
    if (body.length == 0) {
      return false;
    }
    JsonNode n = Json.parse(body);
    if (!n.isObject()) {
      throw TallyException.invalid("body", "expected a JSON object like {\"repair\": true}");
    }
    JsonNode repair = n.path("repair");
    if (repair.isMissingNode() || repair.isNull()) {
      return false;
    }
    if (!repair.isBoolean()) {
      throw TallyException.invalid("repair", "repair must be true or false, not " + repair);
    }
    return repair.booleanValue();
  }

  public static ObjectNode of(Verifier.Report r) {
    ObjectNode o =
        Json.object()
            .put("type", "index.verification")
            .put("agree", r.agree())
            .put("position", Long.toString(r.position()))
            .put("contacts", r.contacts())
            .put("buckets", r.buckets())
            .put("buckets_differing", r.bucketsDiffering())
            .put("repaired", r.repaired());
    ArrayNode diffs = o.putArray("differences");
    for (Verifier.Difference d : r.differences()) {
      ObjectNode x = diffs.addObject().put("id", Long.toString(d.id())).put("kind", d.kind());
      x.put("store_version", d.storeVersion() < 0 ? null : d.storeVersion());
      x.put("index_version", d.indexVersion() < 0 ? null : d.indexVersion());
    }
    o.put("note", r.note());
    return o;
  }
}
