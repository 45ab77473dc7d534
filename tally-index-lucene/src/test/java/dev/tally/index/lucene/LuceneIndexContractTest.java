package dev.tally.index.lucene;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.core.index.ContactDocument;
import dev.tally.core.index.SearchIndex;
import dev.tally.core.index.SearchPage;
import dev.tally.core.index.SearchRequest;
import dev.tally.core.index.SearchTimedOut;
import dev.tally.core.model.ContactField;
import dev.tally.core.query.Field;
import dev.tally.core.query.Operator;
import dev.tally.core.query.Query;
import dev.tally.testkit.IndexContract;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The index contract on Lucene, in a directory per test; commits on every apply so a reopen sees
 * them all.
 */
class LuceneIndexContractTest extends IndexContract {
  @TempDir Path dir;

  @Override
  protected SearchIndex open() {
    return LuceneIndex.open(dir, 0);
  }

  @Test
  void aDeadlineThatPassesMidSearchNeverYieldsAPartialPage() {
    // Deadlines from before the search starts to long after it ends: each search either answers
    // the whole truth or throws SearchTimedOut; a deadline inside the search stops Lucene's
    // collection, which must not come back as a page with a short total.
    List<ContactDocument> docs = new ArrayList<>();
    for (int i = 0; i < 20_000; i++) {
      docs.add(contact(WS, BASE_ID + i, 1, "name" + i, (long) (i % 7)));
    }
    apply(new dev.tally.core.index.IndexBatch(docs, List.of(), List.of(), 1));
    Query q =
        new Query.Group(
            Query.Logic.OR,
            List.of(
                new Query.Filter(
                    new Field.Standard(ContactField.NAME), Operator.CONTAINS, List.of("1"), false),
                new Query.Filter(
                    new Field.Standard(ContactField.NAME),
                    Operator.ENDS_WITH,
                    List.of("7"),
                    false)));
    long expected = 0;
    for (int i = 0; i < 20_000; i++) {
      String name = "name" + i;
      expected += name.contains("1") || name.endsWith("7") ? 1 : 0;
    }
    int timedOut = 0;
    int answered = 0;
    for (long micros = 0; micros <= 200_000; micros = micros == 0 ? 50 : micros * 2) {
      for (SearchRequest.Sort sort :
          new SearchRequest.Sort[] {null, new SearchRequest.Sort(new Field.Id(), true)}) {
        SearchRequest r =
            new SearchRequest(WS, q, sort, 10, null, NOW, System.nanoTime() + micros * 1000);
        try {
          SearchPage page = index.search(r);
          assertEquals(expected, page.total(), "a page answered with a deadline of " + micros);
          assertEquals(10, page.ids().size());
          answered++;
        } catch (SearchTimedOut e) {
          timedOut++;
        }
      }
    }
    assertTrue(timedOut > 0, "the earliest deadlines stop the search");
    assertTrue(answered > 0, "the latest deadlines let it finish");
  }
}
