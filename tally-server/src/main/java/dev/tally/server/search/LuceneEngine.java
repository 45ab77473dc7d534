package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;
import dev.tally.index.lucene.IndexGenerations;
import dev.tally.index.lucene.LuceneIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/** The embedded Lucene index: generations {@code gen-N} in the index directory, one process only. */
public final class LuceneEngine implements IndexEngine {
  static final long COMMIT_INTERVAL_MILLIS = 1000;
  private final IndexGenerations generations;

  public LuceneEngine(Path indexDir) {
    this.generations = new IndexGenerations(indexDir);
  }

  @Override
  public String current() {
    return name(generations.current());
  }

  @Override
  public String prepareNext() {
    return name(generations.prepareNext());
  }

  @Override
  public SearchIndex open(String generation) {
    return LuceneIndex.open(generations.dir(number(generation)), COMMIT_INTERVAL_MILLIS);
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
