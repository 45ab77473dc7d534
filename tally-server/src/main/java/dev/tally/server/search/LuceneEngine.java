package dev.tally.server.search;

import dev.tally.core.index.SearchIndex;
import dev.tally.index.lucene.IndexGenerations;
import dev.tally.index.lucene.IndexHealth;
import dev.tally.core.index.SwappableIndex;
import dev.tally.index.lucene.LuceneIndex;
import dev.tally.index.lucene.LuceneSnapshots;
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

  private final LuceneSnapshots snapshots;

  public LuceneEngine(Path indexDir) {
    this(indexDir, indexDir.resolveSibling("snapshots"));
  }

  public LuceneEngine(Path indexDir, Path snapshotDir) {
    this.generations = new IndexGenerations(indexDir);
    this.snapshots = new LuceneSnapshots(snapshotDir);
  }

  @Override
  public SnapshotInfo snapshot(SearchIndex serving) {
    SearchIndex index = serving instanceof SwappableIndex s ? s.current() : serving;
    return info(((LuceneIndex) index).snapshot(snapshots));
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
  public SnapshotInfo restoreNewest(String generation, long minPosition, List<String> skipped) {
    for (LuceneSnapshots.Snapshot s : snapshots.list()) {
      if (s.position() < minPosition) {
        skipped.add("snapshot " + s.name() + " holds position " + s.position() + ", older than the oplog kept (from " + minPosition + ")");
        continue;
      }
      String damage = snapshots.damage(s);
      if (damage != null) {
        skipped.add(damage);
        continue;
      }
      snapshots.restoreInto(s, generations.dir(number(generation)));
      return info(s);
    }
    return null;
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
      // Above the serving one: a rebuild that a crash (kill -9) cut short; it is never resumed
      // (a new rebuild starts afresh above it), so it is only disk space. Only when the serving
      // generation is known: CURRENT names it, or there is none yet and gen-1 (the first) exists.
      boolean named = generations.named() || Files.isDirectory(generations.dir(current));
      return dirs.map(p -> p.getFileName().toString()).filter(n -> n.matches("gen-\\d+"))
          .filter(n -> number(n) < current || (named && number(n) > current)).sorted().toList();
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
