package dev.tally.server.http;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.model.TokenInfo;
import dev.tally.core.store.Store;
import dev.tally.server.auth.Tokens;
import dev.tally.server.search.IndexManager;
import dev.tally.server.search.IndexReadiness;
import dev.tally.server.search.LayoutPlan;
import dev.tally.server.search.RebuildRunner;
import dev.tally.server.search.SearchService;
import io.javalin.Javalin;
import io.javalin.http.Context;
import io.javalin.http.HttpResponseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The HTTP API, shaped like Intercom's REST API 2.11. Every error leaves as Intercom's error list
 * ({@code {"type":"error.list","request_id",...,"errors":[{"code","message","field"}]}}); a client
 * mistake is a 4xx, and only a bug is a 500.
 */
public final class Api {
  private static final Logger LOG = LoggerFactory.getLogger(Api.class);
  private static final String REQUEST_ID = "tally.request_id";
  private static final String STARTED = "tally.started";
  private static final String ERROR_WRITTEN = "tally.error_written";

  private final Store store;
  private final SearchService search;
  private final String envAdminTokenHash;
  private final HttpMetrics metrics;
  private final IndexManager indexes;
  private final EnginesInUse engines;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile boolean draining;

  /**
   * This process's part in projecting the oplog: "leading" or "standby" (several processes on one
   * index), "embedded".
   */
  private volatile java.util.function.Supplier<String> projectorRole = () -> "leading";

  private volatile MessagingStatus messaging = new MessagingStatus(false, false);

  private final Javalin app;

