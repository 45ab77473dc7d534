package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.testkit.Await;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
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

  enum Damage {
    DELETE,
    EMPTY,
    CORRUPT
  }

  private static final String QUERY =
      "{\"query\":{\"field\":\"email\",\"operator\":\"$\",\"value\":\"@example.com\"}}";

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
    Thread writer =
        Thread.ofPlatform()
            .start(
                () -> {
                  for (int i = 200; running.get(); i++) {
                    write(i, acknowledged, position);
                    sleep(5);
                  }
                });
    Thread searcher =
        Thread.ofPlatform()
            .start(
                () -> {
                  while (running.get()) {
                    long expected = acknowledged.get();
                    long at = position.get();
                    TallyHttp.Res r =
                        http.call(
                            "POST",
                            "/contacts/search",
                            token,
                            QUERY,
                            Map.of("Tally-Min-Position", Long.toString(at)));
                    if (r.status() == 200) {
                      served.incrementAndGet();
                      if (r.json().get("total_count").asLong() < expected) {
                        wrong.add(
                            "200 with "
                                + r.json().get("total_count")
                                + " contacts while "
                                + expected
                                + " were acknowledged");
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
    TallyHttp.Res all =
        http.call(
            "POST",
            "/contacts/search",
            token,
            QUERY,
            Map.of("Tally-Min-Position", Long.toString(head)));
    assertEquals(200, all.status(), all.raw().body());
    assertEquals(acknowledged.get(), all.json().get("total_count").asLong());
    TallyHttp.Res verified = http.call("POST", "/admin/index/verify", ADMIN, "{}");
    assertTrue(verified.json().get("agree").asBoolean(), verified.raw().body());
    System.out.printf(
        "%s: %d searches answered, %d refused with 503 while healing%n",
        damage, served.get(), refused.get());
  }

  private void write(int i, AtomicLong acknowledged, AtomicLong position) {
    TallyHttp.Res r =
        http.call("POST", "/contacts", token, "{\"email\":\"h" + i + "@example.com\"}");
    if (r.status() == 200) {
      acknowledged.incrementAndGet();
      position.accumulateAndGet(
          Long.parseLong(r.raw().headers().firstValue("Tally-Position").orElseThrow()), Math::max);
    }
  }

  private static void awaitAnswers(AtomicLong served, long atLeast) {
    Await.until(
        atLeast + " searches answered", Duration.ofSeconds(30), served::get, n -> n >= atLeast);
  }

  /** Waits until readiness is {@code ready}; returns its reasons. */
  private String awaitReady(boolean ready, int seconds) {
    // anything but the awaited status (a slow answer under load) is asked again
    return Await.until(
            "readiness " + ready,
            Duration.ofSeconds(seconds),
            () -> http.call("GET", "/health/ready", null, null),
            r -> r.status() == (ready ? 200 : 503))
        .raw()
        .body();
  }

  private static void damage(Damage damage, Path index) throws IOException {
    switch (damage) {
      case DELETE -> TestFiles.deleteTree(index);
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

  /**
   * Overwrites a file's bytes in place (the same inode: what a failing disk or a stray process
   * would do).
   */
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

  private static void sleep(long millis) {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
