package dev.tally.server.messaging;

import dev.tally.core.store.Store;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where a fan-out has read the oplog to, kept in the store under a name: the position to read
 * after, for event and segment-entry fan-out alike.
 */
final class OplogCursor {
  private static final Logger LOG = LoggerFactory.getLogger(OplogCursor.class);

  private OplogCursor() {}

  /**
   * The position to read the oplog after, or -1 when there is nothing to read: never started, or no
   * running campaign listens ({@code listening} false). Then the cursor is moved to the head (only
   * entries after a campaign's start concern it), written only when it moves so that an idle Tally
   * writes nothing. A cursor behind the oplog's retention floor jumps to the floor, with a warning
   * that names {@code what} was never looked at.
   */
  static long start(Store store, String name, boolean listening, String what) {
    long cursor = store.messagingCursor(name).orElse(-1);
    if (cursor < 0 || !listening) {
      long head = store.head();
      if (head != cursor) {
        store.write(
            tx -> {
              tx.setMessagingCursor(name, head);
              return null;
            });
      }
      return -1;
    }
    long floor = store.oplogFloor();
    if (cursor < floor) {
      LOG.atWarn()
          .addKeyValue("cursor", name)
          .addKeyValue("position", cursor)
          .addKeyValue("floor", floor)
          .log(
              "fan-out fell behind the oplog's retention: "
                  + what
                  + " up to the floor were never looked at");
      return floor;
    }
    return cursor;
  }
}
