package dev.tally.index.lucene;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.apache.lucene.codecs.CodecUtil;
import org.apache.lucene.index.IndexNotFoundException;
import org.apache.lucene.index.SegmentInfos;
import org.apache.lucene.store.Directory;
import org.apache.lucene.store.FSDirectory;
import org.apache.lucene.store.IOContext;
import org.apache.lucene.store.IndexInput;

/**
 * Whether an index directory still holds a usable index, checked from the outside while the index
 * serves: the directory exists, its newest commit can be read, every file that commit names is
 * there, and (deep check) every file's Lucene checksum footer matches its content. A serving
 * searcher keeps deleted files open, so a wiped index would go on answering until its next reopen;
 * this check notices it at once.
 */
public final class IndexHealth {
  private IndexHealth() {}

  /** Null when the index in {@code dir} looks intact; otherwise what is wrong, in words. */
  public static String damage(Path dir, boolean deep) {
    // The serving writer commits meanwhile and deletes the files of the commit before: a file gone
    // from a commit that is no longer the newest is no damage, so look again (a few times).
    String damage = null;
    for (int attempt = 0; attempt < 3; attempt++) {
      long before = newestGeneration(dir);
      damage = check(dir, deep);
      if (damage == null || newestGeneration(dir) == before) {
        return damage;
      }
    }
    return damage;
  }

  private static long newestGeneration(Path dir) {
    try (var files = Files.list(dir)) {
      return files
          .map(p -> p.getFileName().toString())
          .filter(n -> n.startsWith("segments_"))
          .mapToLong(n -> SegmentInfos.generationFromSegmentsFileName(n))
          .max()
          .orElse(-1);
    } catch (IOException | RuntimeException e) {
      return -2;
    }
  }

  private static String check(Path dir, boolean deep) {
    if (!Files.isDirectory(dir)) {
      return "the index directory " + dir + " is gone";
    }
    try (Directory d = FSDirectory.open(dir)) {
      SegmentInfos commit;
      try {
        commit = SegmentInfos.readLatestCommit(d);
      } catch (IndexNotFoundException e) {
        return hasFiles(dir)
            ? "the index in " + dir + " has no readable commit"
            : "the index directory " + dir + " is empty";
      }
      for (String file : commit.files(true)) {
        try (IndexInput in = d.openInput(file, IOContext.READONCE)) {
          if (deep) {
            CodecUtil.checksumEntireFile(in);
          }
        } catch (NoSuchFileException | java.io.FileNotFoundException e) {
          return "the index in " + dir + " lost file " + file + " of its newest commit";
        }
      }
      return null;
    } catch (IOException | RuntimeException e) {
      return "the index in " + dir + " is damaged: " + e.getMessage();
    }
  }

  private static boolean hasFiles(Path dir) throws IOException {
    try (var files = Files.list(dir)) {
      return files.anyMatch(p -> !p.getFileName().toString().equals("write.lock"));
    }
  }
}
