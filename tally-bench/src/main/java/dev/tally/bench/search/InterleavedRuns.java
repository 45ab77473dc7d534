package dev.tally.bench.search;

import java.util.List;
import java.util.function.Consumer;

/**
 * The segment benchmarks' measurement: every system answers the same query once a round, in an
 * order that rotates from round to round so that noise from the machine falls on all alike; warm-up
 * rounds first, not measured. Every round's answers are handed to a check.
 */
final class InterleavedRuns {
  private InterleavedRuns() {}

  /** One system's way to answer the segment. */
  interface Contender {
    SegmentResult answer() throws Exception;
  }

  /**
   * Per system and measured round: the wall time and the server's own {@code took} (0 where a
   * system reports none), in nanoseconds.
   */
  record Timings(long[][] nanos, long[][] took) {}

  static Timings run(
      int warmup, int runs, List<Contender> contenders, Consumer<SegmentResult[]> check)
      throws Exception {
    int n = contenders.size();
    long[][] nanos = new long[n][runs];
    long[][] took = new long[n][runs];
    for (int i = -warmup; i < runs; i++) {
      SegmentResult[] r = new SegmentResult[n];
      for (int k = 0; k < n; k++) {
        int which = Math.floorMod(i + k, n);
        long t0 = System.nanoTime();
        r[which] = contenders.get(which).answer();
        long elapsed = System.nanoTime() - t0;
        if (i >= 0) {
          nanos[which][i] = elapsed;
          took[which][i] = r[which].took() * 1_000_000L;
        }
      }
      check.accept(r);
    }
    return new Timings(nanos, took);
  }
}
