package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.messaging.Trigger;
import dev.tally.core.model.Campaign;
import dev.tally.core.model.Page;
import dev.tally.core.model.Send;
import dev.tally.server.search.SearchService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.util.List;
import java.util.Map;

/**
 * Campaigns (Tally's own endpoints; docs/messaging.md): create a draft from a checked definition,
 * list and read them with their sends counted by state, start, pause and resume them, and page
 * through their sends. Only the state moves here: fan-out and delivery follow the state elsewhere.
 *
 * <p>A campaign echoes its definition as the store keeps it ({@link CampaignDefinition#toJson}):
 * the canonical form, so {@code expires_after} is present with its default and ids are strings.
 * Campaign times are Unix seconds, as the store keeps them; send times are kept in milliseconds and
 * answered in Unix seconds, as everywhere else in the API.
 */
final class CampaignRoutes {
  static final int PER_PAGE = 50;
  static final int MAX_PER_PAGE = 150;

  /** Every send state, in the order a send moves through them, each always present in counts. */
  static final List<String> SEND_STATES =
      List.of(Send.QUEUED, Send.HELD, Send.SENT, Send.SKIPPED, Send.EXPIRED, Send.FAILED);

  private final RequestContext rc;
  private final SearchService search;

  CampaignRoutes(RequestContext rc, SearchService search) {
    this.rc = rc;
    this.search = search;
  }