  /**
   * @param envAdminToken the admin token from the environment, or null to use the stored admin
   *     tokens
   */
  public Api(
      Store store,
      SearchService search,
      IndexManager indexes,
      long maxBody,
      long maxBulkBody,
      String envAdminToken,
      EnginesInUse engines) {
    this.engines = engines;
    this.search = search;
    this.store = store;
    this.envAdminTokenHash = envAdminToken == null ? null : Tokens.hash(envAdminToken);
    this.metrics = new HttpMetrics(store, indexes);
    this.indexes = indexes;
    RequestContext rc = new RequestContext(store, maxBody);
    this.app =
        Javalin.create(
            cfg -> {
              cfg.showJavalinBanner = false;
              cfg.useVirtualThreads = true;
              cfg.http.maxRequestSize = Math.max(maxBody, maxBulkBody) + 1;
              cfg.router.ignoreTrailingSlashes = true;
              cfg.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
              // Jetty caches some header fields (Authorization among them) per connection and, by
              // default, matches them ignoring case: after "Authorization: Bearer <token>", a case
              // variant of the token on the same connection was read as the cached, valid one (and
              // a valid token after a wrong-case one as the wrong one).
              cfg.jetty.modifyHttpConfiguration(h -> h.setHeaderCacheCaseSensitive(true));
            });
    app.before(this::before);
    app.after(this::after);
    app.exception(TallyException.class, (e, ctx) -> error(ctx, e));
    app.exception(
        HttpResponseException.class,
        (e, ctx) ->
            error(
                ctx,
                switch (e.getStatus()) {
                  case 404 ->
                      new TallyException(
                          TallyException.Kind.NOT_FOUND,
                          "not_found",
                          null,
                          "no such endpoint: " + ctx.method() + " " + ctx.path());
                  case 413 ->
                      new TallyException(
                          TallyException.Kind.PAYLOAD_TOO_LARGE,
                          "payload_too_large",
                          "body",
                          e.getMessage());
                  default ->
                      new TallyException(
                          kindFor(e.getStatus()), "parameter_invalid", null, e.getMessage());
                }));
    app.exception(
        Exception.class,
        (e, ctx) -> {
          LOG.atError()
              .setCause(e)
              .addKeyValue("request_id", requestId(ctx))
              .addKeyValue("path", ctx.path())
              .log("unexpected error");
          error(
              ctx,
              new TallyException(
                  TallyException.Kind.INTERNAL,
                  "server_error",
                  null,
                  "Tally failed unexpectedly; this is a bug. Quote request_id "
                      + requestId(ctx)
                      + " when reporting it"));
        });
    app.error(
        404,
        ctx -> {
          if (ctx.attribute(ERROR_WRITTEN) == null) {
            error(
                ctx,
                new TallyException(
                    TallyException.Kind.NOT_FOUND,
                    "not_found",
                    null,
                    "no such endpoint: " + ctx.method() + " " + ctx.path()));
          }
        });
    app.get(
        "/health/live", ctx -> RequestContext.json(ctx, 200, Json.object().put("status", "live")));
    app.get("/health/ready", this::ready);
    app.get(
        "/metrics",
        ctx -> {
          ctx.contentType("text/plain; version=0.0.4; charset=utf-8");
          ctx.result(metrics.scrape());
        });
    new AdminRoutes(rc).register(app);
    new MessagingAdminRoutes(rc).register(app);
    new SubscriptionAdminRoutes(rc).register(app);
    app.post(
        "/admin/index/rebuild",
        ctx -> RequestContext.json(ctx, 202, rebuildJson(indexes.startRebuild())));
    app.get(
        "/admin/index/rebuild",
        ctx -> RequestContext.json(ctx, 200, rebuildJson(indexes.status())));
    app.post(
        "/admin/index/snapshots",
        ctx -> RequestContext.json(ctx, 201, snapshotJson(indexes.snapshotNow())));
    app.get(
        "/admin/index/snapshots",
        ctx -> {
          ObjectNode list = Json.object().put("type", "list");
          indexes.snapshots().forEach(sn -> list.withArray("data").add(snapshotJson(sn)));
          list.withArray("data");
          RequestContext.json(ctx, 200, list);
        });
    app.get("/admin/index/plan", ctx -> RequestContext.json(ctx, 200, planJson(indexes.plan())));
    app.post(
        "/admin/index/apply",
        ctx -> {
          LayoutPlan plan = indexes.plan();
          RebuildRunner.Status started = plan.changes() ? indexes.apply() : null;
          RequestContext.json(
              ctx,
              started == null ? 200 : 202,
              started == null ? planJson(plan) : rebuildJson(started));
        });
    app.post(
        "/admin/index/restore",
        ctx -> RequestContext.json(ctx, 202, rebuildJson(indexes.restore())));
    app.post(
        "/admin/index/verify",
        ctx ->
            RequestContext.json(
                ctx,
                200,
                VerifyJson.of(indexes.verify(VerifyJson.repairRequested(ctx.bodyAsBytes())))));
    new SearchRoutes(rc, search).register(app);
    new SegmentRoutes(rc, search).register(app);
    new CampaignRoutes(rc, search).register(app);
    new MessageRoutes(rc).register(app);
    new UnsubscribeRoutes(store).register(app);
    new NoteRoutes(rc).register(app);
    new ContactLifecycleRoutes(rc).register(app);
    new BulkRoutes(rc, maxBulkBody).register(app);
    new ContactRoutes(rc).register(app);
    new EventRoutes(rc).register(app);
    new AttributeRoutes(rc).register(app);
    new TagRoutes(rc).register(app);
    new SubscriptionRoutes(rc).register(app);
    new CompanyRoutes(rc).register(app);
    new AdminsRoutes(rc).register(app);
  }

  public Api start(String host, int port) {
    app.start(host, port);
    return this;
  }

  public int port() {
    return app.port();
  }

  /** Stops taking new work: readiness turns false and new requests get 503. */
  public void startDraining() {
    draining = true;
  }

  /**
   * Tells readiness whether this process runs a sender ({@code --sender-interval} above 0) and has
   * an SMTP server ({@code --smtp-url}).
   */
  public Api messagingSender(boolean sending, boolean smtp) {
    this.messaging = new MessagingStatus(sending, smtp);
    return this;
  }

