package dev.tally.core.index;

/**
 * The serving index, which a rebuild can replace in one step. Applying and swapping take the same
 * lock, so the projector never applies a batch to an index that is being swapped out; searches read
 * the current delegate without locking.
 */
public final class SwappableIndex implements SearchIndex {
  private final Object lock = new Object();
  private volatile SearchIndex delegate;

  public SwappableIndex(SearchIndex initial) {
    this.delegate = initial;
  }

  public SearchIndex current() {
    return delegate;
  }

  /**
   * Runs {@code beforeSwap} (e.g. a final catch-up) while no batch can be applied, then swaps;
   * returns the old index.
   */
  public SearchIndex swap(SearchIndex replacement, Runnable beforeSwap) {
    synchronized (lock) {
      beforeSwap.run();
      SearchIndex old = delegate;
      delegate = replacement;
      return old;
    }
  }

  @Override
  public long appliedPosition() {
    return delegate.appliedPosition();
  }

  @Override
  public long visiblePosition() {
    return delegate.visiblePosition();
  }

  @Override
  public void apply(IndexBatch batch) {
    synchronized (lock) {
      delegate.apply(batch);
    }
  }

  @Override
  public void load(java.util.List<ContactDocument> documents) {
    throw new UnsupportedOperationException("the serving index is only written through apply");
  }

  @Override
  public java.util.List<dev.tally.core.verify.VersionDigest> versionDigests() {
    return current().versionDigests();
  }

  @Override
  public java.util.List<dev.tally.core.verify.IdVersion> versions(long fromId, long toId) {
    return current().versions(fromId, toId);
  }

  @Override
  public void commit() {
    synchronized (lock) {
      delegate.commit();
    }
  }

  @Override
  public void maybeCommit() {
    synchronized (lock) {
      delegate.maybeCommit();
    }
  }

  @Override
  public SearchPage search(SearchRequest request) {
    SearchIndex d = delegate;
    try {
      return d.search(request);
    } catch (IllegalStateException closed) {
      if (delegate == d) {
        throw closed;
      }
      return delegate.search(request); // swapped (and the old one closed) while this search started
    }
  }

  @Override
  public long count(long workspaceId) {
    SearchIndex d = delegate;
    try {
      return d.count(workspaceId);
    } catch (IllegalStateException closed) {
      if (delegate == d) {
        throw closed;
      }
      return delegate.count(workspaceId);
    }
  }

  @Override
  public void close() {
    synchronized (lock) {
      delegate.close();
    }
  }
}
