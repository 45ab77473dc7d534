package dev.tally.core.index;

/**
 * The search index: derived from the store, disposable, and written only by the projector and the
 * recovery machinery ("the store is the truth; the index is derived", docs/invariants.md).
 *
 * <p>Contract: {@link #apply} is idempotent and monotonic by document version; the position a batch
 * reaches is recorded with the data, so after a crash {@link #appliedPosition} names a point from
 * which replaying the oplog converges; searches see only one workspace.
 */
public interface SearchIndex extends AutoCloseable, dev.tally.core.verify.VersionSource {

  /** The oplog position up to which everything is applied and durable in the index. */
  long appliedPosition();

  /** The position whose changes searches can already see (may run ahead of the durable one). */
  long visiblePosition();

  void apply(IndexBatch batch);

  /**
   * Adds current documents to an index that is being built and not yet searched (a rebuild before
   * its catch-up): no version checks, no searcher refresh, safe to call from several threads. The
   * catch-up that follows goes through {@link #apply} and so restores every guarantee.
   */
  void load(java.util.List<ContactDocument> documents);

  /**
   * Makes what has been applied durable, with its position, when the commit interval has passed.
   */
  void maybeCommit();

  /** Makes everything applied so far durable, with the position it reaches, now. */
  void commit();

  SearchPage search(SearchRequest request);

  /** Documents of a workspace that searches can see. */
  long count(long workspaceId);

  @Override
  void close();
}
