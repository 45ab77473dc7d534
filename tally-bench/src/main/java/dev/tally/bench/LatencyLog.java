package dev.tally.bench;

import java.util.Arrays;

/** Latencies in nanoseconds, appended by one thread; merged and sorted once at the end. */
final class LatencyLog {
  private long[] nanos = new long[1 << 16];
  private int size;

  void add(long latencyNanos) {
    if (size == nanos.length) {
      nanos = Arrays.copyOf(nanos, size * 2);
    }
    nanos[size++] = latencyNanos;
  }

  int size() {
    return size;
  }

  /** All latencies of {@code logs}, sorted ascending. */
  static long[] sortedUnion(Iterable<LatencyLog> logs) {
    int total = 0;
    for (LatencyLog l : logs) {
      total += l.size;
    }
    long[] all = new long[total];
    int at = 0;
    for (LatencyLog l : logs) {
      System.arraycopy(l.nanos, 0, all, at, l.size);
      at += l.size;
    }
    Arrays.sort(all);
    return all;
  }
}
