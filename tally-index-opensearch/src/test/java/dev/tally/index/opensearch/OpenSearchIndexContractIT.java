package dev.tally.index.opensearch;

import dev.tally.core.index.SearchIndex;
import dev.tally.testkit.IndexContract;
import org.junit.jupiter.api.AfterEach;

/** The index contract on OpenSearch: one alias (and so one index) per test, deleted afterwards. */
class OpenSearchIndexContractIT extends IndexContract {
  private final OpenSearchOptions options = TestNode.options("tally-contract");

  @Override
  protected SearchIndex open() {
    return OpenSearchIndex.open(options);
  }

  @Override
  protected void makeVisible(SearchIndex index) {
    ((OpenSearchIndex) index).refresh();
  }

  @AfterEach
  void deleteIndex() {
    TestNode.deleteAll(options);
  }
}