  /** Tells readiness this process's part in projecting the oplog (see {@link #projectorRole}). */
  public Api projectorRole(java.util.function.Supplier<String> role) {
    this.projectorRole = role;
    return this;
  }

  /**
   * Where the wiring registers metrics of its own (the store's pool, for one), served at /metrics.
   */
  public io.prometheus.metrics.model.registry.PrometheusRegistry metricsRegistry() {
    return metrics.registry();
  }

  public int inFlight() {
    return inFlight.get();
  }

  public void stop() {
    app.stop();
  }

  private void before(Context ctx) {
    ctx.attribute(STARTED, System.nanoTime());
    String requestId = "req_" + UUID.randomUUID();
    ctx.attribute(REQUEST_ID, requestId);
    ctx.header("X-Request-Id", requestId);
    inFlight.incrementAndGet();
    ctx.attribute("tally.counted", Boolean.TRUE);
    String path = ctx.path();
    if (path.startsWith("/health/") || path.equals("/metrics")) {
      return;
    }
    if (draining) {
      ctx.header("Retry-After", "1");
      throw TallyException.unavailable(
          "shutting_down", "this Tally is shutting down and takes no new requests", null);
    }
    if (path.equals("/unsubscribe")) {
      return; // the link's own signed token authorizes it (UnsubscribeRoutes)
    }
    String token = bearer(ctx);
    checkVersion(ctx);
    if (path.equals("/admin") || path.startsWith("/admin/")) {
      if (!isAdmin(token)) {
        throw unauthorized(
            "this endpoint needs the admin token (TALLY_ADMIN_TOKEN) as Authorization: Bearer <token>");
      }
      return;
    }
    Optional<TokenInfo> t = store.token(Tokens.hash(token));
    if (t.isEmpty()) {
      throw unauthorized(
          "Access Token Invalid: the token is not a workspace token, or it was revoked");
    }
    ctx.attribute(RequestContext.WORKSPACE, t.get().workspaceId());
    ctx.attribute(RequestContext.TOKEN_ADMIN, t.get().adminId());
  }

  /**
   * The Intercom-Version header: absent, or a 2.x version such as "2.11" (whose shapes Tally
   * serves).
   */
  static final String VERSION_HEADER = "Intercom-Version";

  private static final java.util.regex.Pattern VERSION_2X =
      java.util.regex.Pattern.compile("2\\.[0-9]{1,2}");

  private static void checkVersion(Context ctx) {
    String v = ctx.header(VERSION_HEADER);
    if (v != null && !VERSION_2X.matcher(v.trim()).matches()) {
      throw TallyException.invalid(
          VERSION_HEADER,
          "Tally serves Intercom's API 2.11: the Intercom-Version header must be a 2.x version such as \"2.11\" (or absent), got "
              + TallyException.quote(v));
    }
  }

  private boolean isAdmin(String token) {
    String hash = Tokens.hash(token);
    if (envAdminTokenHash != null) {
      return Tokens.constantTimeEquals(hash, envAdminTokenHash);
    }
    return store.isAdminToken(hash);
  }

  /**
   * The token of {@code Authorization: Bearer <token>}, or of {@code Authorization: Basic
   * base64(<token>:)}: the token as the user name and an empty password, as Intercom accepts it and
   * intercom-client 4 and 5 send it.
   */
  static String bearer(Context ctx) {
    String auth = ctx.header("Authorization");
    if (auth == null || auth.isBlank()) {
      throw unauthorized("Access Token Invalid: send the token as Authorization: Bearer <token>");
    }
    if (auth.regionMatches(true, 0, "Basic ", 0, 6)) {
      return basic(auth.substring(6).trim());
    }
    if (!auth.regionMatches(true, 0, "Bearer ", 0, 7) || auth.substring(7).isBlank()) {
      throw unauthorized(
          "Access Token Invalid: the Authorization header must be \"Bearer <token>\" (or \"Basic\" with the token as the user name)");
    }
    return auth.substring(7).trim();
  }

