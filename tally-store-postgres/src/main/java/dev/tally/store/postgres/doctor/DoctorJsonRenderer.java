package dev.tally.store.postgres.doctor;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

/**
 * The doctor's report for machines ({@code tally doctor --json}). Sequence values are strings, as
 * every id in Tally's JSON, so that JavaScript readers keep every digit.
 */
public final class DoctorJsonRenderer {

  private static final ObjectMapper MAPPER =
      new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  private DoctorJsonRenderer() {}

  public static String render(DoctorReport report) {
    ObjectNode root = MAPPER.createObjectNode();
    root.put("schema", report.schema());
    root.put("examinedAt", report.examinedAt().toString());
    root.put("atRisk", report.atRisk());
    root.put("exitCode", report.exitCode());
    ArrayNode findings = root.putArray("findings");
    for (Finding finding : report.findings()) findings.add(finding(finding));
    ArrayNode sequences = root.putArray("sequences");
    for (SequenceCapacity capacity : report.sequences()) sequences.add(capacity(capacity));
    ArrayNode keys = root.putArray("keyColumns");
    for (KeyColumn key : report.keyColumns()) keys.add(keyColumn(key));
    ArrayNode notes = root.putArray("notes");
    report.notes().forEach(notes::add);
    try {
      return MAPPER.writeValueAsString(root) + "\n";
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot write the doctor's report as JSON", e);
    }
  }

  private static ObjectNode finding(Finding finding) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("kind", finding.kind().name());
    node.put("severity", finding.severity().name());
    node.put("atRisk", finding.atRisk());
    node.put("table", finding.table());
    node.put("column", finding.column());
    node.put("columnType", finding.columnType());
    node.put("sequence", finding.sequence());
    if (finding.capacity() == null) {
      node.putNull("capacity");
    } else {
      node.set("capacity", capacity(finding.capacity()));
    }
    ArrayNode dependents = node.putArray("dependentForeignKeys");
    for (DependentForeignKey fk : finding.dependentForeignKeys()) {
      ObjectNode d = dependents.addObject();
      d.put("constraint", fk.constraint());
      d.put("table", fk.table());
      d.put("column", fk.column());
      d.put("type", fk.type());
      d.put("referencedTable", fk.referencedTable());
      d.put("referencedColumn", fk.referencedColumn());
    }
    node.put("summary", finding.summary());
    ArrayNode migration = node.putArray("migration");
    finding.migration().forEach(migration::add);
    return node;
  }

  private static ObjectNode capacity(SequenceCapacity capacity) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("sequence", capacity.sequence());
    node.put("sequenceType", capacity.sequenceType());
    node.put("table", capacity.column() == null ? null : capacity.column().table());
    node.put("column", capacity.column() == null ? null : capacity.column().column());
    node.put("columnType", capacity.column() == null ? null : capacity.column().type());
    node.put("lastValue", capacity.lastValue() == null ? null : capacity.lastValue().toString());
    node.put("limit", Long.toString(capacity.limit()));
    node.put("usedPercent", Math.round(capacity.usedPercent() * 100.0) / 100.0);
    node.put("growthPerDay", capacity.growth().perDay());
    node.put("growthSource", capacity.growth().source());
    node.put("daysToExhaustion", capacity.daysToExhaustion());
    node.put("atRisk", capacity.atRisk());
    return node;
  }

  private static ObjectNode keyColumn(KeyColumn key) {
    ObjectNode node = MAPPER.createObjectNode();
    node.put("constraint", key.constraint());
    node.put("kind", key.kind().name());
    node.put("table", key.column().table());
    node.put("column", key.column().column());
    node.put("type", key.column().type());
    node.put("narrowerThanBigint", key.column().narrowInteger());
    if (key.referenced() != null) {
      node.put("referencedTable", key.referenced().table());
      node.put("referencedColumn", key.referenced().column());
      node.put("referencedType", key.referenced().type());
    }
    return node;
  }
}
