package dev.tally.server.http;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import dev.tally.core.store.Store;
import dev.tally.core.store.StoredResponse;
import dev.tally.core.store.WriteTx;
import dev.tally.core.store.Written;
import dev.tally.server.auth.Tokens;
import io.javalin.http.Context;
import java.util.function.Function;

/**
 * What every handler needs about its request: the authenticated workspace, the body, and one way to
 * run a write that honours the Idempotency-Key header and reports the oplog position.
 */
final class RequestContext {
  static final String WORKSPACE = "tally.workspace";
  static final String TOKEN_ADMIN = "tally.token_admin";
  static final String POSITION_HEADER = "Tally-Position";
  static final String IDEMPOTENCY_HEADER = "Idempotency-Key";

  private final Store store;
  private final long maxBody;

  RequestContext(Store store, long maxBody) {
    this.store = store;
    this.maxBody = maxBody;
  }

  Store store() {
    return store;
  }

  static long workspace(Context ctx) {
    Long ws = ctx.attribute(WORKSPACE);
    if (ws == null) {
      throw new IllegalStateException("route " + ctx.path() + " reached without a workspace");
    }
    return ws;
  }

  /** The teammate the request's token acts for, or 0 when it acts as the workspace's app. */
  static long tokenAdmin(Context ctx) {
    Long admin = ctx.attribute(TOKEN_ADMIN);
    return admin == null ? 0 : admin;
  }

  byte[] rawBody(Context ctx) {
    byte[] body = ctx.attribute("tally.body");
    if (body == null) {
      body = Json.readBody(ctx, maxBody);
      ctx.attribute("tally.body", body);
    }
    return body;
  }

  JsonNode body(Context ctx) {
    return Json.parse(rawBody(ctx));
  }

  /**
   * A response a write produces: its status, its JSON body (null for none) and the contact it is
   * about.
   */
  record Reply(int status, JsonNode body, long contactId) {
    static Reply of(int status, JsonNode body) {
      return new Reply(status, body, 0);
    }
  }

  /**
   * Runs {@code work} through the store's one door and sends its reply. With an Idempotency-Key, a
   * retry within the window gets the first reply and has no second effect.
   */
  void write(Context ctx, long workspaceId, Function<WriteTx, Reply> work) {
    String key = ctx.header(IDEMPOTENCY_HEADER);
    if (key == null) {
      Written<Reply> w = store.write(work::apply);
      send(
          ctx,
          w.value().status(),
          w.value().body() == null ? "" : Json.write(w.value().body()),
          w.position());
      return;
    }
    checkKey(key);
    // The body's bytes, not its decoding: Jackson also reads UTF-16 and UTF-32, and two such
    // bodies that decode alike as UTF-8 must not share a key's stored answer.
    String fingerprint = Tokens.sha256(ctx.method().name() + " " + ctx.path() + "\n", rawBody(ctx));
    Written<StoredResponse> w =
        store.writeOnce(
            workspaceId,
            key,
            fingerprint,
            tx -> {
              Reply r = work.apply(tx);
              return new StoredResponse(
                  r.status(), r.body() == null ? "" : Json.write(r.body()), r.contactId());
            });
    send(ctx, w.value().status(), w.value().body(), w.position());
  }

  private static void checkKey(String key) {
    if (key.isEmpty()
        || key.length() > 255
        || !key.chars().allMatch(ch -> ch >= 0x21 && ch <= 0x7e)) {
      throw TallyException.invalid(
          IDEMPOTENCY_HEADER,
          "the Idempotency-Key header must be 1 to 255 printable ASCII characters "
              + "without spaces, such as a UUID");
    }
  }

  static void send(Context ctx, int status, String body, long position) {
    ctx.header(POSITION_HEADER, Long.toString(position));
    ctx.status(status);
    if (!body.isEmpty()) {
      ctx.contentType("application/json");
      ctx.result(body);
    }
  }

  static void json(Context ctx, int status, JsonNode body) {
    ctx.status(status);
    ctx.contentType("application/json");
    ctx.result(Json.bytes(body));
  }
}
