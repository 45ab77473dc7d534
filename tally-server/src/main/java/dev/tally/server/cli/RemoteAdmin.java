package dev.tally.server.cli;

/** Administration of a running Tally through its admin API. */
public final class RemoteAdmin implements AdminOps {
  private final AdminClient client;

  public RemoteAdmin(String url, String adminToken) {
    this.client = new AdminClient(url, adminToken);
  }

  public AdminClient client() {
    return client;
  }

  @Override
  public int createWorkspace(String name) {
    return client.send("POST", "/admin/workspaces", "{\"name\":" + AdminClient.quote(name) + "}");
  }

  @Override
  public int listWorkspaces() {
    return client.send("GET", "/admin/workspaces", null);
  }

  @Override
  public int deleteWorkspace(String workspaceId) {
    return client.send("DELETE", "/admin/workspaces/" + AdminClient.path(workspaceId), null);
  }

  @Override
  public int createToken(String workspaceId) {
    return client.send("POST", "/admin/workspaces/" + AdminClient.path(workspaceId) + "/tokens", "{}");
  }

  @Override
  public int listTokens(String workspaceId) {
    return client.send("GET", "/admin/workspaces/" + AdminClient.path(workspaceId) + "/tokens", null);
  }

  @Override
  public int revokeToken(String workspaceId, String tokenId) {
    return client.send("DELETE", "/admin/workspaces/" + AdminClient.path(workspaceId) + "/tokens/" + AdminClient.path(tokenId), null);
  }
}
