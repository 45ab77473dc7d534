package dev.tally.server.cli;

/** Administration of a running Tally through its admin API. */
public final class RemoteAdmin implements AdminOps {
  private final TallyClient client;

  public RemoteAdmin(String url, String adminToken) {
    this.client = new TallyClient(url, adminToken);
  }

  public TallyClient client() {
    return client;
  }

  @Override
  public int createWorkspace(String name) {
    return client.send("POST", "/admin/workspaces", "{\"name\":" + TallyClient.quote(name) + "}");
  }

  @Override
  public int listWorkspaces() {
    return client.send("GET", "/admin/workspaces", null);
  }

  @Override
  public int deleteWorkspace(String workspaceId) {
    return client.send("DELETE", "/admin/workspaces/" + TallyClient.path(workspaceId), null);
  }

  @Override
  public int createToken(String workspaceId) {
    return createToken(workspaceId, null);
  }

  @Override
  public int createToken(String workspaceId, String adminId) {
    return client.send(
        "POST",
        "/admin/workspaces/" + TallyClient.path(workspaceId) + "/tokens",
        adminId == null ? "{}" : "{\"admin_id\":" + TallyClient.quote(adminId) + "}");
  }

  @Override
  public int createAdmin(String workspaceId, String name, String email) {
    return client.send(
        "POST",
        "/admin/workspaces/" + TallyClient.path(workspaceId) + "/admins",
        "{\"name\":" + TallyClient.quote(name) + ",\"email\":" + TallyClient.quote(email) + "}");
  }

  @Override
  public int listAdmins(String workspaceId) {
    return client.send(
        "GET", "/admin/workspaces/" + TallyClient.path(workspaceId) + "/admins", null);
  }

  @Override
  public int deleteAdmin(String workspaceId, String adminId) {
    return client.send(
        "DELETE",
        "/admin/workspaces/"
            + TallyClient.path(workspaceId)
            + "/admins/"
            + TallyClient.path(adminId),
        null);
  }

  @Override
  public int setTimeZone(String workspaceId, String timeZone) {
    return client.send(
        "PUT",
        "/admin/workspaces/" + TallyClient.path(workspaceId),
        "{\"time_zone\":" + TallyClient.quote(timeZone) + "}");
  }

  @Override
  public int createSubscriptionType(String workspaceId, SubscriptionTypeBody body) {
    return client.send(
        "POST",
        "/admin/workspaces/" + TallyClient.path(workspaceId) + "/subscription_types",
        body.json().toString());
  }

  @Override
  public int listSubscriptionTypes(String workspaceId) {
    return client.send(
        "GET", "/admin/workspaces/" + TallyClient.path(workspaceId) + "/subscription_types", null);
  }

  @Override
  public int listTokens(String workspaceId) {
    return client.send(
        "GET", "/admin/workspaces/" + TallyClient.path(workspaceId) + "/tokens", null);
  }

  @Override
  public int revokeToken(String workspaceId, String tokenId) {
    return client.send(
        "DELETE",
        "/admin/workspaces/"
            + TallyClient.path(workspaceId)
            + "/tokens/"
            + TallyClient.path(tokenId),
        null);
  }
}