  void register(Javalin app) {
    app.post("/campaigns", this::create);
    app.get("/campaigns", this::list);
    app.get("/campaigns/{id}", this::get);
    app.post("/campaigns/{id}/start", ctx -> move(ctx, Campaign.DRAFT, Campaign.RUNNING));
    app.post("/campaigns/{id}/pause", ctx -> move(ctx, Campaign.RUNNING, Campaign.PAUSED));
    app.post("/campaigns/{id}/resume", ctx -> move(ctx, Campaign.PAUSED, Campaign.RUNNING));
    app.get("/campaigns/{id}/sends", this::sends);
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    // The workspace's parser: its custom attributes are typed and segment_id names its segments.
    CampaignDefinition d = CampaignDefinition.parse(rc.body(ctx), search.parser(ws));
    if (d.trigger() instanceof Trigger.SegmentEntry se
        && rc.store().segment(ws, se.segmentId()).isEmpty()) {
      throw TallyException.invalid(
          "trigger.segment_id",
          "trigger.segment_id "
              + TallyException.quote(Ids.format(se.segmentId()))
              + " is not a segment of this workspace (GET /segments lists them)");
    }
    if (d.subscriptionTypeId() != null
        && rc.store().subscriptionType(ws, d.subscriptionTypeId()).isEmpty()) {
      throw TallyException.invalid(
          "subscription_type_id",
          "subscription_type_id "
              + TallyException.quote(Ids.format(d.subscriptionTypeId()))
              + " is not a subscription type of this workspace (GET /subscription_types lists"
              + " them)");
    }
    String definition = d.toJson().toString();
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200, render(tx.createCampaign(ws, d.name(), definition), Map.of())));
  }

  /** Every campaign of the workspace in id order; counts only on the single campaign's GET. */
  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    ObjectNode o = Json.object().put("type", "list");
    ArrayNode data = o.putArray("data");
    rc.store().campaigns(ws).forEach(c -> data.add(render(c, null)));
    RequestContext.json(ctx, 200, o);
  }

  private void get(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Campaign c = campaign(ws, ctx.pathParam("id"));
    RequestContext.json(ctx, 200, render(c, rc.store().sendCounts(c.id())));
  }

  /**
   * Start (draft → running), pause (running → paused), resume (paused → running). The state it is
   * in already changes nothing; any other state is a 409 from the store naming both.
   */
  private void move(Context ctx, String from, String to) {
    long ws = RequestContext.workspace(ctx);
    Campaign c = campaign(ws, ctx.pathParam("id"));
    // Counted before the move (sends change all the time; a count is a snapshot either way).
    Map<String, Long> counts = rc.store().sendCounts(c.id());
    rc.write(
        ctx,
        ws,
        tx ->
            RequestContext.Reply.of(
                200,
                render(
                    to.equals(Campaign.PAUSED)
                        ? tx.setCampaignState(ws, c.id(), to)
                        : tx.moveCampaign(ws, c.id(), from, to),
                    counts)));
  }

  /** A campaign's sends in id order, in cursor pages like GET /contacts, of one state or all. */
  private void sends(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    Campaign c = campaign(ws, ctx.pathParam("id"));
    String state = state(ctx.queryParam("state"));
    int perPage = Cursor.perPage("per_page", ctx.queryParam("per_page"), PER_PAGE, MAX_PER_PAGE);
    Cursor cursor = Cursor.decode("starting_after", ctx.queryParam("starting_after"));
    Map<String, Long> counts = rc.store().sendCounts(c.id());
    long total =
        state == null
            ? counts.values().stream().mapToLong(Long::longValue).sum()
            : counts.getOrDefault(state, 0L);
    Page<Send> page = rc.store().sends(ws, c.id(), state, cursor.afterId(), perPage);
    ObjectNode o = Json.object().put("type", "list");
    ArrayNode data = o.putArray("data");
    page.items().forEach(s -> data.add(render(s)));
    o.put("total_count", total);
    o.set("pages", ContactRoutes.pages(cursor, perPage, total, page, Send::id));
    RequestContext.json(ctx, 200, o);
  }

  private static String state(String raw) {
    if (raw == null || raw.isEmpty()) {
      return null;
    }
    if (!SEND_STATES.contains(raw)) {
      throw TallyException.invalid(
          "state",
          "state must be one of "
              + String.join(", ", SEND_STATES)
              + ", got "
              + TallyException.quote(raw));
    }
    return raw;
  }

  private Campaign campaign(long ws, String raw) {
    long id = Ids.parsePath("campaign", raw);
    return rc.store().campaign(ws, id).orElseThrow(() -> TallyException.notFound("campaign", raw));
  }

  /**
   * The campaign object; {@code counts} null leaves them out (as null), else every send state with
   * its count, 0 for none.
   */
  static ObjectNode render(Campaign c, Map<String, Long> counts) {
    JsonNode definition = Json.stored(c.definitionJson(), "campaign definition");
    ObjectNode o =
        Json.object()
            .put("type", "campaign")
            .put("id", Ids.format(c.id()))
            .put("name", c.name())
            .put("state", c.state());
    for (String field : CampaignDefinition.FIELDS.subList(1, CampaignDefinition.FIELDS.size())) {
      JsonNode v = definition.get(field); // after the name, null where the definition has none
      o.set(field, v == null ? NullNode.instance : v);
    }
    if (counts == null) {
      o.putNull("counts");
    } else {
      ObjectNode n = o.putObject("counts");
      SEND_STATES.forEach(s -> n.put(s, counts.getOrDefault(s, 0L)));
    }
    o.put("created_at", c.createdAt());
    o.put("updated_at", c.updatedAt());
    o.put("started_at", c.startedAt());
    o.put("start_position", c.startPosition() == null ? null : Ids.format(c.startPosition()));
    return o;
  }

  /** The send object; times in Unix seconds (the store keeps milliseconds). */
  static ObjectNode render(Send s) {
    return Json.object()
        .put("type", "send")
        .put("id", Ids.format(s.id()))
        .put("campaign_id", Ids.format(s.campaignId()))
        .put("contact_id", Ids.format(s.contactId()))
        .put("occurrence", Ids.format(s.occurrence()))
        .put("step", s.step())
        .put("state", s.state())
        .put("reason", s.reason())
        .put("attempts", s.attempts())
        .put("last_status", s.lastStatus())
        .put("due_at", s.dueAt() / 1000)
        .put("expires_at", s.expiresAt() / 1000)
        .put("created_at", s.createdAt() / 1000)
        .put("updated_at", s.updatedAt() / 1000)
        .put("sent_at", s.sentAt() == null ? null : s.sentAt() / 1000);
  }
}
