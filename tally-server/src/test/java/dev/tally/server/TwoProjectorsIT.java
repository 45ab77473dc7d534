package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactPatchParser;
import dev.tally.core.projection.Projector;
import dev.tally.core.projection.Verifier;
import dev.tally.index.opensearch.OpenSearchIndex;
import dev.tally.index.opensearch.OpenSearchOptions;
import dev.tally.store.postgres.PostgresOptions;
import dev.tally.store.postgres.PostgresStore;
import dev.tally.testkit.Await;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * T5's last clause, on the production engines: two projectors apply the same oplog to the same
 * OpenSearch alias at once (the lease bypassed: two Projector instances on two OpenSearchIndex
 * instances), under concurrent creates, updates and deletes. External versions make the double
 * application harmless: the index converges to the store (the verifier agrees, counts equal).
 */
class TwoProjectorsIT {
  private static final long SEED = System.nanoTime();

  @Test
  void twoProjectorsAtOnceConverge() throws Exception {
    System.out.println("TwoProjectorsIT seed " + SEED);
    try (TestEngines engines = new TestEngines()) {
      engines.settings(TestEngines.Combo.POSTGRES_OPENSEARCH); // marks the schema for removal
      OpenSearchOptions os =
          OpenSearchOptions.defaults(TestEngines.openSearchUrl())
              .withAlias(engines.alias)
              .withRefreshInterval(Duration.ofMillis(200))
              .withReplicas(0);
      try (PostgresStore store =
          PostgresStore.open(
              PostgresOptions.defaults(TestEngines.pgUrl())
                  .withSchema(engines.schema)
                  .withTestIdOffsets(true))) {
        BackendLog.ran("postgres", "opensearch");
        long ws = store.write(tx -> tx.createWorkspace("two-projectors")).value().id();
        OpenSearchIndex indexA = OpenSearchIndex.open(os);
        OpenSearchIndex indexB = OpenSearchIndex.open(os);
        // Small batches and short polls: the two interleave as much as they can.
        Projector a = new Projector(store, indexA, Duration.ofMillis(5), 7).start();
        Projector b = new Projector(store, indexB, Duration.ofMillis(7), 11).start();
        List<Long> ids = new CopyOnWriteArrayList<>();
        AtomicBoolean running = new AtomicBoolean(true);
        List<Thread> writers = new ArrayList<>();
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        for (int w = 0; w < 3; w++) {
          Random random = new Random(SEED + w);
          int writer = w;
          writers.add(
              Thread.ofPlatform()
                  .start(
                      () -> {
                        for (int i = 0; running.get(); i++) {
                          try {
                            int op = random.nextInt(10);
                            if (op < 5 || ids.size() < 10) {
                              String email = "p" + writer + "-" + i + "@example.com";
                              ids.add(
                                  store
                                      .write(
                                          tx ->
                                              tx.createContact(
                                                  ws,
                                                  patch(
                                                      "email",
                                                      email,
                                                      ContactPatchParser.Mode.CREATE)))
                                      .value()
                                      .id());
                            } else if (op < 9) {
                              long id = ids.get(random.nextInt(ids.size()));
                              String name = "n" + random.nextInt(1000);
                              store.write(
                                  tx ->
                                      tx.updateContact(
                                          ws,
                                          id,
                                          patch("name", name, ContactPatchParser.Mode.UPDATE)));
                            } else {
                              long id = ids.remove(random.nextInt(ids.size()));
                              store.write(tx -> tx.deleteContact(ws, id));
                            }
                          } catch (TallyException e) {
                            if (!e.code()
                                .equals("not_found")) { // two writers may update or delete the same
                              // contact
                              failures.add(e);
                            }
                          } catch (RuntimeException e) {
                            failures.add(e);
                          }
                        }
                      }));
        }
        Thread.sleep(6_000);
        running.set(false);
        for (Thread t : writers) {
          t.join();
        }
        assertTrue(failures.isEmpty(), failures.toString());
        long head = store.head();
        record Applied(long a, long b, String errors) {}
        Await.until(
            "both projectors reaching " + head,
            Duration.ofSeconds(60),
            () ->
                new Applied(
                    indexA.appliedPosition(),
                    indexB.appliedPosition(),
                    a.lastError() + " / " + b.lastError()),
            applied -> applied.a() >= head && applied.b() >= head);
        a.close();
        b.close();
        indexA.refresh();
        Verifier.Report report = new Verifier(store, indexA, Duration.ofSeconds(30)).verify(null);
        assertTrue(report.agree(), "the index converged: " + report.differences());
        assertEquals(store.contactCount(ws), indexA.count(ws));
        assertEquals(store.contactCount(ws), indexB.count(ws));
        System.out.printf(
            "two projectors: both applied the oplog up to position %d, %d contacts, verifier agrees%n",
            head, store.contactCount(ws));
        indexA.close();
        indexB.close();
      }
    }
  }

  private static dev.tally.core.model.ContactPatch patch(
      String field, String value, ContactPatchParser.Mode mode) {
    ObjectNode body = TallyHttp.JSON.createObjectNode().put(field, value);
    return ContactPatchParser.parse(body, mode);
  }
}
