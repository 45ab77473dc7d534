package dev.tally.bench.common;

import java.util.Arrays;

/**
 * A growable array of longs (latencies, samples), appended by one thread, so that a minute of
 * samples does not box a million Longs.
 */
public final class LongList {
  private long[] values = new long[1024];
  private int size;

  public void add(long v) {
    if (size == values.length) {
      values = Arrays.copyOf(values, size * 2);
    }
    values[size++] = v;
  }

  public int size() {
    return size;
  }

  public long[] toArray() {
    return Arrays.copyOf(values, size);
  }

  /** All values of {@code lists}, one after the other. */
  public static long[] concat(Iterable<LongList> lists) {
    int total = 0;
    for (LongList l : lists) {
      total += l.size;
    }
    long[] all = new long[total];
    int at = 0;
    for (LongList l : lists) {
      System.arraycopy(l.values, 0, all, at, l.size);
      at += l.size;
    }
    return all;
  }
}
