package dev.tally.index.lucene;

import dev.tally.core.index.SearchIndex;
import dev.tally.testkit.IndexContract;
import java.nio.file.Path;
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
}
