package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.model.Company;

/**
 * Renders a company as Intercom's company object (API 2.11): ids as strings, every schema field
 * present, null when unset; monthly_spend and session_count 0 when unset, as Intercom shows them.
 */
final class CompanyJson {
  private CompanyJson() {}

  static ObjectNode render(Company c) {
    ObjectNode o = Json.object();
    o.put("type", "company");
    o.put("company_id", c.companyId());
    o.put("id", Ids.format(c.id()));
    o.put("app_id", Ids.format(c.workspaceId()));
    nullable(o, "name", c.name());
    nullable(o, "remote_created_at", c.get("remote_created_at"));
    o.put("created_at", c.createdAt());
    o.put("updated_at", c.updatedAt());
    nullable(o, "last_request_at", c.get("last_request_at"));
    o.put("monthly_spend", number(c.get("monthly_spend")));
    o.put("session_count", number(c.get("session_count")));
    o.put("user_count", c.userCount());
    nullable(o, "size", c.get("size"));
    nullable(o, "website", c.get("website"));
    nullable(o, "industry", c.get("industry"));
    // Tally tags and segments contacts only: a company's lists are always empty.
    o.putObject("tags").put("type", "tag.list").putArray("tags");
    o.putObject("segments").put("type", "segment.list").putArray("segments");
    ObjectNode plan = o.putObject("plan");
    Object planName = c.get("plan");
    if (planName != null) {
      // Intercom's plans are objects of their own; Tally keeps the plan's name, which is its id.
      plan.put("type", "plan").put("id", (String) planName).put("name", (String) planName);
    }
    ObjectNode custom = o.putObject("custom_attributes");
    c.custom().forEach((k, v) -> custom.set(k, Json.MAPPER.valueToTree(v)));
    return o;
  }

  private static long number(Object v) {
    return v == null ? 0 : (Long) v;
  }

  private static void nullable(ObjectNode o, String key, Object v) {
    if (v == null) {
      o.putNull(key);
    } else {
      o.set(key, Json.MAPPER.valueToTree(v));
    }
  }
}
