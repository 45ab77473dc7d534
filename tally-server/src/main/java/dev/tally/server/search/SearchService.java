package dev.tally.server.search;

import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.DataAttribute;
import dev.tally.core.model.FieldType;
import dev.tally.core.query.Field;
import dev.tally.core.query.MemberFilters;
import dev.tally.core.query.Query;
import dev.tally.core.query.QueryLimits;
import dev.tally.core.query.QueryParser;
import dev.tally.core.store.Store;
import java.time.Duration;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;

/**
 * Contact search: parse the query against the workspace's attributes, refuse to answer from an
 * index that is not ready (503, never a silently empty result), optionally wait until the index has
 * applied a given position, then search and load the hits' current documents from the store.
 */
public final class SearchService {
  private final Store store;
  private final SearchIndex index;
  private final IndexReadiness readiness;
  private final QueryLimits limits;
  private final Duration minPositionTimeout;
  private final InstantSource clock;
  private final SearchPool pool;
  private volatile java.util.function.BooleanSupplier currentLayout = () -> true;

  public SearchService(
      Store store,
      SearchIndex index,
      IndexReadiness readiness,
      QueryLimits limits,
      Duration minPositionTimeout,
      InstantSource clock,
      SearchPool pool) {
    this.pool = pool;
    this.store = store;
    this.index = index;
    this.readiness = readiness;
    this.limits = limits;
    this.minPositionTimeout = minPositionTimeout;
    this.clock = clock;
  }

  /**
   * Tells whether the serving index has the layout this Tally writes. An index of an older layout
   * keeps serving until `tally apply`, but it may lack fields newer queries name (tag_id), and a
   * query that names one is refused with 503 rather than answered wrongly.
   */
  public SearchService layoutCheck(java.util.function.BooleanSupplier currentLayout) {
    this.currentLayout = currentLayout;
    return this;
  }

  public SearchPool pool() {
    return pool;
  }

  public IndexReadiness readiness() {
    return readiness;
  }

  /**
   * One page of results: contact documents in order (with their live tags and companies), the
   * total, where the next page starts (null at the end) and the position searched.
   */
  public record Result(
      List<ContactDocument> documents, long total, SearchRequest.Cursor next, long position) {}

  /** A parser that knows the workspace's custom attributes and segments. */
  public QueryParser parser(long workspaceId) {
    return new QueryParser(
        limits,
        attributeTypes(workspaceId)::get,
        id -> store.segment(workspaceId, id).orElse(null));
  }

  /** A parser for a segment's own query: the workspace's attributes, no segment_id. */
  public QueryParser segmentQueryParser(long workspaceId) {
    return new QueryParser(limits, attributeTypes(workspaceId)::get);
  }

  private Map<String, FieldType> attributeTypes(long workspaceId) {
    Map<String, FieldType> types = new HashMap<>();
    for (DataAttribute a : store.dataAttributes(workspaceId, DataAttribute.MODEL_CONTACT)) {
      types.put(a.name(), a.type());
    }
    return types;
  }

  /** How many contacts of the workspace match (the index's count; no contact is read). */
  public long count(long workspaceId, Query query) {
    requireReady(workspaceId);
    SearchPage page = searchIndex(workspaceId, liveMembersOnly(workspaceId, query), null, 1, null);
    return page.total();
  }

  /**
   * One page of the ids of the workspace's contacts that match, in id order, from an index that has
   * applied at least {@code minPosition} (waiting for it as a search with Tally-Min-Position does)
   * and is ready for the workspace: what fan-out reads, no document with it.
   */
  public SearchPage ids(
      long workspaceId, Query query, int limit, SearchRequest.Cursor after, long minPosition) {
    awaitPosition(minPosition);
    requireReady(workspaceId);
    return searchIndex(workspaceId, liveMembersOnly(workspaceId, query), null, limit, after);
  }

