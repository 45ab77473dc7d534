package dev.tally.store.postgres;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactPatch;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.model.OplogEntry;
import dev.tally.core.store.Written;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * T5 on PostgreSQL: two stores (as two Tally processes) write to one database while a reader tails
 * the oplog. A transaction held open for seconds must not be passed over, and the reader must see
 * every entry exactly once, in increasing order. Identities stay unique across the two as well.
 */
class PostgresOplogOrderIT {
  private String schema;
  private PostgresStore a;
  private PostgresStore b;
  private long ws;
  private long other;

  @BeforeEach
  void open() {
    schema = PgTestDatabase.createSchema();
    a = PostgresStore.open(PgTestDatabase.options(schema));
    b = PostgresStore.open(PgTestDatabase.options(schema));
    ws = a.write(tx -> tx.createWorkspace("acme")).value().id();
    // Writes to one workspace already queue behind its contact-count row; the other workspace's do
    // not, so only the oplog mechanism stands between them and a skipped entry.
    other = b.write(tx -> tx.createWorkspace("globex")).value().id();
  }

  @AfterEach
  void close() {
    a.close();
    b.close();
    PgTestDatabase.dropSchema(schema);
  }

  private static ContactPatch patch(String email) {
    try {
      return ContactPatchParser.parse(
          new com.fasterxml.jackson.databind.ObjectMapper()
              .readTree("{\"email\":\"" + email + "\"}"),
          ContactPatchParser.Mode.CREATE);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** Tails the oplog like the projector, recording every position it is handed. */
  private static final class Tailer implements Runnable {
    final PostgresStore store;
    final List<Long> seen = new ArrayList<>();
    final AtomicBoolean stop = new AtomicBoolean();
    volatile long after;

    Tailer(PostgresStore store, long from) {
      this.store = store;
      this.after = from;
    }

    @Override
    public void run() {
      // After stop, one last read that finds nothing new ends it.
      while (true) {
        boolean last = stop.get();
        List<OplogEntry> entries = store.oplog(after, 100);
        for (OplogEntry e : entries) {
          seen.add(e.position());
          after = e.position();
        }
        if (last && entries.isEmpty()) {
          return;
        }
        try {
          Thread.sleep(entries.isEmpty() ? 5 : 0);
        } catch (InterruptedException ex) {
          return;
        }
      }
    }
  }

  @Test
  void aTransactionHeldOpenForSecondsIsNotSkipped() throws Exception {
    long start = b.head();
    Tailer tailer = new Tailer(b, start);
    Thread reader = Thread.ofPlatform().name("oplog-tailer").start(tailer);
    ExecutorService pool = Executors.newFixedThreadPool(5);
    try {
      CountDownLatch holding = new CountDownLatch(1);
      Future<Written<Contact>> held =
          pool.submit(
              () ->
                  a.write(
                      tx -> {
                        Contact c = tx.createContact(ws, patch("held@example.com"));
                        holding.countDown();
                        sleep(2_000);
                        return c;
                      }));
      holding.await();
      // The other process commits while the first holds its transaction open.
      List<Future<Written<Contact>>> others = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        String email = "other" + i + "@example.com";
        others.add(pool.submit(() -> b.write(tx -> tx.createContact(other, patch(email)))));
      }
      long heldPosition = held.get().position();
      List<Long> otherPositions = new ArrayList<>();
      for (Future<Written<Contact>> f : others) {
        otherPositions.add(f.get().position());
      }
      tailer.stop.set(true);
      reader.join(30_000);

      List<Long> all = b.oplog(start, 1000).stream().map(OplogEntry::position).toList();
      assertEquals(21, all.size());
      assertEquals(all, tailer.seen, "the tailer saw every entry exactly once, in order");
      assertTrue(tailer.seen.contains(heldPosition), "the held transaction's entry was seen");
      for (long p : otherPositions) {
        assertTrue(
            p > heldPosition,
            "committed after the held transaction, so positioned after it: "
                + p
                + " vs "
                + heldPosition);
      }
    } finally {
      tailer.stop.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void twoWritersUnderLoadNeverMakeTheTailerSkip() throws Exception {
    long start = a.head();
    Tailer tailer = new Tailer(a, start);
    Thread reader = Thread.ofPlatform().name("oplog-tailer").start(tailer);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    int perThread = 25;
    try {
      List<Future<?>> fs = new ArrayList<>();
      for (int t = 0; t < 8; t++) {
        PostgresStore store = t % 2 == 0 ? a : b;
        long workspace = t % 4 < 2 ? ws : other;
        int thread = t;
        fs.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perThread; i++) {
                    String email = "w" + thread + "-" + i + "@example.com";
                    store.write(
                        tx -> {
                          Contact c = tx.createContact(workspace, patch(email));
                          if (ThreadLocalRandom.current().nextInt(10) == 0) {
                            sleep(20); // now and then a slow transaction
                          }
                          return c;
                        });
                  }
                  return null;
                }));
      }
      for (Future<?> f : fs) {
        f.get();
      }
      tailer.stop.set(true);
      reader.join(30_000);
      List<Long> all = a.oplog(start, 10_000).stream().map(OplogEntry::position).toList();
      assertEquals(8 * perThread, all.size());
      assertEquals(all, tailer.seen);
      assertEquals(8 * perThread, a.contactCount(ws) + a.contactCount(other));
    } finally {
      tailer.stop.set(true);
      pool.shutdownNow();
    }
  }

  @Test
  void concurrentCreatesOfOneIdentityAcrossProcessesExactlyOneWins() throws Exception {
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<Boolean>> results = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        PostgresStore store = i % 2 == 0 ? a : b;
        results.add(
            pool.submit(
                () -> {
                  try {
                    store.write(tx -> tx.createContact(ws, patch("Race@Example.com")));
                    return true;
                  } catch (dev.tally.core.TallyException e) {
                    assertEquals("conflict", e.code(), e.getMessage());
                    return false;
                  }
                }));
      }
      int wins = 0;
      for (Future<Boolean> f : results) {
        wins += f.get() ? 1 : 0;
      }
      assertEquals(1, wins);
      assertEquals(1, b.contactCount(ws));
    } finally {
      pool.shutdownNow();
    }
  }

  private static void sleep(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
