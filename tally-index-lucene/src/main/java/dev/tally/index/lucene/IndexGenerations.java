package dev.tally.index.lucene;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.stream.Stream;

/**
 * The index directory holds generations ({@code gen-1}, {@code gen-2}, ...) and a {@code CURRENT}
 * file naming the serving one. A rebuild writes the next generation beside the serving one and
 * switches {@code CURRENT} with an atomic rename; the old generation is removed only after that.
 */
public final class IndexGenerations {
  private static final String CURRENT = "CURRENT";
  private final Path root;

  public IndexGenerations(Path root) {
    this.root = root;
  }

  public Path root() {
    return root;
  }

  /** The serving generation's number (1 when there is none yet). */
  public int current() {
    Path file = root.resolve(CURRENT);
    try {
      if (Files.exists(file)) {
        String s = Files.readString(file, StandardCharsets.UTF_8).trim();
        return Integer.parseInt(s.substring("gen-".length()));
      }
      return 1;
    } catch (IOException | RuntimeException e) {
      throw new IllegalStateException(
          "cannot read " + file + " (expected a line like gen-3): " + e.getMessage(), e);
    }
  }

  /** Whether a CURRENT file names the serving generation (a new index directory has none yet). */
  public boolean named() {
    return Files.exists(root.resolve(CURRENT));
  }

  public Path dir(int generation) {
    return root.resolve("gen-" + generation);
  }

  /**
   * A fresh, empty directory for the next generation (removing a leftover from a failed rebuild).
   */
  public int prepareNext() {
    int next = current() + 1;
    delete(next);
    return next;
  }

  /**
   * Makes {@code generation} the serving one: write a temp file, fsync it, rename it over CURRENT.
   */
  public void switchTo(int generation) {
    try {
      dev.tally.core.PrivateFiles.createDirectories(root);
      Path tmp = root.resolve(CURRENT + ".tmp");
      Files.writeString(tmp, "gen-" + generation + "\n", StandardCharsets.UTF_8);
      try (var ch =
          java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
        ch.force(true);
      }
      Files.move(
          tmp,
          root.resolve(CURRENT),
          StandardCopyOption.ATOMIC_MOVE,
          StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot switch " + root + " to gen-" + generation, e);
    }
  }

  /** Removes a generation's directory (never the serving one). */
  public void delete(int generation) {
    if (generation == current() && Files.exists(root.resolve(CURRENT))) {
      throw new IllegalStateException(
          "refusing to delete the serving generation gen-" + generation);
    }
    Path dir = dir(generation);
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(dir)) {
      walk.sorted(Comparator.reverseOrder())
          .forEach(
              p -> {
                try {
                  Files.delete(p);
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              });
    } catch (IOException e) {
      throw new UncheckedIOException("cannot delete " + dir, e);
    }
  }
}
