package dev.tally.core.index;

import java.util.List;

/**
 * One step of projection: documents to bring up to (at least) their version, contacts that no
 * longer exist, workspaces that no longer exist, and the oplog position this batch reaches.
 * Applying a batch twice, or an older one after a newer one, changes nothing ("projection is
 * idempotent and monotonic", docs/invariants.md).
 */
public record IndexBatch(
    List<ContactDocument> upserts,
    List<Deletion> deletions,
    List<Long> deletedWorkspaces,
    long position) {

  /** A contact deleted at {@code version}: an index copy older than that goes. */
  public record Deletion(long workspaceId, long contactId, long version) {}

  public IndexBatch {
    upserts = List.copyOf(upserts);
    deletions = List.copyOf(deletions);
    deletedWorkspaces = List.copyOf(deletedWorkspaces);
  }
}