  private static String basic(String credentials) {
    String decoded;
    try {
      decoded =
          new String(
              java.util.Base64.getDecoder().decode(credentials),
              java.nio.charset.StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw unauthorized(
          "Access Token Invalid: Basic credentials must be base64 of \"<token>:\" (the token as the user name, an empty password)");
    }
    int colon = decoded.indexOf(':');
    String user = colon < 0 ? decoded : decoded.substring(0, colon);
    if (colon < 0 || user.isBlank() || colon != decoded.length() - 1) {
      throw unauthorized(
          "Access Token Invalid: Basic credentials must be \"<token>:\" (the token as the user name, an empty password)");
    }
    return user;
  }

  private static TallyException unauthorized(String message) {
    return new TallyException(TallyException.Kind.UNAUTHORIZED, "unauthorized", null, message);
  }

  private void after(Context ctx) {
    if (ctx.attribute("tally.counted") != null) {
      inFlight.decrementAndGet();
      ctx.attribute("tally.counted", null);
    }
    Long started = ctx.attribute(STARTED);
    if (started != null) {
      String route = ctx.endpointHandlerPath();
      metrics.observe(
          ctx.method().name(),
          route == null || route.isEmpty() ? "unmatched" : route,
          ctx.statusCode(),
          (System.nanoTime() - started) / 1e9);
    }
  }

  private void ready(Context ctx) {
    List<String> reasons = new ArrayList<>();
    if (draining) {
      reasons.add("shutting down: finishing in-flight requests, taking no new ones");
    }
    String store = this.store.unhealthyReason();
    if (store != null) {
      reasons.add("store: " + store);
    }
    // While the store is away the index's readiness cannot be judged (it is measured against the
    // store); readiness still answers, with the reasons, rather than failing as a whole.
    IndexReadiness.State index;
    try {
      index = search.readiness().refresh();
    } catch (RuntimeException | AssertionError e) {
      // AssertionError too: Lucene's assertions (on under tests) trip on a corrupt index, which
      // otherwise turned readiness into a bare 500 with no reason while the healer was at work.
      index = search.readiness().current();
      reasons.add("index: readiness could not be checked: " + e.getMessage());
    }
    reasons.addAll(index.reasons());
    ObjectNode o = Json.object();
    o.put("status", reasons.isEmpty() ? "ready" : "not_ready");
    reasons.forEach(o.putArray("reasons")::add);
    o.put("oplog_head", Long.toString(index.head()));
    o.put("projector", projectorRole.get());
    ArrayNode warnings = o.putArray("warnings");
    try { // the store may be away: readiness still answers, with the reasons above
      o.put("oplog_floor", Long.toString(this.store.oplogFloor()));
      String snapshotWarning = indexes.snapshotWarning(java.time.Instant.now());
      if (snapshotWarning != null) {
        warnings.add(snapshotWarning);
      }
      String layoutWarning = indexes.layoutWarning();
      if (layoutWarning != null) {
        warnings.add(layoutWarning);
      }
      java.util.Set<Long> paused = this.store.messagingPaused();
      if (!paused.isEmpty()) {
        warnings.add(
            paused.contains(0L)
                ? "messaging: paused for every workspace (kill switch): sends stay queued and "
                    + "nothing is delivered; POST /admin/messaging/resume delivers again"
                : "messaging: paused for "
                    + paused.size()
                    + " workspace(s) (kill switch): their sends stay queued; GET /admin/messaging"
                    + " lists them");
      }
      o.set("messaging", messaging.toJson(this.store, System.currentTimeMillis()));
    } catch (RuntimeException e) {
      o.putNull("oplog_floor");
    }
    ObjectNode ix = o.putObject("index");
    ix.put("visible_position", Long.toString(index.visible()));
    ix.put("applied_position", Long.toString(index.applied()));
    ix.put("lag_positions", index.lagPositions());
    ix.put("lag_seconds", index.lagSeconds());
    engines.writeTo(o, ix);
    ArrayNode counts = ix.putArray("workspaces");
    index
        .counts()
        .forEach(
            c ->
                counts
                    .addObject()
                    .put("id", Long.toString(c.workspaceId()))
                    .put("index_documents", c.index())
                    .put("store_documents", c.store()));
    RequestContext.json(ctx, reasons.isEmpty() ? 200 : 503, o);
  }

  private static ObjectNode rebuildJson(RebuildRunner.Status s) {
    ObjectNode o =
        Json.object()
            .put("type", "index.rebuild")
            .put("state", s.state().wire())
            .put("documents", s.documents())
            .put("total", s.total())
            .put("rate", Math.round(s.rate()));
    o.put("generation", s.generation());
    o.put("error", s.error());
    o.put("source", s.source());
    ObjectNode phases = o.putObject("phases");
    s.phases().forEach((k, v) -> phases.put(k, Math.round(v * 1000) / 1000.0));
    return o;
  }

  private static ObjectNode planJson(LayoutPlan p) {
    ObjectNode o =
        Json.object()
            .put("type", "index.plan")
            .put("generation", p.generation())
            .put("layout", p.layout())
            .put("target_layout", p.targetLayout())
            .put("changes", p.changes());
    ArrayNode steps = o.putArray("steps");
    p.steps()
        .forEach(
            st ->
                steps
                    .addObject()
                    .put("step", st.step())
                    .put("action", st.action())
                    .put("destructive", st.destructive()));
    o.put(
        "note",
        p.changes()
            ? "tally apply carries these out, create before destroy; the serving index is untouched until step 5"
            : "the serving index already has the layout this Tally writes; nothing to do");
    return o;
  }

  private static ObjectNode snapshotJson(IndexEngine.SnapshotInfo s) {
    return Json.object()
        .put("type", "index.snapshot")
        .put("name", s.name())
        .put("position", Long.toString(s.position()))
        .put("taken_at", s.takenAt().getEpochSecond())
        .put("bytes", s.bytes());
  }

  private static String requestId(Context ctx) {
    String id = ctx.attribute(REQUEST_ID);
    return id == null ? "req_unknown" : id;
  }

  private void error(Context ctx, TallyException e) {
    ctx.attribute(ERROR_WRITTEN, Boolean.TRUE);
    if (e.kind() == TallyException.Kind.INTERNAL) {
      // A bug, not an outage: logged with its stack, and no Retry-After, since the same request
      // would fail again.
      LOG.atError()
          .setCause(e.getCause() == null ? e : e.getCause())
          .addKeyValue("request_id", requestId(ctx))
          .addKeyValue("code", e.code())
          .addKeyValue("path", ctx.path())
          .log(e.getMessage());
    } else if (e.kind().status >= 500) {
      LOG.atWarn()
          .addKeyValue("request_id", requestId(ctx))
          .addKeyValue("code", e.code())
          .addKeyValue("path", ctx.path())
          .log(e.getMessage());
      if (e.kind() == TallyException.Kind.UNAVAILABLE) {
        ctx.header("Retry-After", "1");
      }
    }
    ObjectNode o = Json.object();
    o.put("type", "error.list");
    o.put("request_id", requestId(ctx));
    ObjectNode err = o.putArray("errors").addObject();
    err.put("code", e.code());
    err.put("message", e.getMessage());
    if (e.field() != null) {
      err.put("field", e.field());
    }
    RequestContext.json(ctx, e.kind().status, o);
  }

  private static TallyException.Kind kindFor(int status) {
    return switch (status) {
      case 413 -> TallyException.Kind.PAYLOAD_TOO_LARGE;
      case 404 -> TallyException.Kind.NOT_FOUND;
      case 401 -> TallyException.Kind.UNAUTHORIZED;
      default -> status >= 500 ? TallyException.Kind.INTERNAL : TallyException.Kind.BAD_REQUEST;
    };
  }
}
