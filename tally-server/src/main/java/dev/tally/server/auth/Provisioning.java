package dev.tally.server.auth;

import dev.tally.core.model.TokenInfo;
import dev.tally.core.model.Workspace;
import dev.tally.core.store.Store;
import dev.tally.core.store.Written;

/**
 * Issuing workspaces and their tokens, the same way from the API, the CLI on a stopped Tally, and
 * the first start. The token is generated here, shown once to the caller, and stored only hashed.
 */
public final class Provisioning {
  private Provisioning() {}

  /** A new workspace with its first token (the plain token, to show once). */
  public record NewWorkspace(
      Workspace workspace, TokenInfo tokenInfo, String token, long position) {}

  /** A new token (the plain token, to show once). */
  public record NewToken(TokenInfo info, String token, long position) {}

  public static NewWorkspace createWorkspace(Store store, String name) {
    String token = Tokens.generate("tly_");
    Written<Object[]> w =
        store.write(
            tx -> {
              Workspace ws = tx.createWorkspace(name);
              return new Object[] {
                ws, tx.addToken(ws.id(), Tokens.hash(token), Tokens.displayPrefix(token))
              };
            });
    return new NewWorkspace(
        (Workspace) w.value()[0], (TokenInfo) w.value()[1], token, w.position());
  }

  public static NewToken createToken(Store store, long workspaceId) {
    return createToken(store, workspaceId, 0);
  }

  /**
   * A new token that acts for the teammate {@code adminId} (0: for none, as the workspace's app).
   */
  public static NewToken createToken(Store store, long workspaceId, long adminId) {
    String token = Tokens.generate("tly_");
    Written<TokenInfo> w =
        store.write(
            tx ->
                tx.addToken(workspaceId, Tokens.hash(token), Tokens.displayPrefix(token), adminId));
    return new NewToken(w.value(), token, w.position());
  }

  /** Stores a new admin token's hash and returns the token. */
  public static String createAdminToken(Store store) {
    String token = Tokens.generate("tla_");
    store.write(
        tx -> {
          tx.addAdminToken(Tokens.hash(token));
          return null;
        });
    return token;
  }
}
