package dev.tally.core.messaging;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.missing;
import static dev.tally.core.model.ContactPatchParser.shown;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.EventInput;
import dev.tally.core.model.JsonFields;
import dev.tally.core.model.Text;
import dev.tally.core.query.QueryParser;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;

/**
 * A {@link CampaignDefinition} from and to JSON. Both directions live here, side by side, so that
 * every field {@link #parse} accepts is one {@link #print} writes: parse(print(d)) equals d.
 */
final class DefinitionCodec {
  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  static final List<String> FIELDS =
      List.of(
          "name",
          "trigger",
          "audience",
          "steps",
          "expires_after",
          "frequency_cap",
          "quiet_hours",
          "subscription_type_id");

  static final Duration MIN_WAIT = Duration.ofSeconds(1);
  static final Duration MAX_WAIT = Duration.ofDays(365);
  static final Duration MIN_EXPIRY = Duration.ofMinutes(1);
  static final Duration MAX_EXPIRY = Duration.ofDays(30);
  static final Duration MIN_CAP_WINDOW = Duration.ofMinutes(1);
  static final Duration MAX_CAP_WINDOW = Duration.ofDays(365);
  static final int MAX_CAP = 1000;
  static final int MAX_URL = 2048;
  static final int MAX_SECRET = 255;
  static final int MAX_SUBJECT = 255;
  static final int MAX_BODY = 65_536;

  private static final Pattern CLOCK = Pattern.compile("([01][0-9]|2[0-3]):[0-5][0-9]");

  private DefinitionCodec() {}

  static CampaignDefinition parse(JsonNode body, QueryParser parser) {
    return parse(body, parser, false);
  }

  /**
   * As {@link #parse(JsonNode, QueryParser)}; {@code stored}: the store's text, where the trigger
   * {@code message} of an admin message is allowed.
   */
  static CampaignDefinition parse(JsonNode body, QueryParser parser, boolean stored) {
    JsonFields.requireObject(body, "name, trigger and steps");
    JsonFields.onlyKnown(body, "", FIELDS, "a campaign");
    String name = name(body.get("name"));
    Trigger trigger = trigger(body.get("trigger"), stored);
    JsonNode a = body.get("audience");
    Condition audience = present(a) ? new Condition(a, parser.parse(a, "audience")) : null;
    List<Step> steps = steps(body.get("steps"), parser);
    JsonNode e = body.get("expires_after");
    Duration expiresAfter =
        present(e)
            ? Durations.parse(e, "expires_after", MIN_EXPIRY, MAX_EXPIRY)
            : CampaignDefinition.DEFAULT_EXPIRES_AFTER;
    JsonNode c = body.get("frequency_cap");
    JsonNode q = body.get("quiet_hours");
    JsonNode s = body.get("subscription_type_id");
    return new CampaignDefinition(
        name,
        trigger,
        audience,
        steps,
        expiresAfter,
        present(c) ? frequencyCap(c) : null,
        present(q) ? quietHours(q) : null,
        present(s) ? id(s, "subscription_type_id") : null);
  }

  static JsonNode print(CampaignDefinition d) {
    ObjectNode o = F.objectNode();
    o.put("name", d.name());
    ObjectNode t = o.putObject("trigger");
    switch (d.trigger()) {
      case Trigger.Event ev -> t.put("type", "event").put("event_name", ev.eventName());
      case Trigger.SegmentEntry se ->
          t.put("type", "segment_entry").put("segment_id", Ids.format(se.segmentId()));
      case Trigger.Broadcast b -> t.put("type", "broadcast");
      case Trigger.Message m -> t.put("type", "message");
    }
    if (d.audience() != null) {
      o.set("audience", d.audience().json());
    }
    ArrayNode steps = o.putArray("steps");
    for (Step step : d.steps()) {
      ObjectNode so = steps.addObject();
      switch (step) {
        case Step.Wait w -> so.put("wait", Durations.format(w.duration()));
        case Step.ExitWhen x -> so.set("exit_when", x.when().json());
        case Step.Send send -> {
          ObjectNode m = so.putObject("send");
          switch (send.message()) {
            case Message.Webhook h ->
                m.put("channel", "webhook")
                    .put("url", h.url().toString())
                    .put("secret", h.secret())
                    .put("body", h.body().source());
            case Message.Email em ->
                m.put("channel", "email")
                    .put("from", em.from())
                    .put("subject", em.subject().source())
                    .put("body", em.body().source());
          }
        }
      }
    }
    o.put("expires_after", Durations.format(d.expiresAfter()));
    if (d.frequencyCap() != null) {
      o.putObject("frequency_cap")
          .put("max", d.frequencyCap().max())
          .put("per", Durations.format(d.frequencyCap().per()));
    }
    if (d.quietHours() != null) {
      o.putObject("quiet_hours")
          .put("start", clock(d.quietHours().start()))
          .put("end", clock(d.quietHours().end()));
    }
    if (d.subscriptionTypeId() != null) {
      o.put("subscription_type_id", Ids.format(d.subscriptionTypeId()));
    }
    return o;
  }

