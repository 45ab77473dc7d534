package dev.tally.core.messaging;

import dev.tally.core.model.ContactField;
import dev.tally.core.query.ContactView;
import dev.tally.core.query.Query;
import dev.tally.core.query.ReferenceEvaluator;
import java.time.DateTimeException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.zone.ZoneOffsetTransition;
import java.util.Objects;

/**
 * Decides one send just before delivery (docs/messaging.md, "The path of one send", step 2): a pure
 * function of the store's current document of the contact and the facts read with it in the same
 * transaction. This is where invariant 9 is kept: a message goes out only if the contact matches at
 * send time. The index is never asked; the caller reads everything from the store, and when it
 * cannot, it holds the send instead of calling this.
 *
 * <p>The checks run in this order, and the first that fails decides:
 *
 * <ol>
 *   <li>{@code contact_deleted}, {@code archived}: nothing else can be evaluated on a contact that
 *       is gone, and an archived contact is out of every audience whatever its document says.
 *   <li>{@code no_longer_matches}: the campaign's audience, then for a segment-entry trigger the
 *       segment's query, by {@link ReferenceEvaluator} on the document at {@code now}.
 *   <li>{@code exited}: the {@code exit_when} conditions of the steps before this one.
 *   <li>{@code unsubscribed} (email only: the document's {@code unsubscribed_from_emails}), then
 *       {@code not_subscribed} (the campaign's subscription type: see {@link Subscription#allows};
 *       a type the store does not know lets nothing through).
 *   <li>Quiet hours: {@link Verdict.Defer} to their end in the contact's time zone.
 *   <li>{@code frequency_capped}: the sends already {@code sent} to the contact in the window.
 * </ol>
 *
 * <p>Who the contact is and what it consented to come first, so that a skip records the most
 * fundamental reason and a contact that will not get the message is not deferred only to be skipped
 * in the morning. Quiet hours come before the frequency cap because the cap's window slides: a
 * deferred send is checked again, whole, at the end of the quiet hours, and the cap is counted at
 * the moment the send would actually go, not hours before it.
 */
public final class FinalCheck {
  private FinalCheck() {}

  /** Why a send was skipped; {@link #code()} is the reason the API shows. */
  public enum Reason {
    NO_LONGER_MATCHES,
    UNSUBSCRIBED,
    NOT_SUBSCRIBED,
    FREQUENCY_CAPPED,
    CONTACT_DELETED,
    ARCHIVED,
    EXITED;

    /** The reason as the API and the store write it: {@code no_longer_matches}, ... */
    public String code() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** The decision on one send. */
  public sealed interface Verdict {
    /** Deliver now. */
    record Send() implements Verdict {}

    /** Do not deliver, ever: the send is final as {@code skipped} with this reason. */
    record Skip(Reason reason) implements Verdict {}

    /** Not now: queue the send again, due at {@code until} (the end of the quiet hours). */
    record Defer(Instant until) implements Verdict {}
  }

  /** Whether a subscription type asks contacts to opt in, or sends until they opt out. */
  public enum ConsentType {
    OPT_IN,
    OPT_OUT
  }

  /** What a contact chose for a subscription type. */
  public enum Choice {
    OPTED_IN,
    OPTED_OUT,
    NONE
  }

  /**
   * A contact's standing with the campaign's subscription type.
   *
   * @param live whether the type is live: a draft or archived type lets no message through (a draft
   *     is not yet offered to contacts, an archived one no longer is, so neither can stand for
   *     their consent)
   * @param coversEmail whether the type's {@code content_types} include {@code email}: an email
   *     send needs it; a webhook send is not asked, since no content type names Tally's own channel
   */
  public record Subscription(ConsentType type, Choice choice, boolean live, boolean coversEmail) {
    /** A live type that covers email. */
    public Subscription(ConsentType type, Choice choice) {
      this(type, choice, true, true);
    }

    /** Opted in, or made no choice on an opt-out type. */
    public boolean subscribed() {
      return choice == Choice.OPTED_IN || (choice == Choice.NONE && type == ConsentType.OPT_OUT);
    }

    /** Whether {@code message} may go to the contact under this type. */
    public boolean allows(Message message) {
      return live && (coversEmail || !(message instanceof Message.Email)) && subscribed();
    }
  }

