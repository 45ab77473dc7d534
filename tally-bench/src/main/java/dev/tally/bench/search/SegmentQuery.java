package dev.tally.bench.search;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;

/**
 * The segment every segment bench asks for, in Tally's query language: role = user AND plan = pro
 * AND {@code dateField} ≥ T1 AND seats &lt; S. The in-process and OpenSearch benches filter on
 * {@code created_at}; the API bench on {@code signed_up_at}, which a client can set.
 */
final class SegmentQuery {
  private static final ObjectMapper JSON = new ObjectMapper();

  private SegmentQuery() {}

  /** The query as a client sends it (the {@code query} of {@code POST /contacts/search}). */
  static String json(String dateField) {
    return "{\"operator\":\"AND\",\"value\":["
        + "{\"field\":\"role\",\"operator\":\"=\",\"value\":\"user\"},"
        + "{\"field\":\"custom_attributes.plan\",\"operator\":\"=\",\"value\":\"pro\"},"
        + "{\"field\":\""
        + dateField
        + "\",\"operator\":\">=\",\"value\":"
        + SegmentData.T1
        + "},"
        + "{\"field\":\"custom_attributes.seats\",\"operator\":\"<\",\"value\":"
        + SegmentData.S
        + "}]}";
  }

  /**
   * The query parsed by Tally's parser as the search endpoint does (plan a string, seats an int).
   */
  static Query parse(String dateField) throws Exception {
    return new QueryParser(
            QueryLimits.DEFAULTS,
            name ->
                name.equals("plan")
                    ? FieldType.STRING
                    : name.equals("seats") ? FieldType.INTEGER : null)
        .parse(JSON.readTree(json(dateField)));
  }
}
