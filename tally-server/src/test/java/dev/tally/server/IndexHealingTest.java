package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * T3: the index directory is deleted, emptied or corrupted while Tally serves under writes. Each
 * time readiness turns false within seconds and says why, no search answers 200 with an
 * acknowledged contact missing, the index heals without a restart, and it converges to the store.
 */
class IndexHealingTest extends ApiTestBase {

  enum Damage { DELETE, EMPTY, CORRUPT }

  private static final String QUERY = "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

  @ParameterizedTest
  @EnumSource(Damage.class)
  void theIndexHealsItselfWhileServing(Damage damage) throws Exception {
    AtomicLong acknowledged = new AtomicLong();
    AtomicLong position = new AtomicLong();
    AtomicBoolean running = new AtomicBoolean(true);
    ConcurrentLinkedQueue<String> wrong = new ConcurrentLinkedQueue<>();
    AtomicLong served = new AtomicLong();
    AtomicLong refused = new AtomicLong();
    for (int i = 0; i < 200; i++) {
      write(i, acknowledged, position);
    }
    Thread writer = Thread.ofPlatform().start(() -> {
      for (int i = 200; running.get(); i++) {
        write(i, acknowledged, position);
        sleep(5);
      }
    });
    Thread searcher = Thread.ofPlatform().start(() -> {
      while (running.get()) {
        long expected = acknowledged.get();
        long at = position.get();
        TallyHttp.Res r = http.call("POST", "/contacts/search", token, QUERY, Map.of("Tally-Min-Position", Long.toString(at)));
        if (r.status() == 200) {
          served.incrementAndGet();
          if (r.json().get("total_count").asLong() < expected) {
            wrong.add("200 with " + r.json().get("total_count") + " contacts while " + expected + " were acknowledged");
          }
        } else if (r.status() == 503) {
          refused.incrementAndGet();
        } else {
          wrong.add("unexpected " + r.status() + ": " + r.raw().body());
        }
        sleep(10);
      }
    });
    try {
      awaitReady(true, 30);
      awaitAnswers(served, 1);
      Path index = data.resolve("index");
      damage(damage, index);

      String reason = awaitReady(false, 10);
      assertTrue(reason.contains("heal") || reason.contains("index"), reason);
      awaitReady(true, 60);
      awaitAnswers(served, served.get() + 3); // answering again after healing
    } finally {
      running.set(false);
      writer.join();
      searcher.join();
    }
    assertTrue(wrong.isEmpty(), () -> String.join("\n", wrong));

    // Converged: every acknowledged contact is searchable and the index agrees with the store.
    long head = server.store().head();
    TallyHttp.Res all = http.call("POST", "/contacts/search", token, QUERY, Map.of("Tally-Min-Position", Long.toString(head)));
    assertEquals(200, all.status(), all.raw().body());
    assertEquals(acknowledged.get(), all.json().get("total_count").asLong());
    TallyHttp.Res verified = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertTrue(verified.json().get("agree").asBoolean(), verified.raw().body());
    System.out.printf("%s: %d searches answered, %d refused with 503 while healing%n", damage, served.get(), refused.get());
  }

  private void write(int i, AtomicLong acknowledged, AtomicLong position) {
    TallyHttp.Res r = http.call("POST", "/contacts", token, "{\"email\":\"h" + i + "@example.com\"}");
    if (r.status() == 200) {
      acknowledged.incrementAndGet();
      position.accumulateAndGet(Long.parseLong(r.raw().headers().firstValue("Tally-Position").orElseThrow()), Math::max);
    }
  }

  private static void awaitAnswers(AtomicLong served, long atLeast) {
    long deadline = System.nanoTime() + 30_000_000_000L;
    while (served.get() < atLeast) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("searches were not answered: " + served.get() + " < " + atLeast);
      }
      sleep(20);
    }
  }

  /** Waits until readiness is {@code ready}; returns its reasons. */
  private String awaitReady(boolean ready, int seconds) {
    long deadline = System.nanoTime() + seconds * 1_000_000_000L;
    TallyHttp.Res r;
    do {
      r = http.call("GET", "/health/ready", null, null);
      if ((r.status() == 200) == ready) {
        return r.raw().body();
      }
      sleep(100);
    } while (System.nanoTime() < deadline);
    throw new AssertionError("readiness did not become " + ready + " within " + seconds + " s: " + r.raw().body());
  }

  private static void damage(Damage damage, Path index) throws IOException {
    switch (damage) {
      case DELETE -> deleteTree(index);
      case EMPTY -> {
        for (Path gen : list(index)) {
          if (Files.isDirectory(gen)) {
            for (Path f : list(gen)) {
              Files.deleteIfExists(f);
            }
          }
        }
      }
      case CORRUPT -> {
        Random random = new Random(42);
        for (Path gen : list(index)) {
          if (Files.isDirectory(gen)) {
            for (Path f : list(gen)) {
              if (!f.getFileName().toString().equals("write.lock")) {
                overwrite(f, random);
              }
            }
          }
        }
      }
    }
  }

  /** Overwrites a file's bytes in place (the same inode: what a failing disk or a stray process would do). */
  private static void overwrite(Path f, Random random) throws IOException {
    try (RandomAccessFile raf = new RandomAccessFile(f.toFile(), "rw")) {
      byte[] junk = new byte[(int) Math.min(raf.length(), 1 << 20)];
      random.nextBytes(junk);
      raf.seek(0);
      raf.write(junk);
      raf.getFD().sync();
    }
  }

  private static List<Path> list(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(dir)) {
      return new ArrayList<>(s.toList());
    }
  }

  /** Like rm -r while Tally writes: a file the projector creates meanwhile is removed on the next pass. */
  private static void deleteTree(Path p) throws IOException {
    for (int pass = 0; ; pass++) {
      try (Stream<Path> walk = Files.walk(p)) {
        for (Path x : walk.sorted(Comparator.reverseOrder()).toList()) {
          Files.deleteIfExists(x);
        }
        return;
      } catch (java.nio.file.DirectoryNotEmptyException | java.nio.file.NoSuchFileException | java.io.UncheckedIOException e) {
        if (pass >= 20) {
          throw e;
        }
      }
    }
  }

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
