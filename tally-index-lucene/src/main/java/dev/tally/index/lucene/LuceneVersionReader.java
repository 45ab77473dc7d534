package dev.tally.index.lucene;

import dev.tally.core.TallyException;
import java.io.IOException;
import java.nio.file.Path;
import org.apache.lucene.index.DirectoryReader;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;

/**
 * A read-only view of an index's committed documents, for verifying the index of a Tally that is
 * serving it (a reader beside the writer needs no lock). Each call first reopens onto the newest
 * commit, so {@link #position()} and the versions describe the same commit.
 */
public final class LuceneVersionReader
    implements dev.tally.core.index.IndexEngine.Reader, dev.tally.core.verify.ScannedVersions {
  private final Directory directory;
  private DirectoryReader reader;

  private LuceneVersionReader(Directory directory, DirectoryReader reader) {
    this.directory = directory;
    this.reader = reader;
  }

  /**
   * Opens the index in {@code dir}; one that has no commit yet reads as empty at position 0 until
   * it has.
   */
  public static LuceneVersionReader open(Path dir) {
    try {
      Directory d = FSDirectory.open(dir);
      return new LuceneVersionReader(
          d, DirectoryReader.indexExists(d) ? DirectoryReader.open(d) : null);
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable",
          "cannot open the index in " + dir + " read-only: " + e.getMessage(),
          e);
    }
  }

  /** The oplog position of the newest commit. */
  public synchronized long position() {
    refresh();
    if (reader == null) {
      return 0;
    }
    try {
      String p = reader.getIndexCommit().getUserData().get(LuceneIndex.POSITION);
      return p == null ? 0 : Long.parseLong(p);
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot read the index commit: " + e.getMessage(), e);
    }
  }

  /**
   * The digests and ranges (ScannedVersions' defaults) read under this lock, one scan at a time.
   */
  @Override
  public synchronized void eachLive(
      long fromId, long toId, java.util.function.BiConsumer<Long, Long> v) {
    if (reader == null) {
      return;
    }
    try {
      LiveVersions.visit(reader, fromId, toId, v);
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot read the index: " + e.getMessage(), e);
    }
  }

  private void refresh() {
    try {
      if (reader == null) {
        reader = DirectoryReader.indexExists(directory) ? DirectoryReader.open(directory) : null;
        return;
      }
      DirectoryReader newer = DirectoryReader.openIfChanged(reader);
      if (newer != null) {
        reader.close();
        reader = newer;
      }
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot reopen the index: " + e.getMessage(), e);
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (reader != null) {
        reader.close();
      }
      directory.close();
    } catch (IOException e) {
      throw TallyException.unavailable(
          "index_unavailable", "cannot close the index reader: " + e.getMessage(), e);
    }
  }
}
