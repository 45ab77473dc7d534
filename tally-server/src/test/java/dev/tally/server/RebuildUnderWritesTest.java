package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.projection.Verifier;
import dev.tally.core.verify.IdVersion;
import dev.tally.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * An online rebuild (POST /admin/index/rebuild) while writers create, update and delete contacts
 * and record events: after the swap every contact in the index is at its store version (the
 * verifier and an id-by-id comparison agree), and no search during the rebuilds answers 200 without
 * an acknowledged contact it was asked to include (Tally-Min-Position).
 */
class RebuildUnderWritesTest extends ApiTestBase {
  private static final int SEEDED = 6000;
  private static final int REBUILDS = 3;

  @Test
  void rebuildsUnderLiveWritesEndWithEveryIdAtItsStoreVersion() throws Exception {
    // Contacts the searcher checks ("keep-"): never deleted, so each acknowledged one must be
    // found.
    Map<String, Long> keep = new ConcurrentHashMap<>(); // id -> position of its acknowledged create
    StringBuilder bulk = new StringBuilder();
    for (int i = 0; i < SEEDED; i++) {
      String prefix = i % 20 == 0 ? "keep-" : "seed-";
      bulk.append("{\"external_id\":\"")
          .append(prefix)
          .append(i)
          .append("\",\"email\":\"")
          .append(prefix)
          .append(i)
          .append("@example.com\"}\n");
    }
    TallyHttp.Res seeded = post("/contacts/bulk", bulk.toString());
    assertEquals(200, seeded.status(), seeded.toString());
    long seededAt = Long.parseLong(seeded.json().get("position").asText());
    List<String> seedIds = new ArrayList<>();
    String cursor = null;
    do {
      JsonNode page =
          search(
                  "{\"field\":\"external_id\",\"operator\":\"^\",\"value\":\"keep-\"}",
                  cursor,
                  seededAt)
              .json();
      page.get("data").forEach(c -> keep.put(c.get("id").asText(), seededAt));
      cursor = next(page);
    } while (cursor != null);
    assertEquals(SEEDED / 20, keep.size());
    for (String id : keep.keySet()) {
      seedIds.add(id);
    }

    AtomicBoolean stop = new AtomicBoolean();
    AtomicLong maxAcked = new AtomicLong(seededAt);
    AtomicInteger writes = new AtomicInteger();
    ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    ConcurrentLinkedQueue<String> deletable = new ConcurrentLinkedQueue<>();
    AtomicInteger n = new AtomicInteger();
    List<Thread> writers = new ArrayList<>();
    for (int w = 0; w < 4; w++) {
      writers.add(
          Thread.ofPlatform()
              .name("writer-" + w)
              .start(
                  () -> {
                    TallyHttp client = new TallyHttp(server.port());
                    ThreadLocalRandom rnd = ThreadLocalRandom.current();
                    while (!stop.get()) {
                      int op = rnd.nextInt(100);
                      int i = n.incrementAndGet();
                      TallyHttp.Res r;
                      String deleting = op < 10 ? deletable.poll() : null;
                      if (deleting != null) {
                        r = client.call("DELETE", "/contacts/" + deleting, token, null);
                      } else if (op < 50) {
                        String prefix = i % 3 == 0 ? "keep-w" : "tmp-";
                        r =
                            client.call(
                                "POST",
                                "/contacts",
                                token,
                                "{\"external_id\":\""
                                    + prefix
                                    + i
                                    + "\",\"email\":\""
                                    + prefix
                                    + i
                                    + "@example.com\"}");
                        if (r.status() == 200) {
                          String id = r.json().get("id").asText();
                          if (prefix.equals("keep-w")) {
                            keep.put(id, r.position());
                          } else {
                            deletable.add(id);
                          }
                        }
                      } else if (op < 80) {
                        r =
                            client.call(
                                "PUT",
                                "/contacts/" + seedIds.get(rnd.nextInt(seedIds.size())),
                                token,
                                "{\"name\":\"n" + i + "\"}");
                      } else {
                        r =
                            client.call(
                                "POST",
                                "/events",
                                token,
                                "{\"event_name\":\"tick\",\"created_at\":"
                                    + (1_700_000_000L + i)
                                    + ",\"id\":\""
                                    + seedIds.get(rnd.nextInt(seedIds.size()))
                                    + "\"}");
                      }
                      if (r.status() / 100 != 2) {
                        failures.add("write: " + r);
                      } else {
                        writes.incrementAndGet();
                        maxAcked.accumulateAndGet(r.position(), Math::max);
                      }
                    }
                  }));
    }
    // The searcher: every contact in keep acknowledged at or below P must be in a 200 answered with
    // Tally-Min-Position P.
    AtomicInteger searches = new AtomicInteger();
    AtomicInteger unavailable = new AtomicInteger();
    Thread searcher =
        Thread.ofPlatform()
            .name("searcher")
            .start(
                () -> {
                  while (!stop.get()) {
                    long p = maxAcked.get();
                    Set<String> expected = new HashSet<>();
                    keep.forEach(
                        (id, at) -> {
                          if (at <= p) {
                            expected.add(id);
                          }
                        });
                    Set<String> found = new HashSet<>();
                    String c = null;
                    boolean ok = true;
                    do {
                      TallyHttp.Res r =
                          search(
                              "{\"field\":\"external_id\",\"operator\":\"^\",\"value\":\"keep-\"}",
                              c,
                              p);
                      if (r.status() == 503) {
                        unavailable.incrementAndGet();
                        ok = false;
                        break;
                      }
                      if (r.status() != 200) {
                        failures.add("search: " + r);
                        ok = false;
                        break;
                      }
                      r.json().get("data").forEach(x -> found.add(x.get("id").asText()));
                      c = next(r.json());
                    } while (c != null);
                    if (ok) {
                      searches.incrementAndGet();
                      expected.removeAll(found);
                      if (!expected.isEmpty()) {
                        failures.add(
                            "a search with Tally-Min-Position "
                                + p
                                + " answered 200 without acknowledged contacts "
                                + expected);
                      }
                    }
                  }
                });

    Await.until("the writers are writing", Duration.ofSeconds(30), writes::get, count -> count > 0);
    List<String> generations = new ArrayList<>();
    for (int r = 0; r < REBUILDS; r++) {
      int before = writes.get();
      TallyHttp.Res started = http.call("POST", "/admin/index/rebuild", ADMIN, "{}");
      assertEquals(202, started.status(), started.toString());
      JsonNode status =
          Await.until(
              "rebuild " + r,
              Duration.ofSeconds(120),
              () -> http.call("GET", "/admin/index/rebuild", ADMIN, null).json(),
              s -> !s.get("state").asText().equals("running"));
      assertEquals("done", status.get("state").asText(), status.toString());
      generations.add(status.get("generation").asText());
      assertTrue(
          writes.get() > before,
          "no write was acknowledged during rebuild " + r + "; the test did not test anything");
      int after = writes.get();
      // Writes between two rebuilds too, so that the next one starts on a store that moved.
      Await.until(
          "writes after rebuild " + r, Duration.ofSeconds(30), writes::get, count -> count > after);
    }
    stop.set(true);
    for (Thread t : writers) {
      t.join();
    }
    searcher.join();
    System.out.println(
        "RebuildUnderWritesTest: "
            + writes.get()
            + " writes, "
            + searches.get()
            + " complete searches, "
            + unavailable.get()
            + " answered 503, generations "
            + generations);
    assertTrue(failures.isEmpty(), failures.size() + " failures, first: " + failures.peek());
    assertTrue(
        searches.get() >= REBUILDS, "too few searches ran to say anything: " + searches.get());

    // After the swaps: the verifier agrees, and so does a comparison of every (id, version).
    Verifier.Report report = server.indexes().verify(false);
    assertTrue(
        report.agree(), "store and index differ after the rebuilds: " + report.differences());
    long head = server.store().head();
    Await.until(
        "the index searchable up to " + head,
        Duration.ofSeconds(30),
        server::searchablePosition,
        p -> p >= head);
    Map<Long, Long> inStore = new HashMap<>();
    server
        .store()
        .versions(Long.MIN_VALUE, Long.MAX_VALUE)
        .forEach(v -> inStore.put(v.id(), v.version()));
    Map<Long, Long> inIndex = new HashMap<>();
    for (IdVersion v : server.indexes().serving().versions(Long.MIN_VALUE, Long.MAX_VALUE)) {
      inIndex.put(v.id(), v.version());
    }
    assertEquals(inStore, inIndex, "every id at its store version, and no other");
    assertTrue(inStore.size() > SEEDED, "the writers created contacts");
  }

  private TallyHttp.Res search(String query, String after, long minPosition) {
    String pagination =
        after == null
            ? "{\"per_page\":150}"
            : "{\"per_page\":150,\"starting_after\":\"" + after + "\"}";
    return new TallyHttp(server.port())
        .call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":" + query + ",\"pagination\":" + pagination + "}",
            Map.of("Tally-Min-Position", Long.toString(minPosition)));
  }

  private static String next(JsonNode page) {
    JsonNode next = page.path("pages").path("next");
    return next.isMissingNode() || next.isNull() ? null : next.get("starting_after").asText();
  }
}
