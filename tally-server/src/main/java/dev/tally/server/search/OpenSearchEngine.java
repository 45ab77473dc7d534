package dev.tally.server.search;

import dev.tally.core.TallyException;
import dev.tally.core.index.SearchIndex;
import dev.tally.index.opensearch.OpenSearchGenerations;
import dev.tally.index.opensearch.OpenSearchIndex;
import dev.tally.index.opensearch.OpenSearchOptions;
import java.util.List;

/**
 * The OpenSearch index: generations {@code <alias>-N} behind an alias, shared by every Tally
 * process of a deployment. The serving generation is opened through the alias; a generation being
 * rebuilt is opened by name until the alias is moved onto it.
 */
public final class OpenSearchEngine implements IndexEngine {
  private final OpenSearchOptions options;
  private final OpenSearchGenerations generations;

  public OpenSearchEngine(OpenSearchOptions options) {
    this.options = options;
    this.generations = new OpenSearchGenerations(options);
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
    return generation.equals(current()) ? OpenSearchIndex.open(options) : OpenSearchIndex.openGeneration(options, generation);
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

  /** A deleted index is damage; an unreachable OpenSearch is an outage, which a rebuild cannot fix (readiness reports it). */
  @Override
  public String damage(String generation, boolean deep) {
    try {
      return generations.exists(generation) ? null : "the OpenSearch index " + generation + " at " + generations.url() + " is gone";
    } catch (TallyException e) {
      return null;
    }
  }

  /** OpenSearch snapshots belong in a snapshot repository on the cluster; Tally does not manage them yet. */
  @Override
  public SnapshotInfo snapshot(SearchIndex serving) {
    throw TallyException.conflict("snapshots of an OpenSearch index are taken with OpenSearch's snapshot repository "
        + "(PUT _snapshot/...); Tally does not manage them yet, and heals by rebuilding from the store");
  }

  @Override
  public List<SnapshotInfo> snapshots() {
    return List.of();
  }

  @Override
  public void pruneSnapshots(int keep) {}

  @Override
  public SnapshotInfo restoreNewest(String generation, long minPosition, List<String> skipped) {
    return null;
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
    return false;
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
