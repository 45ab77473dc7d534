package dev.tally.core.model;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.missing;
import static dev.tally.core.TallyException.quote;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * A validated POST /events/summaries request: a contact and the summaries (name, count, first,
 * last) to set for it. {@code event_summaries} is one object as Intercom's 2.11 spec types it, or a
 * list of them as its description says ("a list of event summaries"); at most {@link #MAX} names.
 */
public record EventSummariesInput(ContactRef contact, List<EventSummary> summaries) {
  public static final int MAX = 100;
  private static final List<String> FIELDS = List.of("user_id", "id", "email", "event_summaries");
  private static final List<String> SUMMARY_FIELDS =
      List.of("event_name", "count", "first", "last");

  public EventSummariesInput {
    summaries = List.copyOf(summaries);
  }

  public static EventSummariesInput parse(JsonNode body) {
    JsonFields.requireObject(body, "user_id and event_summaries {event_name, count, first, last}");
    JsonFields.onlyKnown(body, "", FIELDS, "event summaries");
    JsonNode given = body.get("event_summaries");
    if (given == null || given.isNull()) {
      throw missing(
          "event_summaries",
          "event_summaries is required: {\"event_name\", \"count\", \"first\", \"last\"}");
    }
    List<JsonNode> items = new ArrayList<>();
    if (given.isArray()) {
      if (given.isEmpty() || given.size() > MAX) {
        throw invalid(
            "event_summaries",
            "event_summaries must hold 1 to " + MAX + " summaries, got " + given.size());
      }
      given.forEach(items::add);
    } else {
      items.add(given);
    }
    List<EventSummary> summaries = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (int i = 0; i < items.size(); i++) {
      String path = given.isArray() ? "event_summaries[" + i + "]" : "event_summaries";
      EventSummary s = summary(items.get(i), path);
      if (!names.add(s.name())) {
        throw invalid(
            path + ".event_name",
            "event " + quote(s.name()) + " is summarised twice in one request");
      }
      summaries.add(s);
    }
    return new EventSummariesInput(EventInput.contactRef(body), summaries);
  }

  private static EventSummary summary(JsonNode node, String path) {
    if (!node.isObject()) {
      throw invalid(
          path,
          path
              + " must be an object {\"event_name\", \"count\", \"first\", \"last\"}, got "
              + ContactPatchParser.shown(node));
    }
    JsonFields.onlyKnown(node, path, SUMMARY_FIELDS, "an event summary");
    String name = EventInput.eventName(node.get("event_name"), path + ".event_name");
    JsonNode count = node.get("count");
    if (count == null || count.isNull()) {
      throw missing(path + ".count", path + ".count is required: how often the event happened");
    }
    if (!count.isIntegralNumber() || !count.canConvertToLong() || count.longValue() < 1) {
      throw invalid(
          path + ".count",
          path
              + ".count must be a whole number, 1 or more, got "
              + ContactPatchParser.shown(count));
    }
    Long first = time(node.get("first"), path + ".first");
    Long last = time(node.get("last"), path + ".last");
    if (first == null && last == null) {
      throw missing(
          path + ".last", path + ".last (or first) is required: when the event last happened");
    }
    long f = first == null ? last : first;
    long l = last == null ? first : last;
    if (f > l) {
      throw invalid(path + ".first", path + ".first " + f + " is after " + path + ".last " + l);
    }
    return new EventSummary(name, count.longValue(), f, l);
  }

  private static Long time(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (!FieldType.DATE.accepts(v)) {
      throw invalid(
          path,
          path + " must be " + FieldType.TIMESTAMP_WORDS + ", got " + ContactPatchParser.shown(v));
    }
    return v.longValue();
  }
}
