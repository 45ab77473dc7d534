package dev.tally.core.model;

/**
 * A workspace API token as stored: only its hash is kept; {@code prefix} helps a person tell tokens
 * apart. {@code adminId} is the teammate the token acts for, or 0 when it acts for none (then it
 * acts as the workspace's app, as an Intercom access token does).
 */
public record TokenInfo(long id, long workspaceId, String prefix, long createdAt, long adminId) {

  public TokenInfo(long id, long workspaceId, String prefix, long createdAt) {
    this(id, workspaceId, prefix, createdAt, 0);
  }

  public boolean actsForAdmin() {
    return adminId != 0;
  }
}
