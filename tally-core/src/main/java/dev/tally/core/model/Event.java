package dev.tally.core.model;

/** Something a contact did. {@code metadataJson} is the event's metadata object as JSON text. */
public record Event(
    long id, long workspaceId, long contactId, String name, long createdAt, String metadataJson) {}
