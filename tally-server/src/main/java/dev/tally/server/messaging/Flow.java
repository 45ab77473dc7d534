package dev.tally.server.messaging;

import dev.tally.core.messaging.CampaignDefinition;
import dev.tally.core.model.Send;

/**
 * A contact's way through a campaign's steps: only send steps become rows of the send queue; the
 * waits between two send steps only make the later one due later, and {@code exit_when} steps are
 * read by the final check ({@link CampaignDefinition#exitConditionsBefore}).
 */
public final class Flow {
  private Flow() {}

  /**
   * The send to queue after {@code done} was sent at {@code nowMillis}: the next send step, due
   * after the waits between the two, expiring {@code expires_after} later; null at the flow's end.
   */
  public static Send.New after(Send done, CampaignDefinition definition, long nowMillis) {
    CampaignDefinition.NextSend next = definition.nextSend(done.step()).orElse(null);
    if (next == null) {
      return null;
    }
    long due = nowMillis + next.after().toMillis();
    return new Send.New(
        done.workspaceId(),
        done.campaignId(),
        next.step(),
        done.contactId(),
        done.occurrence(),
        due,
        due + definition.expiresAfter().toMillis());
  }
}
