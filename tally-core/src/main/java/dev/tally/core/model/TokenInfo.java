package dev.tally.core.model;

/**
 * A workspace API token as stored: only its hash is kept; {@code prefix} helps a person tell tokens
 * apart.
 */
public record TokenInfo(long id, long workspaceId, String prefix, long createdAt) {}
