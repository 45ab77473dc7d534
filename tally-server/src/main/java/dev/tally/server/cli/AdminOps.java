package dev.tally.server.cli;

/**
 * Workspace, token and teammate administration, on a running Tally (over HTTP) or on a stopped one
 * (on its data directory). Each method prints its result as JSON and returns the exit code.
 */
public interface AdminOps extends AutoCloseable {
  int createWorkspace(String name);

  int listWorkspaces();

  int deleteWorkspace(String workspaceId);

  int createToken(String workspaceId);

  /** A token that acts for the teammate {@code adminId} (null: for none). */
  int createToken(String workspaceId, String adminId);

  int createAdmin(String workspaceId, String name, String email);

  int listAdmins(String workspaceId);

  int deleteAdmin(String workspaceId, String adminId);

  /** Sets the workspace's time zone (an IANA name; quiet hours fall back to it). */
  int setTimeZone(String workspaceId, String timeZone);

  /**
   * Creates a subscription type from the admin API's body ({@link SubscriptionTypeBody}), checked
   * the same way on both sides.
   */
  int createSubscriptionType(String workspaceId, SubscriptionTypeBody body);

  int listSubscriptionTypes(String workspaceId);

  int listTokens(String workspaceId);

  int revokeToken(String workspaceId, String tokenId);

  @Override
  default void close() {}
}
