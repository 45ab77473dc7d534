package dev.tally.core.verify;

/** A contact's id and version: all that verifying the index against the store compares. */
public record IdVersion(long id, long version) {}
