package dev.tally.core.messaging;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import dev.tally.core.query.QueryParser;
import java.time.Duration;
import java.time.LocalTime;
import java.util.ArrayList;
import java.util.List;

/**
 * The checked body of {@code POST /campaigns}: what a campaign sends, to whom, when, and under
 * which limits. It is checked once, when the campaign is created (invariant 10: a 400 that names
 * the field, such as {@code steps[2].send.url}, and says what was expected); the store keeps {@link
 * #toJson()}, and {@link #fromStored} reads it back to an equal definition.
 *
 * @param name 1 to 255 characters
 * @param trigger what makes a contact enter, and so what one occurrence is
 * @param audience who may receive it, at fan-out and again at every send; null: every contact
 * @param steps 1 to {@link #MAX_STEPS} steps, at least one a {@link Step.Send}
 * @param expiresAfter how long after it is due a send may still be delivered (default 24h)
 * @param frequencyCap at most this many sends to one contact per window, across the workspace's
 *     campaigns; null: no cap
 * @param quietHours the hours, in the contact's time zone, during which sends wait; null: none
 * @param subscriptionTypeId the subscription type a contact must be subscribed to; null: none
 */
public record CampaignDefinition(
    String name,
    Trigger trigger,
    Condition audience,
    List<Step> steps,
    Duration expiresAfter,
    FrequencyCap frequencyCap,
    QuietHours quietHours,
    Long subscriptionTypeId) {

  /** The fields of a definition's JSON, in the order {@link #toJson()} writes them. */
  public static final List<String> FIELDS = DefinitionCodec.FIELDS;

  public static final int MAX_STEPS = 20;
  public static final Duration DEFAULT_EXPIRES_AFTER = Duration.ofHours(24);

  private static final ObjectMapper JSON = new ObjectMapper();

  public CampaignDefinition {
    steps = List.copyOf(steps);
  }

  /**
   * At most {@code max} sends {@code sent} to one contact within any window of length {@code per}.
   */
  public record FrequencyCap(int max, Duration per) {}

  /**
   * From {@code start} (inclusive) to {@code end} (exclusive), local time; wraps midnight when
   * {@code end} is before {@code start} ("21:00" to "08:00").
   */
  public record QuietHours(LocalTime start, LocalTime end) {
    /** Whether {@code t} falls in the quiet hours. */
    public boolean contains(LocalTime t) {
      return start.isBefore(end)
          ? !t.isBefore(start) && t.isBefore(end)
          : !t.isBefore(start) || t.isBefore(end);
    }
  }

  /** Checks a request body; throws a 400 naming the first bad field. */
  public static CampaignDefinition parse(JsonNode body, QueryParser parser) {
    return DefinitionCodec.parse(body, parser);
  }

  /**
   * An admin message's definition ({@code POST /messages}): trigger {@link Trigger.Message}, no
   * audience, one email step, the default expiry, no cap and no quiet hours (sent now, on purpose).
   */
  public static CampaignDefinition message(String name, Message.Email email) {
    return new CampaignDefinition(
        name,
        new Trigger.Message(),
        null,
        List.of(new Step.Send(email)),
        DEFAULT_EXPIRES_AFTER,
        null,
        null,
        null);
  }

  /** The canonical JSON the store keeps; {@link #parse} of it gives an equal definition. */
  public JsonNode toJson() {
    return DefinitionCodec.print(this);
  }

  /**
   * Reads a definition the store kept. Its queries are parsed again with {@code parser} (the
   * workspace's attributes and segments now). A stored text that no longer parses is a fault of the
   * store, not of a request, and is reported as one (500).
   */
  public static CampaignDefinition fromStored(String json, QueryParser parser) {
    JsonNode node;
    try {
      node = JSON.readTree(json);
    } catch (JsonProcessingException e) {
      throw new TallyException(
          TallyException.Kind.INTERNAL,
          "campaign_definition_corrupt",
          null,
          "a stored campaign definition is not JSON: " + e.getOriginalMessage(),
          e);
    }
    try {
      return DefinitionCodec.parse(node, parser, true);
    } catch (TallyException e) {
      throw new TallyException(
          TallyException.Kind.INTERNAL,
          "campaign_definition_corrupt",
          null,
          "a stored campaign definition no longer passes its checks at "
              + e.field()
              + ": "
              + e.getMessage(),
          e);
    }
  }

  /**
   * The exit conditions in force at step {@code index}: those of the {@link Step.ExitWhen} steps
   * before it.
   */
  /** The send step a contact reaches next, and how long after the previous one it is due. */
  public record NextSend(int step, Duration after) {}

  /**
   * The first send step after step {@code previous} (-1: the campaign's first), with the waits
   * between summed; empty when no send follows (the contact's pass is over).
   */
  public java.util.Optional<NextSend> nextSend(int previous) {
    Duration wait = Duration.ZERO;
    for (int i = previous + 1; i < steps.size(); i++) {
      switch (steps.get(i)) {
        case Step.Wait w -> wait = wait.plus(w.duration());
        case Step.Send s -> {
          return java.util.Optional.of(new NextSend(i, wait));
        }
        case Step.ExitWhen e -> {
          // checked at each later send's final check
        }
      }
    }
    return java.util.Optional.empty();
  }

  public List<Condition> exitConditionsBefore(int index) {
    List<Condition> out = new ArrayList<>();
    for (int i = 0; i < index && i < steps.size(); i++) {
      if (steps.get(i) instanceof Step.ExitWhen e) {
        out.add(e.when());
      }
    }
    return out;
  }
}
