package dev.tally.index.opensearch;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.index.SearchTimedOut;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The shared search index: contacts in OpenSearch, reached through an alias so that a rebuild can
 * swap generations atomically. Several Tally processes may write at once: every document carries
 * its store version as an external version, so an older write — a replay, a late projector — is
 * refused by OpenSearch itself, and a deleted contact leaves a tombstone with its version (rather
 * than a real delete, which OpenSearch forgets after index.gc_deletes) so it cannot come back.
 *
 * <p>The applied oplog position lives in the index too, in a document written after the batch's
 * documents were all acknowledged, with the position as its external version (so it never moves
 * back). OpenSearch acknowledges a bulk only once its translog is fsynced, so what {@link
 * #appliedPosition} says is durable; after a crash, replay from it converges.
 *
 * <p>Freshness: documents become searchable at the next refresh, every {@link
 * OpenSearchOptions#refreshInterval()}; {@link #visiblePosition} estimates it from the time a batch
 * was acknowledged, and {@link #refresh} makes everything searchable at once (tests, rebuilds).
 */
public final class OpenSearchIndex implements SearchIndex, dev.tally.core.verify.ScannedVersions {
  private final OpenSearchOptions options;
  private final OpenSearchHttp http;
  private final BulkWriter bulk;
  private final OpenSearchGenerations generations;

  /** What searches and writes address: the alias, or a generation being built. */
  private final String target;

  private final boolean viaAlias;
  private final ArrayDeque<long[]> notYetVisible =
      new ArrayDeque<>(); // {position, acknowledged at (nanos)}
  private volatile long appliedPosition;
  private volatile long visiblePosition;
  private volatile boolean closed;

  /** Whether OpenSearch refreshes this index on its own (not while a generation is loaded). */
  private volatile boolean refreshing;

  private volatile long lastApplyNanos = System.nanoTime() - 10_000_000_000L;
  private final Thread follower;
  private final Object refreshLock = new Object();

  private OpenSearchIndex(
      OpenSearchOptions options, OpenSearchHttp http, String target, boolean viaAlias) {
    this.options = options;
    this.http = http;
    this.bulk = new BulkWriter(http, options);
    this.generations = new OpenSearchGenerations(http, options);
    this.target = target;
    this.viaAlias = viaAlias;
    this.appliedPosition = readPosition();
    // What was acknowledged just before a restart may not be refreshed yet: refresh once, so that
    // "visible" starts out true; if that fails, count it visible only after a refresh interval.
    this.visiblePosition = refreshedAtOpen(http, target) ? appliedPosition : 0;
    if (visiblePosition < appliedPosition) {
      notYetVisible.addLast(new long[] {appliedPosition, System.nanoTime()});
    }
    this.refreshing = viaAlias;
    this.follower =
        viaAlias
            ? Thread.ofVirtual().name("tally-opensearch-position").start(this::followOtherWriters)
            : null;
  }

  /**
   * The serving index behind {@code options.alias()}; creates generation 1 and the alias when there
   * is none.
   */
  public static OpenSearchIndex open(OpenSearchOptions options) {
    OpenSearchHttp http = new OpenSearchHttp(options);
    new OpenSearchGenerations(http, options).ensureServing();
    return new OpenSearchIndex(options, http, options.alias(), true);
  }

  /**
   * A new, empty generation beside the serving one, for a rebuild: loaded without refreshes, then
   * {@link #promote}d. Until then it serves no search of anyone else.
   */
  public static OpenSearchIndex createGeneration(OpenSearchOptions options) {
    OpenSearchHttp http = new OpenSearchHttp(options);
    String name = new OpenSearchGenerations(http, options).createNext();
    return new OpenSearchIndex(options, http, name, false);
  }

  /**
   * A generation that already exists (made by {@link #createGeneration} or by another process),
   * addressed by name.
   */
  public static OpenSearchIndex openGeneration(OpenSearchOptions options, String name) {
    OpenSearchHttp http = new OpenSearchHttp(options);
    return new OpenSearchIndex(options, http, name, false);
  }

  /** The position this generation holds, then closes this instance (for snapshots). */
  long appliedPositionAndClose() {
    try {
      return appliedPosition;
    } finally {
      close();
    }
  }

  /** The index name this instance writes to: the alias, or the generation it builds. */
  public String target() {
    return target;
  }

  /**
   * Makes this generation the serving one: its serving settings (replicas, refresh interval), one
   * refresh, then the alias moved onto it in one atomic request. Returns the generations that
   * served before; delete them with {@link #dropGeneration} once nothing reads them.
   */
  public List<String> promote() {
    if (viaAlias) {
      throw new IllegalStateException(
          "this index already serves through the alias " + options.alias());
    }
    List<String> previous = generations.promote(target);
    refresh();
    refreshing = true;
    return previous;
  }

  /** Deletes a generation that no longer serves (never the one behind the alias). */
  public void dropGeneration(String name) {
    generations.drop(name);
  }

  @Override
  public long appliedPosition() {
    return appliedPosition;
  }

  @Override
  public long visiblePosition() {
    long refreshNanos =
        options.refreshInterval().toNanos()
            + 1_000_000_000L; // one interval plus a refresh's own time
    synchronized (notYetVisible) {
      long now = System.nanoTime();
      while (!notYetVisible.isEmpty()
          && refreshing
          && now - notYetVisible.peekFirst()[1] >= refreshNanos) {
        visiblePosition = Math.max(visiblePosition, notYetVisible.pollFirst()[0]);
      }
    }
    return visiblePosition;
  }

  /**
   * Where another Tally process applies the oplog (it holds the projector lease), this one learns
   * the position from the index itself: re-read four times a second while this instance applies
   * nothing, in the background (an unreachable OpenSearch must not stall callers), and counted
   * visible one refresh interval after it was first seen.
   */
  private void followOtherWriters() {
    while (!closed) {
      try {
        Thread.sleep(250);
      } catch (InterruptedException e) {
        return;
      }
      long now = System.nanoTime();
      if (now - lastApplyNanos < 1_000_000_000L) {
        continue;
      }
      long stored;
      try {
        stored = readPosition();
      } catch (RuntimeException e) {
        continue; // unreachable: the position stays where it was; readiness reports the outage
      }
      if (stored > appliedPosition) {
        appliedPosition = stored;
        synchronized (notYetVisible) {
          notYetVisible.addLast(new long[] {stored, now});
        }
      }
    }
  }

  private static boolean refreshedAtOpen(OpenSearchHttp http, String target) {
    try {
      return http.send("POST", "/" + target + "/_refresh", (JsonNode) null).ok();
    } catch (RuntimeException e) {
      return false;
    }
  }

  /** Makes everything applied so far searchable now. */
  public void refresh() {
    long applied = appliedPosition;
    synchronized (refreshLock) { // many searches waiting for one position share one refresh
      if (visiblePosition >= applied) {
        return;
      }
      http.expectOk("POST", "/" + target + "/_refresh", null);
      markVisible(applied);
    }
  }

  private void markVisible(long applied) {
    synchronized (notYetVisible) {
      notYetVisible.removeIf(p -> p[0] <= applied);
      visiblePosition = Math.max(visiblePosition, applied);
    }
  }

  @Override
  public synchronized void apply(IndexBatch batch) {
    checkOpen();
    lastApplyNanos = System.nanoTime();
    bulk.write(target, viaAlias, newestPerContact(batch));
    for (long ws : batch.deletedWorkspaces()) {
      deleteWorkspace(ws);
    }
    if (batch.position() > appliedPosition) {
      writePosition(batch.position());
      appliedPosition = batch.position();
      synchronized (notYetVisible) {
        notYetVisible.addLast(new long[] {batch.position(), System.nanoTime()});
      }
    }
  }

  /** One write per contact, its newest version in the batch (an upsert or a tombstone). */
  private static List<BulkWriter.Item> newestPerContact(IndexBatch batch) {
    Map<Long, BulkWriter.Item> newest = new HashMap<>();
    for (ContactDocument d : batch.upserts()) {
      keepNewer(
          newest,
          d.contact().id(),
          new BulkWriter.Item(
              Long.toString(d.contact().id()), d.contact().version(), DocumentMapper.live(d)));
    }
    for (IndexBatch.Deletion del : batch.deletions()) {
      keepNewer(
          newest,
          del.contactId(),
          new BulkWriter.Item(
              Long.toString(del.contactId()),
              del.version(),
              DocumentMapper.tombstone(del.workspaceId(), del.contactId(), del.version())));
    }
    return new ArrayList<>(newest.values());
  }

  private static void keepNewer(Map<Long, BulkWriter.Item> newest, long id, BulkWriter.Item item) {
    newest.merge(id, item, (a, b) -> a.version() >= b.version() ? a : b);
  }

  @Override
  public void load(List<ContactDocument> documents) {
    checkOpen();
    List<BulkWriter.Item> items = new ArrayList<>(documents.size());
    for (ContactDocument d : documents) {
      items.add(
          new BulkWriter.Item(
              Long.toString(d.contact().id()), d.contact().version(), DocumentMapper.live(d)));
    }
    bulk.write(
        target, viaAlias,
        items); // external versions here too: a later apply must still refuse an older version
  }

  /** Nothing to do: OpenSearch made each acknowledged bulk durable (translog fsync per request). */
  @Override
  public void maybeCommit() {}

  /** Durable already (see {@link #maybeCommit}); makes everything applied searchable now. */
  @Override
  public void commit() {
    refresh();
  }

  @Override
  public void eachLive(long fromId, long toId, java.util.function.BiConsumer<Long, Long> visit) {
    checkOpen();
    http.expectOk("POST", "/" + target + "/_refresh", null);
    JsonNode last = null;
    while (true) {
      ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
      ObjectNode range = QueryCompiler.range(Fields.ID, fromId, toId - 1);
      body.set("query", QueryCompiler.and(QueryCompiler.term(Fields.LIVE, true), range));
      body.put("size", 10_000).put("_source", false).put("track_total_hits", false);
      body.putArray("docvalue_fields").add(Fields.ID).add(Fields.VERSION);
      body.putArray("sort").addObject().put(Fields.ID, "asc");
      if (last != null) {
        body.putArray("search_after").add(last);
      }
      JsonNode hits = searchOne(body).path("hits").path("hits");
      for (JsonNode h : hits) {
        visit.accept(
            h.path("fields").path(Fields.ID).get(0).asLong(),
            h.path("fields").path(Fields.VERSION).get(0).asLong());
      }
      if (hits.size() < 10_000) {
        return;
      }
      last = hits.get(hits.size() - 1).path("sort").get(0);
    }
  }

  @Override
  public SearchPage search(SearchRequest r) {
    checkOpen();
    if (r.pastDeadline()) {
      throw new SearchTimedOut("the search's deadline passed before it started");
    }
    ObjectNode query = new QueryCompiler(r.nowSeconds()).compile(r.workspaceId(), r.query());
    Pager pager = new Pager(r.sort());
    if (pager.byIdOnly()) {
      JsonNode answer = searchOne(withTimeout(pager.byId(query, r.after(), r.limit()), r));
      timedOut(answer);
      return pager.byIdResult(answer, r.limit());
    }
    List<ObjectNode> bodies = pager.byField(query, r.after(), r.limit());
    bodies.forEach(b -> withTimeout(b, r));
    List<JsonNode> answers = multiSearch(bodies);
    answers.forEach(OpenSearchIndex::timedOut);
    return pager.byFieldResult(answers.get(0), answers.get(1), r.limit());
  }

  /** OpenSearch stops collecting at the request's deadline and says so with timed_out. */
  private static ObjectNode withTimeout(ObjectNode body, SearchRequest r) {
    long ms = r.millisLeft();
    if (ms >= 0) {
      body.put("timeout", ms + "ms");
    }
    return body;
  }

  /** A timed-out answer is partial: never answered, and said so. */
  private static void timedOut(JsonNode answer) {
    if (answer.path("timed_out").asBoolean(false)) {
      throw new SearchTimedOut("OpenSearch stopped the search at its deadline (timed_out)");
    }
  }

  @Override
  public long count(long workspaceId) {
    checkOpen();
    ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
    body.set("query", QueryCompiler.scope(workspaceId));
    return readOk("POST", "/" + target + "/_count", body).path("count").asLong();
  }

  @Override
  public void close() {
    closed = true;
    if (follower != null) {
      follower.interrupt();
    }
    http.close();
  }

  private JsonNode searchOne(ObjectNode body) {
    return readOk("POST", "/" + target + "/_search", body);
  }

  private List<JsonNode> multiSearch(List<ObjectNode> bodies) {
    StringBuilder sb = new StringBuilder();
    for (ObjectNode b : bodies) {
      sb.append("{}\n").append(b).append('\n');
    }
    String path = "/" + target + "/_msearch";
    OpenSearchHttp.Response r = http.send("POST", path, sb.toString(), "application/x-ndjson");
    checkSearch(path, r);
    List<JsonNode> answers = new ArrayList<>();
    for (JsonNode answer : r.body().path("responses")) {
      checkSearch(path, new OpenSearchHttp.Response(answer.path("status").asInt(200), answer));
      answers.add(answer);
    }
    return answers;
  }

  private JsonNode readOk(String method, String path, ObjectNode body) {
    OpenSearchHttp.Response r = http.send(method, path, body);
    checkSearch(path, r);
    return r.body();
  }

  /**
   * A missing index is an outage (503, retriable); a query OpenSearch cannot run names the problem.
   */
  private void checkSearch(String path, OpenSearchHttp.Response r) {
    if (r.ok() && !r.body().has("error")) {
      return;
    }
    String type = r.body().path("error").path("type").asText();
    String all = r.body().path("error").toString();
    if (r.status() == 404 || type.equals("index_not_found_exception")) {
      throw TallyException.unavailable(
          "index_missing",
          "the OpenSearch index "
              + target
              + " does not exist at "
              + http.url()
              + " (deleted?); searches wait for a rebuild",
          null);
    }
    if (all.contains("too_many_clauses") || all.contains("too_many_nested_clauses")) {
      throw TallyException.invalid(
          "query",
          "the query has too many conditions for OpenSearch ("
              + OpenSearchHttp.reason(r.body())
              + "); split it");
    }
    throw http.failure("POST", path, r);
  }

  /**
   * Removes every document of a workspace, page by page in id order. Not _delete_by_query: that
   * lives in the reindex module, which minimal distributions (such as the test one) lack.
   */
  private void deleteWorkspace(long workspaceId) {
    http.expectOk(
        "POST", "/" + target + "/_refresh", null); // searches see only refreshed documents
    JsonNode last = null;
    while (true) {
      ObjectNode body = OpenSearchHttp.JSON.createObjectNode();
      body.set("query", QueryCompiler.term(Fields.WORKSPACE, Long.toString(workspaceId)));
      body.put("size", 1000).put("_source", false);
      body.putArray("sort").addObject().put(Fields.ID, "asc");
      if (last != null) {
        body.putArray("search_after").add(last);
      }
      JsonNode hits = searchOne(body).path("hits").path("hits");
      if (hits.isEmpty()) {
        return;
      }
      List<String> ids = new ArrayList<>();
      hits.forEach(h -> ids.add(h.path("_id").asText()));
      bulk.delete(target, viaAlias, ids);
      last = hits.get(hits.size() - 1).path("sort").get(0);
    }
  }

  private void writePosition(long position) {
    ObjectNode doc = OpenSearchHttp.JSON.createObjectNode().put(Fields.POSITION, position);
    String path =
        "/"
            + target
            + "/_doc/"
            + Fields.POSITION_DOC
            + "?version="
            + position
            + "&version_type=external"
            + (viaAlias ? "&require_alias=true" : "");
    OpenSearchHttp.Response r = http.send("PUT", path, doc);
    if (!r.ok() && r.status() != 409) { // 409: another writer already recorded a later position
      throw http.failure("PUT", path, r);
    }
  }

  private long readPosition() {
    String path = "/" + target + "/_doc/" + Fields.POSITION_DOC;
    OpenSearchHttp.Response r = http.send("GET", path, (JsonNode) null);
    if (r.status() == 404 && r.body().path("found").isBoolean()) {
      return 0; // the index exists but has no position yet
    }
    if (!r.ok()) {
      checkSearch(path, r);
    }
    return r.body().path("_source").path(Fields.POSITION).asLong();
  }

  private void checkOpen() {
    if (closed) {
      throw new IllegalStateException("the OpenSearch index " + target + " is closed");
    }
  }
}
