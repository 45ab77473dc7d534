package dev.tally.server;

import java.io.IOException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.stream.Stream;

/** File helpers for tests that damage a running Tally's files. */
final class TestFiles {
  private TestFiles() {}

  /**
   * Deletes the tree; a serving index writer may create files meanwhile, so it goes again until the
   * tree is gone.
   */
  static void deleteTree(Path p) throws IOException {
    for (int attempt = 0; Files.exists(p); attempt++) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(x);
        }
      } catch (DirectoryNotEmptyException | NoSuchFileException e) {
        if (attempt > 50) {
          throw e;
        }
      } catch (
          java.io.UncheckedIOException
              e) { // the walk itself met a file that a merge had just removed
        if (attempt > 50 || !(e.getCause() instanceof NoSuchFileException)) {
          throw e;
        }
      }
    }
  }
}
