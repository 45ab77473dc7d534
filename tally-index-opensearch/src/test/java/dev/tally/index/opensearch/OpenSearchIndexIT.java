package dev.tally.index.opensearch;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import dev.tally.core.TallyException;
import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.IndexBatch;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What only a real server has: outages, missing indexes, refused bulk items, and generations behind
 * the alias.
 */
class OpenSearchIndexIT {
  static final long WS = (1L << 53) + 3;
  private final List<OpenSearchOptions> created = new ArrayList<>();
  private HttpServer fake;

  @AfterEach
  void cleanUp() {
    created.forEach(TestNode::deleteAll);
    if (fake != null) {
      fake.stop(0);
    }
  }

  private OpenSearchOptions fresh() {
    OpenSearchOptions o = TestNode.options("tally-os-test");
    created.add(o);
    return o;
  }

  static ContactDocument contact(long id, long version, String name) {
    return new ContactDocument(
        new Contact(id, WS, version, Map.of(ContactField.NAME, name), Map.of()), Map.of());
  }

  static SearchRequest byName(String name) {
    return new SearchRequest(
        WS,
        new Query.Filter(new Field.Standard(ContactField.NAME), Operator.EQ, List.of(name), false),
        null,
        10,
        null,
        0);
  }

  @Test
  void unreachableOpenSearchIsARetriable503NamingTheUrl() {
    OpenSearchOptions o =
        OpenSearchOptions.defaults("http://127.0.0.1:1").withRetries(2, Duration.ofMillis(1));
    TallyException e = assertThrows(TallyException.class, () -> OpenSearchIndex.open(o));
    assertEquals(503, e.kind().status);
    assertTrue(e.retriable());
    assertTrue(
        e.getMessage().contains("OpenSearch is unreachable at http://127.0.0.1:1"), e.getMessage());
  }

  @Test
  void aDeletedIndexMakesSearchesAndWritesFailWith503() {
    OpenSearchOptions o = fresh();
    try (OpenSearchIndex index = OpenSearchIndex.open(o)) {
      index.apply(new IndexBatch(List.of(contact(WS + 1, 1, "ann")), List.of(), List.of(), 1));
      TestNode.deleteAll(o);
      TallyException search = assertThrows(TallyException.class, () -> index.search(byName("ann")));
      assertEquals(503, search.kind().status, search.getMessage());
      assertTrue(search.getMessage().contains("does not exist"), search.getMessage());
      TallyException write =
          assertThrows(
              TallyException.class,
              () ->
                  index.apply(
                      new IndexBatch(List.of(contact(WS + 1, 2, "ann")), List.of(), List.of(), 2)));
      assertEquals(503, write.kind().status, write.getMessage());
      assertEquals(1, index.appliedPosition());
    }
  }

  @Test
  void aRebuildFillsANewGenerationAndSwapsTheAliasAtomically() {
    OpenSearchOptions o = fresh();
    try (OpenSearchIndex serving = OpenSearchIndex.open(o)) {
      serving.apply(new IndexBatch(List.of(contact(WS + 1, 1, "old")), List.of(), List.of(), 4));
      serving.refresh();
      try (OpenSearchIndex next = OpenSearchIndex.createGeneration(o)) {
        assertEquals(o.alias() + "-2", next.target());
        next.load(List.of(contact(WS + 1, 2, "new")));
        next.apply(new IndexBatch(List.of(contact(WS + 2, 1, "new")), List.of(), List.of(), 5));
        assertEquals(
            List.of(WS + 1),
            serving.search(byName("old")).ids()); // the old generation serves until the swap
        assertEquals(List.of(o.alias() + "-1"), next.promote());
        assertEquals(List.of(WS + 1, WS + 2), serving.search(byName("new")).ids());
        assertThrows(IllegalStateException.class, () -> next.dropGeneration(o.alias() + "-2"));
        next.dropGeneration(o.alias() + "-1");
      }
      try (OpenSearchIndex reopened = OpenSearchIndex.open(o)) {
        assertEquals(5, reopened.appliedPosition());
        assertEquals(2, reopened.count(WS));
      }
    }
  }

  @Test
  void aRefusedBulkItemFailsTheBatchAndTheRetriableOnesAreRetried() throws IOException {
    AtomicInteger bulks = new AtomicInteger();
    List<String> itemStatus = List.of("429", "201", "400");
    fake = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    fake.createContext(
        "/",
        exchange -> {
          String path = exchange.getRequestURI().getPath();
          String body;
          int status = 200;
          if (path.startsWith("/_alias/")) {
            body = "{\"t-1\":{\"aliases\":{\"t\":{}}}}";
          } else if (path.endsWith("/_doc/tally-position")
              && exchange.getRequestMethod().equals("GET")) {
            status = 404;
            body = "{\"_index\":\"t-1\",\"_id\":\"tally-position\",\"found\":false}";
          } else if (path.endsWith("/_bulk")) {
            String s = itemStatus.get(Math.min(bulks.getAndIncrement(), itemStatus.size() - 1));
            String error =
                s.equals("201")
                    ? ""
                    : ",\"error\":{\"type\":\""
                        + (s.equals("429")
                            ? "es_rejected_execution_exception"
                            : "mapper_parsing_exception")
                        + "\",\"reason\":\"test\"}";
            body =
                "{\"errors\":"
                    + !s.equals("201")
                    + ",\"items\":[{\"index\":{\"_id\":\""
                    + (WS + 1)
                    + "\",\"status\":"
                    + s
                    + error
                    + "}}]}";
          } else {
            body = "{\"result\":\"created\"}";
          }
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(status, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    fake.start();
    OpenSearchOptions o =
        OpenSearchOptions.defaults("http://127.0.0.1:" + fake.getAddress().getPort())
            .withAlias("t")
            .withRetries(3, Duration.ofMillis(1));
    try (OpenSearchIndex index = OpenSearchIndex.open(o)) {
      index.apply(new IndexBatch(List.of(contact(WS + 1, 1, "ann")), List.of(), List.of(), 1));
      assertEquals(2, bulks.get(), "the 429 item made the bulk go again");
      assertEquals(1, index.appliedPosition());
      TallyException e =
          assertThrows(
              TallyException.class,
              () ->
                  index.apply(
                      new IndexBatch(List.of(contact(WS + 1, 2, "ann")), List.of(), List.of(), 2)));
      assertTrue(
          e.getMessage().contains("mapper_parsing_exception")
              && e.getMessage().contains(Long.toString(WS + 1)),
          e.getMessage());
      assertEquals(1, index.appliedPosition(), "a failed batch does not move the position");
    }
  }
}
