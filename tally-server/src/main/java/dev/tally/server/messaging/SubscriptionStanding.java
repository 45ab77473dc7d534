package dev.tally.server.messaging;

import dev.tally.core.messaging.FinalCheck;
import dev.tally.core.model.SubscriptionType;
import dev.tally.core.store.Store;

/**
 * A contact's standing with a subscription type, read from the store (never the index) for the
 * final check: the type (its consent type, state and content types) and whether the contact made an
 * explicit choice on it.
 */
final class SubscriptionStanding {
  private SubscriptionStanding() {}

  /** The standing; null when the workspace has no such type (then nothing is let through). */
  static FinalCheck.Subscription read(Store store, long ws, long contactId, long typeId) {
    SubscriptionType type = store.subscriptionType(ws, typeId).orElse(null);
    if (type == null) {
      return null;
    }
    boolean optIn = type.consentType().equals(SubscriptionType.OPT_IN);
    FinalCheck.Choice choice =
        !store.hasContactSubscription(ws, contactId, typeId)
            ? FinalCheck.Choice.NONE
            : optIn ? FinalCheck.Choice.OPTED_IN : FinalCheck.Choice.OPTED_OUT;
    return new FinalCheck.Subscription(
        optIn ? FinalCheck.ConsentType.OPT_IN : FinalCheck.ConsentType.OPT_OUT,
        choice,
        type.state().equals(SubscriptionType.LIVE),
        type.contentTypes().contains(SubscriptionType.EMAIL));
  }
}