  static boolean present(JsonNode n) {
    return n != null && !n.isNull();
  }

  private static String name(JsonNode n) {
    if (!present(n)) {
      throw missing("name", "name is required: 1 to 255 characters, e.g. \"Welcome series\"");
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw invalid("name", "name must be a non-empty string, got " + shown(n));
    }
    return Text.bounded("name", n.textValue(), 255);
  }

  private static Trigger trigger(JsonNode t, boolean stored) {
    String expected =
        "{\"type\": \"event\", \"event_name\": ...}, {\"type\": \"segment_entry\","
            + " \"segment_id\": ...} or {\"type\": \"broadcast\"}";
    if (!present(t)) {
      throw missing("trigger", "trigger is required: " + expected);
    }
    if (!t.isObject()) {
      throw invalid("trigger", "trigger must be an object: " + expected + ", got " + shown(t));
    }
    JsonNode type = t.get("type");
    if (!present(type)) {
      throw missing("trigger.type", "trigger.type is required: event, segment_entry or broadcast");
    }
    String kind = type.isTextual() ? type.textValue() : "";
    if (stored && kind.equals("message")) {
      JsonFields.onlyKnown(t, "trigger", List.of("type"), "a message trigger");
      return new Trigger.Message();
    }
    switch (kind) {
      case "event" -> {
        JsonFields.onlyKnown(t, "trigger", List.of("type", "event_name"), "an event trigger");
        return new Trigger.Event(EventInput.eventName(t.get("event_name"), "trigger.event_name"));
      }
      case "segment_entry" -> {
        JsonFields.onlyKnown(
            t, "trigger", List.of("type", "segment_id"), "a segment_entry trigger");
        JsonNode s = t.get("segment_id");
        if (!present(s)) {
          throw missing("trigger.segment_id", "trigger.segment_id is required: the segment's id");
        }
        return new Trigger.SegmentEntry(id(s, "trigger.segment_id"));
      }
      case "broadcast" -> {
        JsonFields.onlyKnown(t, "trigger", List.of("type"), "a broadcast trigger");
        return new Trigger.Broadcast();
      }
      default ->
          throw invalid(
              "trigger.type",
              "trigger.type must be event, segment_entry or broadcast, got " + shown(type));
    }
  }

  private static List<Step> steps(JsonNode n, QueryParser parser) {
    String expected = "{\"wait\": \"2h\"}, {\"send\": MESSAGE} or {\"exit_when\": QUERY}";
    if (!present(n)) {
      throw missing("steps", "steps is required: a list of " + expected);
    }
    if (!n.isArray() || n.isEmpty()) {
      throw invalid("steps", "steps must be a non-empty list of " + expected + ", got " + shown(n));
    }
    if (n.size() > CampaignDefinition.MAX_STEPS) {
      throw invalid(
          "steps",
          "steps has "
              + n.size()
              + " steps; a campaign has at most "
              + CampaignDefinition.MAX_STEPS);
    }
    List<Step> steps = new ArrayList<>(n.size());
    for (int i = 0; i < n.size(); i++) {
      steps.add(step(n.get(i), "steps[" + i + "]", parser));
    }
    if (steps.stream().noneMatch(s -> s instanceof Step.Send)) {
      throw invalid("steps", "steps must include at least one {\"send\": MESSAGE}");
    }
    return steps;
  }

  private static Step step(JsonNode n, String path, QueryParser parser) {
    String expected = "{\"wait\": \"2h\"}, {\"send\": MESSAGE} or {\"exit_when\": QUERY}";
    if (!n.isObject() || n.size() != 1) {
      throw invalid(path, path + " must be an object with exactly one of " + expected);
    }
    JsonFields.onlyKnown(n, path, List.of("wait", "send", "exit_when"), "a step");
    String kind = n.fieldNames().next();
    String at = path + "." + kind;
    JsonNode v = n.get(kind);
    return switch (kind) {
      case "wait" -> new Step.Wait(Durations.parse(v, at, MIN_WAIT, MAX_WAIT));
      case "exit_when" -> new Step.ExitWhen(new Condition(v, parser.parse(v, at)));
      default -> new Step.Send(message(v, at));
    };
  }

