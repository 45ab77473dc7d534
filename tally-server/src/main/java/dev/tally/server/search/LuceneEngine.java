package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;
import dev.tally.index.lucene.IndexGenerations;
import dev.tally.index.lucene.IndexHealth;
import dev.tally.index.lucene.LuceneIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/** The embedded Lucene index: generations {@code gen-N} in the index directory, one process only. */
public final class LuceneEngine implements IndexEngine {
  static final long COMMIT_INTERVAL_MILLIS = 1000;
  private final IndexGenerations generations;
  private final AtomicInteger highestOpened = new AtomicInteger();

  public LuceneEngine(Path indexDir) {
    this.generations = new IndexGenerations(indexDir);
  }

  @Override
  public String current() {
    return name(generations.current());
  }

  @Override
  public String prepareNext() {
    // Above every generation this process has opened: if the index directory was wiped, CURRENT
    // is gone too, and a number reused while its old writer is still open would collide.
    int next = Math.max(generations.current(), Math.max(highestOnDisk(), highestOpened.get())) + 1;
    generations.delete(next);
    return name(next);
  }

  @Override
  public SearchIndex open(String generation) {
    highestOpened.accumulateAndGet(number(generation), Math::max);
    return LuceneIndex.open(generations.dir(number(generation)), COMMIT_INTERVAL_MILLIS);
  }

  @Override
  public boolean exists(String generation) {
    return Files.isDirectory(generations.dir(number(generation)));
  }

  private int highestOnDisk() {
    if (!Files.isDirectory(generations.root())) {
      return 0;
    }
    try (Stream<Path> dirs = Files.list(generations.root())) {
      return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("gen-\\d+")).mapToInt(LuceneEngine::number).max().orElse(0);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the index directory " + generations.root(), e);
    }
  }

  @Override
  public void switchTo(String generation) {
    generations.switchTo(number(generation));
  }

  @Override
  public void delete(String generation) {
    generations.delete(number(generation));
  }

  @Override
  public List<String> retired() {
    int current = generations.current();
    if (!Files.isDirectory(generations.root())) {
      return List.of();
    }
    try (Stream<Path> dirs = Files.list(generations.root())) {
      return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("gen-\\d+"))
          .filter(n -> number(n) < current).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the index directory " + generations.root(), e);
    }
  }

  @Override
  public String damage(String generation, boolean deep) {
    return IndexHealth.damage(generations.dir(number(generation)), deep);
  }

  @Override
  public boolean shared() {
    return false;
  }

  @Override
  public String describe() {
    return "lucene:" + generations.root();
  }

  private static String name(int generation) {
    return "gen-" + generation;
  }

  private static int number(String generation) {
    return Integer.parseInt(generation.substring("gen-".length()));
  }
}
