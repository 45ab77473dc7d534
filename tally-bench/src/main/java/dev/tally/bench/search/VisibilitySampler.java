package dev.tally.bench.search;

import dev.tally.bench.common.LongList;
import dev.tally.server.TallyServer;
import java.util.PriorityQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.LockSupport;

/**
 * Measures commit → searchable: writers hand over (ack time, oplog position) of every acknowledged
 * write; this thread polls the position searches can see about every millisecond and, for each
 * write at or below it, records freshness = poll time − ack time. The poll period bounds the
 * resolution (a write is counted up to one period late, never early).
 */
final class VisibilitySampler implements AutoCloseable {
  private record Ack(long ackNanos, long position) {}

  private final TallyServer server;
  private final ConcurrentLinkedQueue<Ack> inbox = new ConcurrentLinkedQueue<>();
  private final PriorityQueue<Ack> pending =
      new PriorityQueue<>((a, b) -> Long.compare(a.position, b.position));
  private final LongList freshness = new LongList();
  private final LongList pollGaps = new LongList();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile boolean recording = true;
  private final java.util.concurrent.atomic.AtomicLong handed =
      new java.util.concurrent.atomic.AtomicLong();
  private volatile long seen;

  VisibilitySampler(TallyServer server) {
    this.server = server;
    this.thread = Thread.ofPlatform().name("visibility-sampler").daemon(true).start(this::loop);
    thread.setPriority(Thread.MAX_PRIORITY);
  }

  void acked(long ackNanos, long position) {
    handed.incrementAndGet();
    inbox.add(new Ack(ackNanos, position));
  }

  private void loop() {
    long last = System.nanoTime();
    while (running) {
      for (Ack a; (a = inbox.poll()) != null; ) {
        pending.add(a);
      }
      long visible = server.searchablePosition();
      long now = System.nanoTime();
      while (!pending.isEmpty() && pending.peek().position <= visible) {
        freshness.add(now - pending.poll().ackNanos);
      }
      seen = freshness.size();
      if (recording) {
        pollGaps.add(now - last);
      }
      last = now;
      LockSupport.parkNanos(1_000_000);
    }
  }

  /**
   * Waits until every handed-over write is visible (or the timeout passes); returns how many are
   * still not.
   */
  int drain(long timeoutMillis) throws InterruptedException {
    long deadline = System.currentTimeMillis() + timeoutMillis;
    while (System.currentTimeMillis() < deadline) {
      if (seen == handed.get()) {
        return 0;
      }
      Thread.sleep(5);
    }
    return (int) (handed.get() - seen);
  }

  /** Freshness samples in nanoseconds (call after {@link #close}). */
  long[] freshness() {
    return freshness.toArray();
  }

  long[] pollGaps() {
    return pollGaps.toArray();
  }

  @Override
  public void close() throws InterruptedException {
    recording = false;
    running = false;
    thread.join();
  }
}
