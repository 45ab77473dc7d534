package dev.tally.core.projection;

import dev.tally.core.index.SearchIndex;
import dev.tally.core.store.Store;
import dev.tally.core.verify.VersionDigest;
import dev.tally.core.verify.VersionSource;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;

/**
 * Compares every contact's (id, version) in the store with the index. Digests per bucket of ids are
 * compared first, so agreeing buckets cost one number each; only differing buckets are compared id
 * by id. Writes go on meanwhile, so a difference counts only if it is still there after the index
 * has caught up with the store once more.
 */
public final class Verifier {

  /** One contact on which store and index disagree; a version of -1 means "absent". */
  public record Difference(long id, long storeVersion, long indexVersion) {
    public String kind() {
      if (indexVersion < 0) {
        return "missing_in_index";
      }
      if (storeVersion < 0) {
        return "deleted_in_store";
      }
      return indexVersion < storeVersion ? "stale_in_index" : "newer_in_index";
    }
  }

  /** What one verification found (and, with repair, fixed). */
  public record Report(
      boolean agree,
      long position,
      int buckets,
      int bucketsDiffering,
      long contacts,
      List<Difference> differences,
      int repaired,
      String note) {}

  private static final int MAX_REPORTED = 1000;

  private final VersionSource store;
  private final LongSupplier storeHead;
  private final VersionSource index;
  private final LongSupplier indexPosition;
  private final Duration catchUpTimeout;

  public Verifier(Store store, SearchIndex index, Duration catchUpTimeout) {
    this(
        store,
        store::head,
        index,
        () -> Projector.written(index),
        catchUpTimeout); // OpenSearch: eachLive refreshes first
  }

  /**
   * @param storeHead the store's newest oplog position
   * @param indexPosition the position up to which the index side shows every change
   */
  public Verifier(
      VersionSource store,
      LongSupplier storeHead,
      VersionSource index,
      LongSupplier indexPosition,
      Duration catchUpTimeout) {
    this.store = store;
    this.storeHead = storeHead;
    this.index = index;
    this.indexPosition = indexPosition;
    this.catchUpTimeout = catchUpTimeout;
  }

  /**
   * Verifies; with a projector, re-applies the differing contacts through it and verifies them
   * again.
   */
  public Report verify(Projector repairWith) {
    long position = storeHead.getAsLong();
    if (!catchUp(position)) {
      return new Report(
          false,
          indexPosition.getAsLong(),
          0,
          0,
          0,
          List.of(),
          0,
          "the index did not reach the store's position "
              + position
              + " within "
              + catchUpTimeout.toSeconds()
              + " s (it is at "
              + indexPosition.getAsLong()
              + "); nothing was compared");
    }
    Map<Long, VersionDigest> inStore = byBucket(store.versionDigests());
    Map<Long, VersionDigest> inIndex = byBucket(index.versionDigests());
    TreeMap<Long, Boolean> differing = new TreeMap<>();
    inStore.forEach(
        (b, d) -> {
          if (!d.equals(inIndex.get(b))) {
            differing.put(b, true);
          }
        });
    inIndex.keySet().stream()
        .filter(b -> !inStore.containsKey(b))
        .forEach(b -> differing.put(b, true));
    long contacts = inStore.values().stream().mapToLong(VersionDigest::count).sum();
    List<Difference> found = compare(differing.keySet());
    if (!found.isEmpty()) {
      // A write between the two digests looks like a difference; keep only what outlives a
      // catch-up.
      catchUp(storeHead.getAsLong());
      found = compare(bucketsOf(found));
    }
    int repaired = 0;
    if (repairWith != null && !found.isEmpty()) {
      Map<Long, Long> ids = new LinkedHashMap<>();
      found.forEach(d -> ids.put(d.id(), d.indexVersion()));
      repairWith.redrive(ids);
      repaired = ids.size();
      found = compare(bucketsOf(found));
    }
    List<Difference> reported =
        found.size() > MAX_REPORTED ? found.subList(0, MAX_REPORTED) : found;
    String note =
        found.size() > MAX_REPORTED
            ? found.size() + " differences; the first " + MAX_REPORTED + " are listed"
            : null;
    if (found.stream().anyMatch(d -> d.kind().equals("newer_in_index"))) {
      // The index never takes an older version, so re-applying cannot fix this; only a rebuild can.
      note =
          (note == null ? "" : note + "; ")
              + "the index holds versions newer than the store's (was the store restored from an "
              + "older backup?): rebuild the index";
    }
    return new Report(
        found.isEmpty(),
        position,
        inStore.size(),
        differing.size(),
        contacts,
        List.copyOf(reported),
        repaired,
        note);
  }

  private List<Difference> compare(Iterable<Long> buckets) {
    List<Difference> out = new ArrayList<>();
    for (long bucket : buckets) {
      long from = VersionDigest.firstId(bucket);
      long to = VersionDigest.firstId(bucket + 1);
      Map<Long, Long> s = new TreeMap<>();
      store.versions(from, to).forEach(v -> s.put(v.id(), v.version()));
      Map<Long, Long> i = new HashMap<>();
      index.versions(from, to).forEach(v -> i.put(v.id(), v.version()));
      TreeMap<Long, Boolean> ids = new TreeMap<>();
      s.keySet().forEach(id -> ids.put(id, true));
      i.keySet().forEach(id -> ids.put(id, true));
      for (long id : ids.keySet()) {
        long sv = s.getOrDefault(id, -1L);
        long iv = i.getOrDefault(id, -1L);
        if (sv != iv) {
          out.add(new Difference(id, sv, iv));
        }
      }
    }
    return out;
  }

  private static List<Long> bucketsOf(List<Difference> differences) {
    return differences.stream().map(d -> VersionDigest.bucket(d.id())).distinct().sorted().toList();
  }

  private boolean catchUp(long position) {
    long deadline = System.nanoTime() + catchUpTimeout.toNanos();
    while (indexPosition.getAsLong() < position) {
      if (System.nanoTime() > deadline) {
        return false;
      }
      LockSupport.parkNanos(Duration.ofMillis(10).toNanos());
    }
    return true;
  }

  private static Map<Long, VersionDigest> byBucket(List<VersionDigest> digests) {
    Map<Long, VersionDigest> m = new HashMap<>();
    digests.forEach(d -> m.put(d.bucket(), d));
    return m;
  }
}
