package dev.tally.core.model;

/** A tenant: every contact, event and attribute belongs to exactly one workspace. */
public record Workspace(long id, String name, long createdAt) {}
