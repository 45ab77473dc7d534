package dev.tally.index.lucene;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.index.SearchIndex;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * The embedded Lucene index: generations {@code gen-N} in the index directory, one process only.
 */
public final class LuceneEngine implements IndexEngine {
  public static final long COMMIT_INTERVAL_MILLIS = 1000;
  private final IndexGenerations generations;
  private final AtomicInteger highestOpened = new AtomicInteger();

  private final LuceneSnapshots snapshots;

  /**
   * The indexes this engine opened, by generation: a snapshot is taken through the serving one's
   * writer.
   */
  private final Map<String, LuceneIndex> opened = new ConcurrentHashMap<>();

  public LuceneEngine(Path indexDir) {
    this(indexDir, indexDir.resolveSibling("snapshots"));
  }

  public LuceneEngine(Path indexDir, Path snapshotDir) {
    try {
      // Before Lucene makes it (with the umask's mode) for a generation: the index holds customers'
      // data.
      dev.tally.core.PrivateFiles.createDirectories(indexDir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot create the index directory " + indexDir, e);
    }
    this.generations = new IndexGenerations(indexDir);
    this.snapshots = new LuceneSnapshots(snapshotDir);
  }

  @Override
  public SnapshotInfo snapshot(String generation) {
    LuceneIndex index = opened.get(generation);
    if (index == null) {
      throw TallyException.conflict(
          "the index generation "
              + generation
              + " is not open in this process; a snapshot is taken of the serving one");
    }
    return info(index.snapshot(snapshots));
  }

  @Override
  public List<SnapshotInfo> snapshots() {
    return snapshots.list().stream().map(LuceneEngine::info).toList();
  }

  @Override
  public void pruneSnapshots(int keep) {
    snapshots.prune(keep);
  }

  @Override
  public String restore(SnapshotInfo snapshot, String generation) {
    LuceneSnapshots.Snapshot s = snapshots.find(snapshot.name());
    String damage =
        s == null
            ? "snapshot " + snapshot.name() + " is gone from " + snapshots.root()
            : snapshots.damage(s);
    if (damage != null) {
      return damage;
    }
    snapshots.restoreInto(s, generations.dir(number(generation)));
    return null;
  }

  @Override
  public Reader openReader() {
    return LuceneVersionReader.open(generations.dir(generations.current()));
  }

  private static SnapshotInfo info(LuceneSnapshots.Snapshot s) {
    return new SnapshotInfo(s.name(), s.position(), s.takenAt(), s.bytes());
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
    LuceneIndex index =
        LuceneIndex.open(generations.dir(number(generation)), COMMIT_INTERVAL_MILLIS);
    opened.put(generation, index);
    return index;
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
      return dirs.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("gen-\\d+"))
          .mapToInt(LuceneEngine::number)
          .max()
          .orElse(0);
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
      // Above the serving one: a rebuild that a crash (kill -9) cut short; it is never resumed
      // (a new rebuild starts afresh above it), so it is only disk space. Only when the serving
      // generation is known: CURRENT names it, or there is none yet and gen-1 (the first) exists.
      boolean named = generations.named() || Files.isDirectory(generations.dir(current));
      return dirs.map(p -> p.getFileName().toString())
          .filter(n -> n.matches("gen-\\d+"))
          .filter(n -> number(n) < current || (named && number(n) > current))
          .sorted()
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list the index directory " + generations.root(), e);
    }
  }

  @Override
  public String damage(String generation, boolean deep) {
    return IndexHealth.damage(generations.dir(number(generation)), deep);
  }

  @Override
  public String layout() {
    return LuceneIndex.LAYOUT;
  }

  @Override
  public String layoutOf(String generation) {
    return exists(generation) ? LuceneIndex.layoutOf(generations.dir(number(generation))) : null;
  }

  @Override
  public boolean supportsSnapshots() {
    return true;
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
