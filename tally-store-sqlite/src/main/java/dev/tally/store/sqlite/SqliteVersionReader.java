package dev.tally.store.sqlite;

import dev.tally.core.TallyException;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import dev.tally.core.verify.VersionSource;
import dev.tally.store.jdbc.JdbcReads;
import dev.tally.store.jdbc.Sql;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.SQLException;
import java.util.List;
import org.sqlite.SQLiteConfig;

/**
 * A read-only view of a store's contact versions, for verifying the data directory of a Tally that
 * is serving it: a plain read-only connection (WAL lets it read beside the writer), no lock, no
 * migration, no writer.
 */
public final class SqliteVersionReader implements VersionSource, AutoCloseable {
  private final Sql db;
  private final Path file;

  private SqliteVersionReader(Sql db, Path file) {
    this.db = db;
    this.file = file;
  }

  public static SqliteVersionReader open(Path database) {
    if (!Files.exists(database)) {
      throw TallyException.invalid("data", "no store at " + database);
    }
    SQLiteConfig config = new SQLiteConfig();
    config.setReadOnly(true);
    config.setBusyTimeout(10_000);
    try {
      return new SqliteVersionReader(
          new Sql(config.createConnection("jdbc:sqlite:" + database)), database);
    } catch (SQLException e) {
      throw TallyException.unavailable(
          "store_unavailable", "cannot open " + database + " read-only: " + e.getMessage(), e);
    }
  }

  /** The newest oplog position. */
  public long head() {
    return read(
        () -> {
          Long h = db.queryLong("SELECT COALESCE(MAX(position), 0) FROM oplog");
          return h == null ? 0 : h;
        });
  }

  @Override
  public List<VersionDigest> versionDigests() {
    return read(() -> new JdbcReads(SqliteDialect.INSTANCE).versionDigests(db));
  }

  @Override
  public List<IdVersion> versions(long fromId, long toId) {
    return read(() -> new JdbcReads(SqliteDialect.INSTANCE).versions(db, fromId, toId));
  }

  private interface Query<T> {
    T run() throws SQLException;
  }

  private <T> T read(Query<T> q) {
    try {
      return q.run();
    } catch (SQLException e) {
      throw TallyException.unavailable(
          "store_unavailable", "cannot read " + file + ": " + e.getMessage(), e);
    }
  }

  @Override
  public void close() {
    db.close();
  }
}
