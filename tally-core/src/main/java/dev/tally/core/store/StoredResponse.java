package dev.tally.core.store;

/**
 * A response kept with an idempotency key so a retry gets it again. {@code contactId} (0 if none)
 * lets the store redact it when that contact's personal data is erased.
 */
public record StoredResponse(int status, String body, long contactId) {}
