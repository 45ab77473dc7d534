package dev.tally.store.sqlite;

import dev.tally.core.TallyException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import org.sqlite.SQLiteConfig;

/**
 * A consistent online copy of the store, taken with SQLite's backup API from a read connection of
 * its own, so it runs while a Tally process serves the same file (WAL lets the writer go on). The
 * copy is written beside the target and renamed into place, so a failed backup leaves no
 * half-written file under the target's name.
 */
public final class SqliteBackup {
  private SqliteBackup() {}

  public static void backup(Path database, Path target) {
    if (!Files.exists(database)) {
      throw TallyException.invalid("data", "no store at " + database);
    }
    Path tmp = target.resolveSibling(target.getFileName() + ".partial");
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try (Connection c = config.createConnection("jdbc:sqlite:" + database);
        Statement s = c.createStatement()) {
      Files.deleteIfExists(tmp);
      // The copy holds customers' data: the owner's only, from the first byte written.
      Files.createFile(tmp);
      dev.tally.core.PrivateFiles.ownerOnly(tmp);
      s.executeUpdate("backup to '" + tmp.toAbsolutePath().toString().replace("'", "''") + "'");
      dev.tally.core.PrivateFiles.ownerOnly(tmp);
      Files.move(
          tmp,
          target,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (SQLException | java.io.IOException e) {
      throw TallyException.unavailable(
          "backup_failed",
          "could not back up " + database + " to " + target + ": " + e.getMessage(),
          e);
    }
  }
}
