package dev.tally.server.search;

import dev.tally.core.query.Field;
import dev.tally.core.store.Store;
import dev.tally.core.store.WriteTx;
import dev.tally.server.schedule.Scheduler;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finishes tag and company deletions. DELETE /tags/{id} (/companies/{id}) marks it deleted in one
 * transaction (from then on no reader sees it on a contact and no search matches it); this takes it
 * off its contacts in bounded batches, each its own transaction that raises the contacts' versions
 * with oplog entries, so the projector re-projects them and no transaction grows with the tag's
 * (company's) size. Its row goes with the last batch. Runs every second; a deletion a crash
 * interrupted is finished after the restart, since what is left to do is in the store (rows with
 * deleted_at), not in memory.
 */
public final class MemberPurger implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(MemberPurger.class);

  /** Contacts re-projected per transaction. */
  public static final int BATCH = 500;

  private final Store store;
  private final int batch;
  private Scheduler.Task task;

  public MemberPurger(Store store, int batch) {
    this.store = store;
    this.batch = batch;
  }

  public MemberPurger start(Scheduler scheduler) {
    task = scheduler.every("member-purger", Duration.ZERO, Duration.ofSeconds(1), this::drain);
    return this;
  }

  /** Runs batches until no deletion waits; returns how many contacts lost a deleted member. */
  public long drain() {
    long contacts = 0;
    for (Field.Members.Kind kind : Field.Members.Kind.values()) {
      contacts += drain(kind);
    }
    return contacts;
  }

  private long drain(Field.Members.Kind kind) {
    if (store.pendingDeletions(kind) == 0) {
      return 0;
    }
    long contacts = 0;
    while (true) {
      WriteTx.Purge p = store.write(tx -> tx.purgeDeleted(kind, batch)).value();
      if (p == WriteTx.Purge.NONE || p.id() == 0) {
        return contacts;
      }
      contacts += p.contacts();
      if (p.finished()) {
        LOG.atInfo()
            .addKeyValue("workspace", p.workspaceId())
            .addKeyValue(kind.noun, p.id())
            .log("deleted " + kind.noun + " taken off its last contacts");
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
