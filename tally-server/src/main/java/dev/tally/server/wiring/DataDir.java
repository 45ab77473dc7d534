package dev.tally.server.wiring;

import dev.tally.core.TallyException;
import dev.tally.store.sqlite.SqliteOptions;
import dev.tally.store.sqlite.SqliteStore;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * A data directory held by this process. The embedded store serves one process: its writer assigns
 * oplog positions in commit order only if nobody else writes. So whoever opens the store (the
 * server, or a CLI command on a stopped Tally) first takes {@code <data>/tally.lock}, and a second
 * process is told plainly who to talk to instead.
 */
public final class DataDir implements AutoCloseable {
  private final Path path;
  private final FileChannel channel;
  private final FileLock lock;

  private DataDir(Path path, FileChannel channel, FileLock lock) {
    this.path = path;
    this.channel = channel;
    this.lock = lock;
  }

  public static DataDir lock(Path path) throws IOException {
    boolean existed = Files.isDirectory(path);
    dev.tally.core.PrivateFiles.createDirectories(path);
    if (existed && dev.tally.core.PrivateFiles.openToOthers(path)) {
      org.slf4j.LoggerFactory.getLogger(DataDir.class)
          .atWarn()
          .addKeyValue("path", path.toAbsolutePath().toString())
          .log(
              "the data directory can be read by other users; it holds customers' data: chmod 700 it");
    }
    FileChannel channel =
        FileChannel.open(
            path.resolve("tally.lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileLock lock;
    try {
      lock = channel.tryLock();
    } catch (java.nio.channels.OverlappingFileLockException e) {
      lock = null; // held by this very process (tests run the CLI beside a server)
    } catch (IOException e) {
      channel.close();
      throw e;
    }
    if (lock == null) {
      channel.close();
      throw new InUseException(path);
    }
    return new DataDir(path, channel, lock);
  }

  public Path path() {
    return path;
  }

  /** Opens (creating and migrating as needed) the store in this directory. */
  public SqliteStore openStore(SqliteOptions options) {
    return SqliteStore.open(options);
  }

  public SqliteOptions storeOptions() {
    return SqliteOptions.defaults(path.resolve("tally.db"));
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      throw TallyException.unavailable(
          "data_dir", "could not release " + path.resolve("tally.lock") + ": " + e.getMessage(), e);
    }
  }

  /** Another process serves this data directory. */
  public static final class InUseException extends IOException {
    public InUseException(Path data) {
      super(
          "the data directory "
              + data.toAbsolutePath()
              + " is in use by another Tally process (lock "
              + data.resolve("tally.lock")
              + "); the embedded store serves one process: stop the other, or use --url to talk to it");
    }
  }
}
