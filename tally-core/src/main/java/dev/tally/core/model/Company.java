package dev.tally.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A company of one workspace (Intercom's company). {@code companyId} is the key the customer gives
 * it, unique among the workspace's live companies and never changed; {@code id} is Tally's. The
 * standard fields other than the name ({@link #STANDARD}: plan, size, website, …) are in {@code
 * fields} by their JSON names, absent when unset; {@code custom} holds the custom attributes, typed
 * by the workspace's company data attributes. {@code userCount} is how many contacts are attached,
 * kept in the write transactions.
 */
public record Company(
    long id,
    long workspaceId,
    String companyId,
    String name,
    long version,
    long createdAt,
    long updatedAt,
    long userCount,
    Map<String, Object> fields,
    Map<String, Object> custom) {

  /** The most companies one contact can be attached to (Intercom's limit). */
  public static final int MAX_PER_CONTACT = 1000;

  /** The standard fields a request may set besides name and company_id, with their types. */
  public static final Map<String, FieldType> STANDARD = standard();

  /** The standard fields Tally keeps but no request sets. */
  public static final List<String> READ_ONLY = List.of("session_count", "last_request_at");

  public Company {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
  }

  private static Map<String, FieldType> standard() {
    Map<String, FieldType> m = new LinkedHashMap<>();
    m.put("plan", FieldType.STRING);
    m.put("size", FieldType.INTEGER);
    m.put("website", FieldType.STRING);
    m.put("industry", FieldType.STRING);
    m.put("monthly_spend", FieldType.INTEGER);
    m.put("remote_created_at", FieldType.DATE);
    return Collections.unmodifiableMap(m);
  }

  /** A standard field's value, or null. */
  public Object get(String field) {
    return fields.get(field);
  }

  /** A company as attached to a contact: when (Unix seconds). */
  public record Attached(Company company, long attachedAt) {}
}
