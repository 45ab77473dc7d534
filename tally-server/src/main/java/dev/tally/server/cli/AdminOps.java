package dev.tally.server.cli;

/**
 * Workspace and token administration, on a running Tally (over HTTP) or on a stopped one (on its
 * data directory). Each method prints its result as JSON and returns the exit code.
 */
public interface AdminOps extends AutoCloseable {
  int createWorkspace(String name);

  int listWorkspaces();

  int deleteWorkspace(String workspaceId);

  int createToken(String workspaceId);

  int listTokens(String workspaceId);

  int revokeToken(String workspaceId, String tokenId);

  @Override
  default void close() {}
}
