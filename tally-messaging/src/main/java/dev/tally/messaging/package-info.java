/**
 * The channels a send leaves through once the final check has passed: {@link
 * dev.tally.messaging.webhook.WebhookChannel} and {@link dev.tally.messaging.email.EmailChannel}.
 * Each delivers one send and answers a {@link dev.tally.messaging.Delivery}; recording it (sent,
 * queued again, failed) is the sender's job, through the store's one door. Nothing here knows the
 * store or the index.
 */
package dev.tally.messaging;
