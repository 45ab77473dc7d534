package dev.tally.bench.common;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** The benchmarks' data directories: removed afterwards, and their size reported. */
public final class BenchFiles {
  private BenchFiles() {}

  /**
   * Deletes {@code dir} and everything below it, if it exists; what cannot be deleted is reported,
   * not thrown.
   */
  public static void deleteTree(Path dir) {
    if (dir == null || !Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      Report.progress("could not delete " + dir + ": " + e);
    }
  }

  /**
   * The size of a file, or of all files below a directory, such as "123 MB" ("?" if it cannot be
   * read).
   */
  public static String megabytes(Path path) {
    try (Stream<Path> s = Files.walk(path)) {
      return String.format(
          "%.0f MB",
          s.filter(Files::isRegularFile).mapToLong(p -> p.toFile().length()).sum() / 1e6);
    } catch (IOException | RuntimeException e) {
      return "?";
    }
  }
}
