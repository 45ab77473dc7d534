package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.Event;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.EventSummariesInput;
import dev.tally.core.model.EventSummary;
import dev.tally.core.model.Page;
import io.javalin.Javalin;
import io.javalin.http.Context;
import java.io.IOException;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** Intercom's data events: POST /events and GET /events (list or summary). */
final class EventRoutes {
  /**
   * A stored time as ISO 8601; one outside what Tally accepts (stored before it was range-checked)
   * as its number of seconds, so that one bad event cannot make every read of a summary fail.
   */
  private static String iso(long seconds) {
    return seconds >= 0 && seconds <= dev.tally.core.model.FieldType.MAX_TIMESTAMP
        ? ISO.format(Instant.ofEpochSecond(seconds))
        : Long.toString(seconds);
  }

  private static final DateTimeFormatter ISO =
      DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSxxx").withZone(ZoneOffset.UTC);
  private final RequestContext rc;

  EventRoutes(RequestContext rc) {
    this.rc = rc;
  }

  void register(Javalin app) {
    app.post("/events", this::create);
    app.post("/events/summaries", this::summaries);
    app.get("/events", this::list);
  }

  /**
   * Sets a contact's event summaries (count, first, last), as Intercom's 2.11 endpoint does: 200
   * with an empty body. Idempotent: a summary replaces the contact's for that name.
   */
  private void summaries(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    EventSummariesInput input = EventSummariesInput.parse(rc.body(ctx));
    rc.write(
        ctx,
        ws,
        tx -> {
          tx.setEventSummaries(ws, input);
          return RequestContext.Reply.of(200, null);
        });
  }

  private void create(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    EventInput event = EventInput.parse(rc.body(ctx));
    // 202 with an empty body, also for a duplicate, which is ignored (Intercom's behaviour).
    rc.write(
        ctx,
        ws,
        tx -> {
          tx.recordEvent(ws, event);
          return RequestContext.Reply.of(202, null);
        });
  }

  private void list(Context ctx) {
    long ws = RequestContext.workspace(ctx);
    String type = ctx.queryParam("type");
    if (type == null) {
      throw TallyException.missing("type", "type is required and must be \"user\"");
    }
    if (!type.equals("user")) {
      throw TallyException.invalid(
          "type", "type must be \"user\", got " + TallyException.quote(type));
    }
    ContactRef ref = ref(ctx);
    Contact c = rc.store().findContact(ws, ref).orElseThrow(ref::notFound);
    boolean summary = bool("summary", ctx.queryParam("summary"));
    ObjectNode o = Json.object();
    if (summary) {
      o.put("type", "event.summary");
      identity(o, c);
      ArrayNode events = o.putArray("events");
      for (EventSummary s : rc.store().eventSummaries(ws, c.id())) {
        events
            .addObject()
            .put("name", s.name())
            .put("first", iso(s.first()))
            .put("last", iso(s.last()))
            .put("count", s.count())
            .put("description", ""); // a string in the 2.11 spec; Tally keeps no description
      }
    } else {
      int perPage =
          Cursor.perPage("per_page", ctx.queryParam("per_page"), 15, ContactRoutes.MAX_PER_PAGE);
      long before =
          ctx.queryParam("before") == null
              ? Long.MAX_VALUE
              : Ids.parseField("before", ctx.queryParam("before"));
      Page<Event> page = rc.store().events(ws, c.id(), before, perPage);
      o.put("type", "event.list");
      ArrayNode events = o.putArray("events");
      for (Event e : page.items()) {
        ObjectNode item = events.addObject();
        item.put("type", "event");
        item.put("id", Ids.format(e.id()));
        item.put("event_name", e.name());
        item.put("created_at", e.createdAt());
        identity(item, c);
        item.set("metadata", metadata(e.metadataJson()));
      }
      ObjectNode pages = o.putObject("pages");
      if (page.more()) {
        long last = page.items().get(page.items().size() - 1).id();
        pages.put(
            "next",
            "/events?type=user&intercom_user_id="
                + Ids.format(c.id())
                + "&per_page="
                + perPage
                + "&before="
                + last);
      }
    }
    RequestContext.json(ctx, 200, o);
  }

  private static void identity(ObjectNode o, Contact c) {
    o.put("intercom_user_id", Ids.format(c.id()));
    String externalId = c.string(ContactField.EXTERNAL_ID);
    String email = c.string(ContactField.EMAIL);
    if (externalId == null) {
      o.putNull("user_id");
    } else {
      o.put("user_id", externalId);
    }
    if (email == null) {
      o.putNull("email");
    } else {
      o.put("email", email);
    }
  }

  private static ContactRef ref(Context ctx) {
    String userId = ctx.queryParam("user_id");
    String email = ctx.queryParam("email");
    String intercomUserId = ctx.queryParam("intercom_user_id");
    int given =
        (userId != null ? 1 : 0) + (email != null ? 1 : 0) + (intercomUserId != null ? 1 : 0);
    if (given != 1) {
      throw TallyException.invalid(
          "user_id",
          "give exactly one of user_id, email or intercom_user_id to name the contact, got "
              + given);
    }
    if (intercomUserId != null) {
      return ContactRef.byId(Ids.parseField("intercom_user_id", intercomUserId));
    }
    return userId != null ? ContactRef.byExternalId(userId) : ContactRef.byEmail(email);
  }

  private static boolean bool(String field, String raw) {
    if (raw == null || raw.equals("false")) {
      return false;
    }
    if (raw.equals("true")) {
      return true;
    }
    throw TallyException.invalid(
        field, field + " must be true or false, got " + TallyException.quote(raw));
  }

  private static JsonNode metadata(String json) {
    try {
      return Json.MAPPER.readTree(json);
    } catch (IOException e) {
      throw new IllegalStateException("stored event metadata is not JSON", e);
    }
  }
}
