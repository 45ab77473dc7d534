package dev.tally.index.opensearch;

import dev.tally.core.TallyException;
import dev.tally.core.index.IndexEngine;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.verify.IdVersion;
import dev.tally.core.verify.VersionDigest;
import java.util.List;

/**
 * The OpenSearch index: generations {@code <alias>-N} behind an alias, shared by every Tally
 * process of a deployment. The serving generation is opened through the alias; a generation being
 * rebuilt is opened by name until the alias is moved onto it.
 */
public final class OpenSearchEngine implements IndexEngine {
  private final OpenSearchOptions options;
  private final OpenSearchGenerations generations;

  private final OpenSearchSnapshots snapshots;

  public OpenSearchEngine(OpenSearchOptions options, String snapshotRepository) {
    this.options = options;
    this.generations = new OpenSearchGenerations(options);
    this.snapshots = new OpenSearchSnapshots(options, snapshotRepository);
  }

  @Override
  public String current() {
    return generations.serving();
  }

  @Override
  public String prepareNext() {
    return generations.createNext();
  }

  @Override
  public SearchIndex open(String generation) {
    return generation.equals(current())
        ? OpenSearchIndex.open(options)
        : OpenSearchIndex.openGeneration(options, generation);
  }

  @Override
  public void switchTo(String generation) {
    generations.promote(generation);
  }

  @Override
  public void delete(String generation) {
    generations.drop(generation);
  }

  @Override
  public List<String> retired() {
    return generations.older();
  }

  @Override
  public boolean exists(String generation) {
    return generations.exists(generation);
  }

  /**
   * A deleted index is damage; an unreachable OpenSearch is an outage, which a rebuild cannot fix
   * (readiness reports it).
   */
  @Override
  public String damage(String generation, boolean deep) {
    try {
      return generations.exists(generation)
          ? null
          : "the OpenSearch index " + generation + " at " + generations.url() + " is gone";
    } catch (TallyException e) {
      return null;
    }
  }

  @Override
  public SnapshotInfo snapshot(String generation) {
    return OpenSearchSnapshots.info(snapshots.take(generation));
  }

  @Override
  public List<SnapshotInfo> snapshots() {
    return snapshots.list().stream().map(OpenSearchSnapshots::info).toList();
  }

  @Override
  public void pruneSnapshots(int keep) {
    snapshots.prune(keep);
  }

  /**
   * A restore needs the name free, so the empty generation is dropped first, and made anew, empty,
   * if the restore is refused.
   */
  @Override
  public String restore(SnapshotInfo snapshot, String generation) {
    generations.drop(generation);
    String refused = snapshots.restore(snapshot.name(), generation);
    if (refused != null) {
      generations.recreate(generation); // a failed restore may have left part of an index behind
    }
    return refused;
  }

  @Override
  public Reader openReader() {
    OpenSearchIndex index = OpenSearchIndex.open(options);
    return new Reader() {
      @Override
      public long position() {
        return index.appliedPosition();
      }

      @Override
      public java.util.List<VersionDigest> versionDigests() {
        return index.versionDigests();
      }

      @Override
      public java.util.List<IdVersion> versions(long fromId, long toId) {
        return index.versions(fromId, toId);
      }

      @Override
      public void close() {
        index.close();
      }
    };
  }

  @Override
  public String layout() {
    return OpenSearchGenerations.layout();
  }

  @Override
  public String layoutOf(String generation) {
    return generations.layoutOf(generation);
  }

  @Override
  public boolean supportsSnapshots() {
    return true;
  }

  @Override
  public boolean shared() {
    return true;
  }

  @Override
  public String describe() {
    return "opensearch:" + generations.url() + " alias " + options.alias();
  }
}
