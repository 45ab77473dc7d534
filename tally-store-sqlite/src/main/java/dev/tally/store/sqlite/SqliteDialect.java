package dev.tally.store.sqlite;

import dev.tally.store.jdbc.Dialect;
import dev.tally.store.jdbc.Outage;
import dev.tally.store.jdbc.PortableContactStatements;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.Collection;
import java.util.stream.Collectors;
import org.sqlite.SQLiteException;

/**
 * SQLite's differences. A statement costs no round trip here (SQLite runs in the process), so a
 * contact's rows are written one statement per step; sets of ids are bound as one JSON array.
 */
enum SqliteDialect implements Dialect {
  INSTANCE;

  // INDEXED BY: the covering (id, version) index of live contacts (V11: partial, WHERE archived_at
  // IS NULL, with archived_at in it so that SQLite sees it covers the query), so no document page
  // is
  // read and archived contacts are not counted.
  private static final Forms FORMS =
      new Forms(
          "%s IN (SELECT value FROM json_each(?))",
          "(SELECT id, version FROM contacts INDEXED BY contacts_versions WHERE archived_at IS NULL)"
              + " AS live",
          "json_group_array(json_array(%s))",
          new PortableContactStatements());

  /**
   * By SQLite's primary result code: busy and locked, a full disk, I/O errors and files it cannot
   * open are outages.
   */
  @Override
  public Outage outage(SQLException e) {
    if (!(e instanceof SQLiteException se)) {
      return null;
    }
    return switch (se.getResultCode().code & 0xff) {
      case 5, 6 -> Outage.BUSY; // SQLITE_BUSY, SQLITE_LOCKED
      case 13 -> Outage.FULL; // SQLITE_FULL
      case 10, 14 -> Outage.IO; // SQLITE_IOERR, SQLITE_CANTOPEN
      case 8 -> Outage.READ_ONLY; // SQLITE_READONLY (the file or its directory became read-only)
      default -> null;
    };
  }

  @Override
  public Object idSet(Connection c, Collection<Long> ids) {
    return ids.stream().map(String::valueOf).collect(Collectors.joining(",", "[", "]"));
  }

  @Override
  public Forms forms() {
    return FORMS;
  }
}
