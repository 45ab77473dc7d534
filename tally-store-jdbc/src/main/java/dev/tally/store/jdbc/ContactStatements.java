package dev.tally.store.jdbc;

import dev.tally.core.model.EventInput;
import java.sql.SQLException;
import java.util.List;

/**
 * How a contact's rows are written: the document, its identities, an event with its summary, and
 * the oplog entry of each, inside the batch's transaction. {@link JdbcWriteTx} decides what to
 * write; an implementation decides in how many statements. Each method writes all or nothing: when
 * an identity is held by another contact, or the workspace is gone, it writes nothing and says so.
 * Writes run under the batch's write lock, so what a statement reads is current.
 */
public interface ContactStatements {

  /** What a write did: the row's id and its last oplog position; or nothing, and why. */
  record Result(long id, long position, Identity held, long holder, boolean noWorkspace) {
    public static Result written(long id, long position) {
      return new Result(id, position, null, 0, false);
    }

    public static Result heldBy(Identity held, long holder) {
      return new Result(0, 0, held, holder, false);
    }

    public static Result workspaceGone() {
      return new Result(0, 0, null, 0, true);
    }

    public static Result none() {
      return new Result(0, 0, null, 0, false);
    }
  }

  /**
   * Inserts a contact (version 1) with its identities, unless one is held or the workspace is gone.
   */
  Result insert(Sql db, long ws, String doc, List<Identity> claims, long now) throws SQLException;

  /**
   * Replaces a contact's document, releasing and claiming identities, unless a claimed one is held.
   */
  Result update(
      Sql db,
      long ws,
      long id,
      long version,
      String doc,
      List<Identity> releases,
      List<Identity> claims,
      long now)
      throws SQLException;

  /**
   * Records an event, counts it in the contact's summary and raises the contact to {@code version};
   * {@link Result#none()} when the same (contact, name, created_at) was recorded before.
   */
  Result insertEvent(Sql db, long ws, long contactId, long version, EventInput e, long now)
      throws SQLException;
}
