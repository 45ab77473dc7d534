package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;

/**
 * Snapshots asked for at once (issue 11, finding 8): one is taken, the others are told so with a
 * 409; none fails with a 500 or a 503 from another's prune, and no answer shows a file path.
 */
class SnapshotConcurrencyTest extends ApiTestBase {

  @Test
  void concurrentSnapshotsAreTakenOneAtATime() throws Exception {
    for (int i = 0; i < 200; i++) {
      post(
          "/contacts",
          "{\"email\":\"snap" + i + "@example.com\",\"name\":\"" + "n".repeat(200) + "\"}");
    }
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      int taken = 0;
      for (int round = 0; round < 5; round++) {
        CountDownLatch go = new CountDownLatch(1);
        List<Future<TallyHttp.Res>> answers = new ArrayList<>();
        for (int k = 0; k < 3; k++) {
          answers.add(
              pool.submit(
                  () -> {
                    go.await();
                    return http.call("POST", "/admin/index/snapshots", ADMIN, "{}");
                  }));
        }
        go.countDown();
        for (Future<TallyHttp.Res> f : answers) {
          TallyHttp.Res r = f.get();
          assertTrue(r.status() == 201 || r.status() == 409, r.toString());
          assertFalse(r.raw().body().contains(data.toString()), "no file path in an answer: " + r);
          if (r.status() == 201) {
            taken++;
          } else {
            assertEquals("conflict", r.code(), r.toString());
          }
        }
      }
      assertTrue(taken >= 5, "at least one snapshot a round: " + taken);
      TallyHttp.Res list = http.call("GET", "/admin/index/snapshots", ADMIN, null);
      assertEquals(200, list.status(), list.toString());
      assertTrue(list.json().get("data").size() >= 1, list.toString());
    } finally {
      pool.shutdownNow();
    }
  }
}
