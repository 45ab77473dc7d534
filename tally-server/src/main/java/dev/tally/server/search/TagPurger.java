package dev.tally.server.search;

import dev.tally.core.store.Store;
import dev.tally.core.store.WriteTx;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes tag deletions. DELETE /tags/{id} marks the tag deleted in one transaction (from then on
 * no reader sees it on a contact and no search matches it); this takes the tag off its contacts in
 * bounded batches, each its own transaction that raises the contacts' versions with oplog entries,
 * so the projector re-projects them and no transaction grows with the tag's size. The tag's row
 * goes with the last batch. Runs every second; a deletion a crash interrupted is finished after the
 * restart, since what is left to do is in the store (tags with deleted_at), not in memory.
 */
public final class TagPurger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(TagPurger.class);

  /** Contacts re-projected per transaction. */
  public static final int BATCH = 500;

  private final Store store;
  private final int batch;
  private Scheduler.Task task;

  public TagPurger(Store store, int batch) {
    this.store = store;
    this.batch = batch;
  }

  public TagPurger start(Scheduler scheduler) {
    task = scheduler.every("tag-purger", Duration.ZERO, Duration.ofSeconds(1), this::drain);
    return this;
  }

  /** Runs batches until no deleted tag waits; returns how many contacts lost a deleted tag. */
  public long drain() {
    if (store.pendingTagDeletions() == 0) {
      return 0;
    }
    long contacts = 0;
    while (true) {
      WriteTx.TagPurge p = store.write(tx -> tx.purgeDeletedTag(batch)).value();
      if (p == WriteTx.TagPurge.NONE || p.tagId() == 0) {
        return contacts;
      }
      contacts += p.contacts();
      if (p.finished()) {
        LOG.atInfo()
            .addKeyValue("workspace", p.workspaceId())
            .addKeyValue("tag", p.tagId())
            .log("deleted tag taken off its last contacts");
      }
    }
  }

  @Override
  public void close() {
    if (task != null) {
      task.close();
    }
  }
}
