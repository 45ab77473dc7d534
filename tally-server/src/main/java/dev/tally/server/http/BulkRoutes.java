package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.store.Outcome;
import dev.tally.core.store.WriteTx;
import dev.tally.core.store.WriteWork;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * POST /contacts/bulk: NDJSON in, one contact per line, upserted by external_id. Each line is its
 * own write (a bad line is reported and skipped, the others land), queued together so the whole
 * request costs few commits.
 */
final class BulkRoutes {
  static final int MAX_LINES = 10_000;
  private final RequestContext rc;
  private final long maxBulkBody;

  BulkRoutes(RequestContext rc, long maxBulkBody) {
    this.rc = rc;
    this.maxBulkBody = maxBulkBody;
  }

  void register(Javalin app) {
    app.post("/contacts/bulk", this::bulk);
  }

  private record Line(int number, String externalId, ContactPatch patch) {}

  private void bulk(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    if (ctx.header(RequestContext.IDEMPOTENCY_HEADER) != null) {
      throw TallyException.invalid(
          RequestContext.IDEMPOTENCY_HEADER,
          "bulk upserts take no Idempotency-Key: each line is an upsert "
              + "by external_id, so sending the same request again has the same result");
    }
    String[] raw = lines(Json.readBody(ctx, maxBulkBody));
    ArrayNode errors = Json.MAPPER.createArrayNode();
    List<Line> lines = new ArrayList<>();
    int nonBlank = 0;
    for (int i = 0; i < raw.length; i++) {
      if (raw[i] == null) {
        errors.add(
            error(
                i + 1,
                TallyException.invalid(
                    "body", "line " + (i + 1) + " is not valid UTF-8; send NDJSON in UTF-8")));
        continue;
      }
      String text = raw[i].strip();
      if (text.isEmpty()) {
        continue;
      }
      if (++nonBlank > MAX_LINES) {
        throw TallyException.invalid(
            "body",
            "a bulk request holds at most "
                + MAX_LINES
                + " lines; split the file (tally import does)");
      }
      try {
        JsonNode json = Json.parse(text.getBytes(StandardCharsets.UTF_8));
        ContactPatch patch = ContactPatchParser.parse(json, ContactPatchParser.Mode.UPDATE);
        Object externalId = patch.fields().get(ContactField.EXTERNAL_ID);
        if (externalId == null) {
          throw TallyException.missing(
              "external_id", "external_id is required: bulk loads upsert by external_id");
        }
        lines.add(new Line(i + 1, (String) externalId, patch));
      } catch (TallyException e) {
        errors.add(error(i + 1, e));
      }
    }
    List<WriteWork<WriteTx.Upserted>> works = new ArrayList<>(lines.size());
    for (Line l : lines) {
      works.add(tx -> tx.upsertContact(ws, l.externalId(), l.patch()));
    }
    List<Outcome<WriteTx.Upserted>> outcomes = rc.store().writeEach(works);
    long created = 0;
    long updated = 0;
    long position = rc.store().head();
    for (int i = 0; i < outcomes.size(); i++) {
      Outcome<WriteTx.Upserted> o = outcomes.get(i);
      if (o.ok()) {
        if (o.written().value().created()) {
          created++;
        } else {
          updated++;
        }
        position = Math.max(position, o.written().position());
      } else {
        errors.add(error(lines.get(i).number(), o.error()));
      }
    }
    ObjectNode out = Json.object();
    out.put("type", "bulk.result");
    out.put("created", created);
    out.put("updated", updated);
    out.put("failed", errors.size());
    List<JsonNode> sorted = new ArrayList<>();
    errors.forEach(sorted::add);
    sorted.sort((a, b) -> Integer.compare(a.get("line").asInt(), b.get("line").asInt()));
    ArrayNode e = out.putArray("errors");
    sorted.forEach(e::add);
    out.put("position", Long.toString(position));
    ctx.header(RequestContext.POSITION_HEADER, Long.toString(position));
    RequestContext.json(ctx, 200, out);
  }

  private static ObjectNode error(int line, TallyException e) {
    ObjectNode o =
        Json.object().put("line", line).put("code", e.code()).put("message", e.getMessage());
    if (e.field() != null) {
      o.put("field", e.field());
    }
    return o;
  }

  /**
   * The body's lines, each decoded as strict UTF-8: a line with a malformed byte is null (and
   * refused), never read with U+FFFD in its place, which made different identities one.
   */
  private static String[] lines(byte[] body) {
    List<String> out = new ArrayList<>();
    int start = 0;
    for (int i = 0; i <= body.length; i++) {
      if (i == body.length || body[i] == '\n') {
        try {
          out.add(
              StandardCharsets.UTF_8
                  .newDecoder()
                  .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
                  .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
                  .decode(java.nio.ByteBuffer.wrap(body, start, i - start))
                  .toString());
        } catch (java.nio.charset.CharacterCodingException e) {
          out.add(null);
        }
        start = i + 1;
      }
    }
    return out.toArray(String[]::new);
  }
}
