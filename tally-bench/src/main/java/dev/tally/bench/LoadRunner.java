package dev.tally.bench;

import dev.tally.bench.common.CpuByThread;
import dev.tally.bench.common.ExternalCpu;
import dev.tally.bench.common.LongList;
import dev.tally.bench.common.Percentiles;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Drives a target with N closed-loop clients: each thread calls, waits for the (durable) answer,
 * and calls again. A warm-up (caches, connections, the WAL file) runs first with the same load,
 * then only calls that both start and finish inside the measured window count.
 */
final class LoadRunner {
  private LoadRunner() {}

  static Measurement run(LoadTarget target, int clients, Duration warmup, Duration window)
      throws Exception {
    AtomicLong nextContact = new AtomicLong(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch sessionsOpen = new CountDownLatch(clients);
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch cpuRead =
        new CountDownLatch(1); // clients keep their threads (and CPU counters) until then
    long[] clock =
        new long[2]; // measureStart, measureEnd (nanoTime); written before go.countDown()
    List<LongList> logs = new ArrayList<>(); // latencies in nanoseconds, one list per client
    List<Thread> threads = new ArrayList<>();
    for (int i = 0; i < clients; i++) {
      LongList log = new LongList();
      logs.add(log);
      threads.add(
          Thread.ofPlatform()
              .name("bench-client-" + i)
              .start(
                  () -> {
                    boolean opened = false;
                    try (LoadTarget.Session session = target.openSession()) {
                      opened = true;
                      sessionsOpen.countDown();
                      go.await();
                      long measureStart = clock[0];
                      long end = clock[1];
                      while (failure.get() == null) {
                        long n = nextContact.getAndIncrement();
                        long t0 = System.nanoTime();
                        if (t0 >= end) {
                          break;
                        }
                        session.call(n);
                        long t1 = System.nanoTime();
                        if (t0 >= measureStart && t1 <= end) {
                          log.add(t1 - t0);
                        }
                      }
                      cpuRead.await();
                    } catch (Throwable t) {
                      failure.compareAndSet(null, t);
                      if (!opened) {
                        sessionsOpen.countDown();
                      }
                    }
                  }));
    }
    sessionsOpen.await();
    long now = System.nanoTime();
    clock[0] = now + warmup.toNanos();
    clock[1] =
        failure.get() != null
            ? now
            : clock[0] + window.toNanos(); // a session that failed to open stops the run
    go.countDown();
    sleepUntil(Math.min(clock[0], clock[1]));
    long retriesBefore = target.busyRetries();
    CpuByThread cpuBefore = CpuByThread.now();
    ExternalCpu externalBefore = ExternalCpu.now();
    sleepUntil(clock[1]);
    Map<String, Long> cpu = CpuByThread.now().since(cpuBefore);
    cpu.putAll(ExternalCpu.now().since(externalBefore, cpu.getOrDefault(CpuByThread.TOTAL, 0L)));
    cpuRead.countDown();
    for (Thread t : threads) {
      t.join();
    }
    long retriesInWindow = target.busyRetries() - retriesBefore;
    Throwable t = failure.get();
    if (t != null) {
      throw new IllegalStateException(
          target.name() + " failed with " + clients + " client(s): " + t, t);
    }
    Percentiles latencies = new Percentiles(LongList.concat(logs));
    return new Measurement(
        target.name(),
        clients,
        latencies.count(),
        window.toNanos() / 1e9,
        latencies,
        retriesInWindow,
        cpu);
  }

  private static void sleepUntil(long nanoTime) throws InterruptedException {
    long left;
    while ((left = nanoTime - System.nanoTime()) > 0) {
      TimeUnit.NANOSECONDS.sleep(left);
    }
  }
}
