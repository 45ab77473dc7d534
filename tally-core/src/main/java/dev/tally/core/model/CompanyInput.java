package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A checked company request body (POST /companies, PUT /companies/{id}): the company_id it names
 * (null when none), the name and standard fields it sets (a null value clears one; absent ones are
 * unchanged) and its custom attributes, still JSON until the write transaction types them against
 * the workspace's company data attributes.
 */
public record CompanyInput(
    String companyId, Map<String, Object> fields, Map<String, JsonNode> custom) {

  /** Intercom's ceiling for monthly_spend, 2^31 - 1. */
  public static final long MAX_MONTHLY_SPEND = Integer.MAX_VALUE;

  /** The longest company_id, in characters. */
  public static final int MAX_COMPANY_ID = 255;

  private static final List<String> FIELDS = knownFields();

  public CompanyInput {
    fields = Collections.unmodifiableMap(new LinkedHashMap<>(fields));
    custom = Collections.unmodifiableMap(new LinkedHashMap<>(custom));
  }

  private static List<String> knownFields() {
    List<String> f = new ArrayList<>(List.of("company_id", "name"));
    f.addAll(Company.STANDARD.keySet());
    f.add("custom_attributes");
    return List.copyOf(f);
  }

  /** Whether the body sets the name (to a value, or null to clear it). */
  public boolean setsName() {
    return fields.containsKey("name");
  }

  public String name() {
    return (String) fields.get("name");
  }

  /** Parses and checks a body; every mistake is a 400 naming its field. */
  public static CompanyInput parse(JsonNode body) {
    JsonFields.requireObject(body, "a company's company_id, name and other fields");
    JsonFields.onlyKnown(body, "", FIELDS, "a company");
    String companyId = null;
    Map<String, Object> fields = new LinkedHashMap<>();
    Map<String, JsonNode> custom = new LinkedHashMap<>();
    for (Iterator<Map.Entry<String, JsonNode>> it = body.fields(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      String field = e.getKey();
      JsonNode v = e.getValue();
      switch (field) {
        case "company_id" -> companyId = companyId(v);
        case "custom_attributes" -> ContactPatchParser.parseCustom(v, custom);
        case "name" -> fields.put(field, v.isNull() ? null : string(field, v));
        default -> fields.put(field, v.isNull() ? null : standard(field, v));
      }
    }
    return new CompanyInput(companyId, fields, custom);
  }

  private static String companyId(JsonNode v) {
    if (v.isNull()) {
      return null;
    }
    // Clients send numeric company ids too (Intercom keeps them as strings).
    String id = v.isIntegralNumber() ? v.asText() : string("company_id", v);
    if (id.isBlank()) {
      throw invalid("company_id", "company_id must be a non-blank string");
    }
    return Text.checked("company_id", Text.bounded("company_id", id, MAX_COMPANY_ID), false);
  }

  private static String string(String field, JsonNode v) {
    if (!v.isTextual()) {
      throw invalid(field, field + " must be a string, got " + ContactPatchParser.shown(v));
    }
    return Text.checked(
        field, Text.bounded(field, v.textValue(), ContactPatchParser.MAX_STRING), true);
  }

  private static Object standard(String field, JsonNode v) {
    FieldType type = Company.STANDARD.get(field);
    if (type == FieldType.STRING) {
      return string(field, v);
    }
    if (field.equals("monthly_spend")) {
      return monthlySpend(v);
    }
    if (!type.accepts(v)) {
      throw invalid(
          field,
          field
              + " must be "
              + (type == FieldType.DATE ? FieldType.TIMESTAMP_WORDS : "a whole number")
              + ", got "
              + ContactPatchParser.shown(v));
    }
    return type.toJava(v);
  }

  /** Whole currency units: a fraction is cut off, as Intercom does; at most 2^31 - 1. */
  private static long monthlySpend(JsonNode v) {
    if (!v.isNumber()) {
      throw invalid(
          "monthly_spend", "monthly_spend must be a number, got " + ContactPatchParser.shown(v));
    }
    double d = v.asDouble();
    if (d < 0 || d > MAX_MONTHLY_SPEND || Double.isNaN(d)) {
      throw invalid(
          "monthly_spend",
          "monthly_spend must be from 0 to "
              + MAX_MONTHLY_SPEND
              + ", got "
              + TallyException.quote(v.asText()));
    }
    return v.isIntegralNumber() ? v.asLong() : (long) d;
  }
}