  private static Message message(JsonNode m, String path) {
    String expected =
        "{\"channel\": \"webhook\", \"url\", \"secret\", \"body\"} or {\"channel\": \"email\","
            + " \"from\", \"subject\", \"body\"}";
    if (!m.isObject()) {
      throw invalid(path, path + " must be a message: " + expected + ", got " + shown(m));
    }
    JsonNode channel = m.get("channel");
    if (!present(channel)) {
      throw missing(path + ".channel", path + ".channel is required: webhook or email");
    }
    String kind = channel.isTextual() ? channel.textValue() : "";
    switch (kind) {
      case "webhook" -> {
        JsonFields.onlyKnown(
            m, path, List.of("channel", "url", "secret", "body"), "a webhook message");
        URI url = url(m.get("url"), path + ".url");
        String secret = text(m.get("secret"), path + ".secret", MAX_SECRET, "the signing secret");
        Text.checked(path + ".secret", secret, false);
        return new Message.Webhook(url, secret, template(m.get("body"), path + ".body", MAX_BODY));
      }
      case "email" -> {
        JsonFields.onlyKnown(
            m, path, List.of("channel", "from", "subject", "body"), "an email message");
        String fromPath = path + ".from";
        String from = text(m.get("from"), fromPath, 255, "the sender's address");
        if (!ContactPatchParser.isEmail(from)) {
          throw invalid(
              fromPath,
              fromPath
                  + " must be an email address such as \"team@example.com\", got "
                  + shown(m.get("from")));
        }
        Template subject = template(m.get("subject"), path + ".subject", MAX_SUBJECT);
        Text.checked(path + ".subject", subject.source(), false);
        return new Message.Email(from, subject, template(m.get("body"), path + ".body", MAX_BODY));
      }
      default ->
          throw invalid(
              path + ".channel", path + ".channel must be webhook or email, got " + shown(channel));
    }
  }

  /** A required non-blank string of at most {@code max} characters; {@code what} describes it. */
  static String text(JsonNode n, String path, int max, String what) {
    if (!present(n)) {
      throw missing(path, path + " is required: " + what);
    }
    if (!n.isTextual() || n.textValue().isBlank()) {
      throw invalid(path, path + " must be a non-empty string (" + what + "), got " + shown(n));
    }
    return Text.bounded(path, n.textValue(), max);
  }

  static Template template(JsonNode n, String path, int max) {
    return Template.parse(text(n, path, max, "a text that may use " + Template.KNOWN), path);
  }

  private static URI url(JsonNode n, String path) {
    String s = text(n, path, MAX_URL, "the receiver's http or https URL");
    try {
      URI u = new URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      if ((scheme.equals("http") || scheme.equals("https")) && u.getHost() != null) {
        return u;
      }
    } catch (URISyntaxException ignored) {
      // refused below
    }
    throw invalid(
        path,
        path
            + " must be an absolute http or https URL such as \"https://example.com/hooks/tally\","
            + " got "
            + shown(n));
  }

  private static long id(JsonNode n, String path) {
    if (n.isTextual() || n.isIntegralNumber()) {
      return Ids.parseField(path, n.asText());
    }
    throw invalid(
        path, path + " must be an id (a positive 64-bit integer, as a string), got " + shown(n));
  }

  private static CampaignDefinition.FrequencyCap frequencyCap(JsonNode c) {
    String expected = "{\"max\": 2, \"per\": \"7d\"}";
    if (!c.isObject()) {
      throw invalid("frequency_cap", "frequency_cap must be an object like " + expected);
    }
    JsonFields.onlyKnown(c, "frequency_cap", List.of("max", "per"), "a frequency cap");
    JsonNode max = c.get("max");
    if (!present(max)) {
      throw missing("frequency_cap.max", "frequency_cap.max is required: " + expected);
    }
    if (!max.isIntegralNumber() || max.asLong() < 1 || max.asLong() > MAX_CAP) {
      throw invalid(
          "frequency_cap.max",
          "frequency_cap.max must be a whole number from 1 to " + MAX_CAP + ", got " + shown(max));
    }
    JsonNode per = c.get("per");
    if (!present(per)) {
      throw missing("frequency_cap.per", "frequency_cap.per is required: " + expected);
    }
    return new CampaignDefinition.FrequencyCap(
        max.intValue(), Durations.parse(per, "frequency_cap.per", MIN_CAP_WINDOW, MAX_CAP_WINDOW));
  }

  private static CampaignDefinition.QuietHours quietHours(JsonNode q) {
    String expected = "{\"start\": \"21:00\", \"end\": \"08:00\"}";
    if (!q.isObject()) {
      throw invalid("quiet_hours", "quiet_hours must be an object like " + expected);
    }
    JsonFields.onlyKnown(q, "quiet_hours", List.of("start", "end"), "quiet hours");
    LocalTime start = clock(q.get("start"), "quiet_hours.start");
    LocalTime end = clock(q.get("end"), "quiet_hours.end");
    if (start.equals(end)) {
      throw invalid(
          "quiet_hours.end",
          "quiet_hours.end must differ from quiet_hours.start (both are "
              + clock(start)
              + "); they may wrap midnight, like "
              + expected);
    }
    return new CampaignDefinition.QuietHours(start, end);
  }

  private static LocalTime clock(JsonNode n, String path) {
    if (!present(n)) {
      throw missing(path, path + " is required: a local time \"HH:MM\", e.g. \"21:00\"");
    }
    if (!n.isTextual() || !CLOCK.matcher(n.textValue()).matches()) {
      throw invalid(
          path, path + " must be a local time \"HH:MM\" from 00:00 to 23:59, got " + shown(n));
    }
    return LocalTime.parse(n.textValue());
  }

  private static String clock(LocalTime t) {
    return String.format(Locale.ROOT, "%02d:%02d", t.getHour(), t.getMinute());
  }
}
