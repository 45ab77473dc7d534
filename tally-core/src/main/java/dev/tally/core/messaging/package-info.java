/**
 * Messaging's model, pure and without I/O (issue 13, {@code docs/messaging.md}): a campaign's
 * checked definition ({@link dev.tally.core.messaging.CampaignDefinition}), message templates
 * filled from the store's document ({@link dev.tally.core.messaging.Template}), the final check
 * that decides one send just before delivery ({@link dev.tally.core.messaging.FinalCheck}) and the
 * retry schedule ({@link dev.tally.core.messaging.Backoff}). The store keeps the send queue; the
 * channels and the sender loop live in {@code tally-messaging}.
 */
package dev.tally.core.messaging;
