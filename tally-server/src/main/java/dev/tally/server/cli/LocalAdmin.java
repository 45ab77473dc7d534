package dev.tally.server.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Admin;
import dev.tally.core.model.SubscriptionType;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Store;
import dev.tally.server.auth.Provisioning;
import dev.tally.server.http.AdminJson;
import dev.tally.server.http.SubscriptionJson;
import dev.tally.server.http.TeammateInput;
import dev.tally.server.wiring.DataDir;
import java.io.IOException;
import java.nio.file.Path;
import java.util.function.Supplier;

/** Administration of a stopped Tally, on its data directory (which it locks while it works). */
public final class LocalAdmin implements AdminOps {
  private final DataDir dir;
  private final Store store;

  private LocalAdmin(DataDir dir, Store store) {
    this.dir = dir;
    this.store = store;
  }

  /** Locks and opens the data directory; throws DataDir.InUseException when a Tally serves it. */
  public static LocalAdmin open(Path data) throws IOException {
    DataDir dir = DataDir.lock(data);
    try {
      return new LocalAdmin(dir, dir.openStore(dir.storeOptions()));
    } catch (RuntimeException e) {
      dir.close();
      throw e;
    }
  }

  @Override
  public int createWorkspace(String name) {
    return run(
        () -> {
          Provisioning.NewWorkspace made = Provisioning.createWorkspace(store, name);
          return AdminJson.workspace(made.workspace()).put("token", made.token());
        });
  }

  @Override
  public int listWorkspaces() {
    return run(
        () -> {
          ObjectNode o = AdminJson.object().put("type", "list");
          ArrayNode data = o.putArray("data");
          for (Workspace ws : store.workspaces()) {
            data.add(AdminJson.workspace(ws).put("contact_count", store.contactCount(ws.id())));
          }
          return o;
        });
  }

  @Override
  public int deleteWorkspace(String workspaceId) {
    return run(
        () -> {
          long id = Ids.parsePath("workspace", workspaceId);
          store.write(
              tx -> {
                tx.deleteWorkspace(id);
                return null;
              });
          return AdminJson.object()
              .put("type", "workspace")
              .put("id", Ids.format(id))
              .put("deleted", true);
        });
  }

  @Override
  public int createToken(String workspaceId) {
    return createToken(workspaceId, null);
  }

  @Override
  public int createToken(String workspaceId, String adminId) {
    return run(
        () -> {
          Provisioning.NewToken made =
              Provisioning.createToken(
                  store,
                  Ids.parsePath("workspace", workspaceId),
                  adminId == null ? 0 : Ids.parseField("admin_id", adminId));
          return AdminJson.token(made.info()).put("token", made.token());
        });
  }

  @Override
  public int createAdmin(String workspaceId, String name, String email) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          TeammateInput in = new TeammateInput(name, email);
          Admin a = store.write(tx -> tx.createAdmin(ws, in.name(), in.email())).value();
          return AdminJson.teammate(a);
        });
  }

  @Override
  public int listAdmins(String workspaceId) {
    return run(
        () -> {
          long id = Ids.parsePath("workspace", workspaceId);
          if (store.workspace(id).isEmpty()) {
            throw TallyException.notFound("workspace", workspaceId);
          }
          ObjectNode o = AdminJson.object().put("type", "list");
          ArrayNode data = o.putArray("data");
          store.admins(id).forEach(a -> data.add(AdminJson.teammate(a)));
          return o;
        });
  }

  @Override
  public int deleteAdmin(String workspaceId, String adminId) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          long admin = Ids.parsePath("admin", adminId);
          if (store.workspace(ws).isEmpty()) {
            throw TallyException.notFound("workspace", workspaceId);
          }
          return AdminJson.deleted(store.write(tx -> tx.deleteAdmin(ws, admin)).value());
        });
  }

  @Override
  public int listTokens(String workspaceId) {
    return run(
        () -> {
          long id = Ids.parsePath("workspace", workspaceId);
          if (store.workspace(id).isEmpty()) {
            throw TallyException.notFound("workspace", workspaceId);
          }
          ObjectNode o = AdminJson.object().put("type", "list");
          ArrayNode data = o.putArray("data");
          for (TokenInfo t : store.tokens(id)) {
            data.add(AdminJson.token(t));
          }
          return o;
        });
  }

  @Override
  public int setTimeZone(String workspaceId, String timeZone) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          String zone = Workspace.checkTimeZone("time_zone", timeZone);
          Workspace w = store.write(tx -> tx.setWorkspaceTimeZone(ws, zone)).value();
          return AdminJson.workspace(w).put("contact_count", store.contactCount(ws));
        });
  }

  @Override
  public int createSubscriptionType(String workspaceId, SubscriptionTypeBody body) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          SubscriptionType.New in = SubscriptionJson.input(body.json());
          return SubscriptionJson.type(
              store.write(tx -> tx.createSubscriptionType(ws, in)).value());
        });
  }

  @Override
  public int listSubscriptionTypes(String workspaceId) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          if (store.workspace(ws).isEmpty()) {
            throw TallyException.notFound("workspace", workspaceId);
          }
          return SubscriptionJson.list(store.subscriptionTypes(ws));
        });
  }

  @Override
  public int revokeToken(String workspaceId, String tokenId) {
    return run(
        () -> {
          long ws = Ids.parsePath("workspace", workspaceId);
          long token = Ids.parsePath("token", tokenId);
          store.write(
              tx -> {
                tx.revokeToken(ws, token);
                return null;
              });
          return AdminJson.object()
              .put("type", "token")
              .put("id", Ids.format(token))
              .put("deleted", true);
        });
  }

  private static int run(Supplier<ObjectNode> action) {
    try {
      System.out.println(action.get());
      return ExitCodes.OK;
    } catch (TallyException e) {
      System.err.println("tally: " + e.getMessage());
      return switch (e.kind()) {
        case BAD_REQUEST -> ExitCodes.USAGE;
        case UNAVAILABLE, INTERNAL -> ExitCodes.UNREACHABLE;
        default -> ExitCodes.PROBLEM;
      };
    }
  }

  @Override
  public void close() {
    store.close();
    dir.close();
  }
}