  public Result search(
      long workspaceId,
      Query query,
      SearchRequest.Sort sort,
      int perPage,
      SearchRequest.Cursor after,
      Long minPosition) {
    if (minPosition != null) {
      awaitPosition(minPosition);
    }
    requireReady(workspaceId);
    Query q = liveMembersOnly(workspaceId, query);
    long position = index.visiblePosition();
    SearchPage page = searchIndex(workspaceId, q, sort, perPage, after);
    Map<Long, ContactDocument> byId = new HashMap<>();
    for (ContactDocument d : store.documents(page.ids())) {
      if (d.contact().workspaceId() == workspaceId) {
        byId.put(d.contact().id(), d);
      }
    }
    List<ContactDocument> documents = new ArrayList<>(page.ids().size());
    for (long id : page.ids()) {
      ContactDocument d = byId.get(id);
      if (d != null) { // deleted since the index saw it
        documents.add(d);
      }
    }
    return new Result(documents, page.total(), page.next(), position);
  }

  /**
   * The query with tag_id and company_id filters kept to live tags and companies: a deleted one
   * never matches, even while its contacts are still being re-projected. 503 when the serving
   * index's layout has no such field.
   */
  private Query liveMembersOnly(long workspaceId, Query query) {
    for (Field.Members.Kind kind : Field.Members.Kind.values()) {
      if (MemberFilters.ids(query, kind).isEmpty()) {
        continue;
      }
      if (!currentLayout.getAsBoolean()) {
        throw TallyException.unavailable(
            "index_layout_old",
            "searching by "
                + kind.path
                + " needs the index layout this Tally writes, and the serving index has an "
                + "older one (it keeps serving other searches); run tally plan, then tally apply",
            null);
      }
      query =
          MemberFilters.onlyLive(query, kind, ids -> store.liveMemberIds(workspaceId, kind, ids));
    }
    return query;
  }

  /** 503 unless the index may answer this workspace's searches (never a silently empty result). */
  private void requireReady(long workspaceId) {
    IndexReadiness.State state = readiness.current();
    if (!state.readyFor(workspaceId)) {
      state = readiness.refresh(); // the last verdict may predate a catch-up
    }
    if (!state.readyFor(workspaceId)) {
      throw TallyException.unavailable(
          "index_not_ready",
          "search is unavailable because the index is not ready: "
              + String.join("; ", state.reasons()),
          null);
    }
  }

  /** One search of the index on the search pool; index failures become 503s for the healer. */
  private SearchPage searchIndex(
      long workspaceId,
      Query query,
      SearchRequest.Sort sort,
      int perPage,
      SearchRequest.Cursor after) {
    try {
      long now = clock.instant().getEpochSecond();
      return pool.run(
          deadline ->
              index.search(
                  new SearchRequest(workspaceId, query, sort, perPage, after, now, deadline)));
    } catch (TallyException e) {
      throw e;
    } catch (RuntimeException | AssertionError e) {
      // A damaged index fails in odd ways (Lucene's own assertions included); the healer replaces
      // it.
      throw TallyException.unavailable(
          "index_damaged",
          "the search index failed to answer ("
              + e
              + "); Tally checks and heals the index, retry shortly",
          e);
    }
  }

  private void awaitPosition(long position) {
    if (index.visiblePosition() >= position) {
      return; // the common case, with no read of the store
    }
    if (position > store.head() && store.oplog(position - 1, 1).isEmpty()) {
      // No write has that position yet, so waiting cannot help (a head published just after its
      // commit is caught by the oplog read: the entry is there).
      throw TallyException.invalid(
          "Tally-Min-Position",
          "Tally-Min-Position "
              + position
              + " is above the store's newest oplog position "
              + store.head()
              + ": no write has it yet; send the Tally-Position a write answered with");
    }
    long deadline = System.nanoTime() + minPositionTimeout.toNanos();
    boolean refreshed = false;
    while (index.visiblePosition() < position) {
      if (!refreshed && index.appliedPosition() >= position) {
        // Applied and durable but not yet searchable (OpenSearch between refreshes): make it so now
        // rather than wait out the refresh interval. Lucene shows a batch before it is durable, so
        // never here.
        index.commit();
        refreshed = true;
        continue;
      }
      if (System.nanoTime() > deadline) {
        throw TallyException.unavailable(
            "index_behind",
            "the index has applied position "
                + index.visiblePosition()
                + ", not yet "
                + position
                + " (Tally-Min-Position), within "
                + minPositionTimeout.toMillis()
                + " ms",
            null);
      }
      LockSupport.parkNanos(2_000_000);
    }
  }
}