  /**
   * What the caller read from the store for one send, in one transaction.
   *
   * @param contact the contact's current document, with its event summaries and memberships; null
   *     when the contact is gone
   * @param archived whether the contact is archived
   * @param segment for a segment-entry campaign, the segment's membership query; null when the
   *     segment is gone (then no contact is in it), ignored for other triggers
   * @param subscription the contact's standing with the campaign's subscription type; ignored when
   *     the campaign has none; null when it has one the store no longer knows (then the contact
   *     counts as not subscribed: consent is never assumed)
   * @param sentInCapWindow the sends {@code sent} to this contact, across the workspace's
   *     campaigns, within the frequency cap's window ending now
   * @param workspaceZone the workspace's time zone, used when the contact has no valid {@code
   *     custom_attributes.time_zone}
   */
  public record Facts(
      ContactView contact,
      boolean archived,
      Query segment,
      Subscription subscription,
      long sentInCapWindow,
      ZoneId workspaceZone) {
    public Facts {
      Objects.requireNonNull(workspaceZone, "workspaceZone");
    }
  }

  /**
   * Decides the send of step {@code step} (a {@link Step.Send}) of {@code campaign} at {@code now}.
   */
  public static Verdict decide(CampaignDefinition campaign, int step, Facts facts, Instant now) {
    if (!(campaign.steps().get(step) instanceof Step.Send send)) {
      throw new IllegalArgumentException(
          "step " + step + " is " + campaign.steps().get(step) + ", not a send");
    }
    ContactView doc = facts.contact();
    if (doc == null) {
      return new Verdict.Skip(Reason.CONTACT_DELETED);
    }
    if (facts.archived()) {
      return new Verdict.Skip(Reason.ARCHIVED);
    }
    long nowSeconds = now.getEpochSecond();
    if (campaign.audience() != null
        && !ReferenceEvaluator.matches(campaign.audience().query(), doc, nowSeconds)) {
      return new Verdict.Skip(Reason.NO_LONGER_MATCHES);
    }
    if (campaign.trigger() instanceof Trigger.SegmentEntry
        && (facts.segment() == null
            || !ReferenceEvaluator.matches(facts.segment(), doc, nowSeconds))) {
      return new Verdict.Skip(Reason.NO_LONGER_MATCHES);
    }
    for (Condition exit : campaign.exitConditionsBefore(step)) {
      if (ReferenceEvaluator.matches(exit.query(), doc, nowSeconds)) {
        return new Verdict.Skip(Reason.EXITED);
      }
    }
    if (send.message() instanceof Message.Email
        && Boolean.TRUE.equals(doc.contact().get(ContactField.UNSUBSCRIBED_FROM_EMAILS))) {
      return new Verdict.Skip(Reason.UNSUBSCRIBED);
    }
    if (campaign.subscriptionTypeId() != null
        && (facts.subscription() == null || !facts.subscription().allows(send.message()))) {
      return new Verdict.Skip(Reason.NOT_SUBSCRIBED);
    }
    if (campaign.quietHours() != null) {
      Instant end = quietUntil(campaign.quietHours(), zone(doc, facts.workspaceZone()), now);
      if (end != null) {
        return new Verdict.Defer(end);
      }
    }
    CampaignDefinition.FrequencyCap cap = campaign.frequencyCap();
    if (cap != null && facts.sentInCapWindow() >= cap.max()) {
      return new Verdict.Skip(Reason.FREQUENCY_CAPPED);
    }
    return new Verdict.Send();
  }

  /**
   * The contact's time zone: {@code custom_attributes.time_zone} when it is a zone id Java knows
   * ("Europe/Paris", "UTC", "+02:00"), else the workspace's.
   */
  public static ZoneId zone(ContactView doc, ZoneId workspaceZone) {
    if (doc.contact().custom().get("time_zone") instanceof String id) {
      try {
        return ZoneId.of(id);
      } catch (DateTimeException e) {
        // an unknown zone is not the contact's fault to pay for: fall back
      }
    }
    return workspaceZone;
  }

  /**
   * The end of the quiet hours {@code now} falls in, in {@code zone}; null when it is outside them.
   * A local end time that a daylight-saving gap skips resolves to the first instant after the gap.
   */
  static Instant quietUntil(CampaignDefinition.QuietHours quiet, ZoneId zone, Instant now) {
    ZonedDateTime local = now.atZone(zone);
    if (!quiet.contains(local.toLocalTime())) {
      return null;
    }
    LocalDateTime end = local.toLocalDate().atTime(quiet.end());
    if (!end.isAfter(local.toLocalDateTime())) {
      end = end.plusDays(1);
    }
    ZoneOffsetTransition gap = zone.getRules().getTransition(end);
    if (gap != null && gap.isGap()) {
      return gap.getInstant(); // the wall clock jumps from before the end to after it
    }
    return end.atZone(zone).toInstant();
  }
}
