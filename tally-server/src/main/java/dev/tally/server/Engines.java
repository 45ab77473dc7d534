package dev.tally.server;

import dev.tally.core.TallyException;
import dev.tally.core.store.Store;
import dev.tally.index.opensearch.OpenSearchOptions;
import dev.tally.server.config.Config;
import dev.tally.server.config.Settings;
import dev.tally.server.search.IndexEngine;
import dev.tally.server.search.LeaseKeeper;
import dev.tally.server.search.OpenSearchEngine;
import dev.tally.store.postgres.PostgresOptions;
import dev.tally.store.postgres.PostgresStore;
import java.time.Duration;

/** Opens the production engines named by the settings: the PostgreSQL store and the OpenSearch index. */
final class Engines {
  private Engines() {}

  static PostgresStore postgres(Config config) {
    String url = config.string(Settings.STORE_URL); // present: Config refuses --store postgres without it
    PostgresOptions options;
    try {
      options = PostgresOptions.defaults(url).withTestIdOffsets(config.bool(Settings.TEST_ID_OFFSETS))
          .withWriteTimeout(config.duration(Settings.WRITE_TIMEOUT));
      if (config.string(Settings.STORE_SCHEMA) != null) {
        options = options.withSchema(config.string(Settings.STORE_SCHEMA));
      }
    } catch (IllegalArgumentException e) {
      throw TallyException.invalid("store-url", e.getMessage());
    }
    String password = config.string(Settings.STORE_PASSWORD);
    if (password != null) {
      options = options.withCredentials(options.user(), password);
    }
    return PostgresStore.open(options);
  }

  static IndexEngine openSearch(Config config) {
    String url = config.string(Settings.INDEX_URL);
    try {
      return new OpenSearchEngine(OpenSearchOptions.defaults(url).withAlias(config.string(Settings.INDEX_ALIAS))
          .withRefreshInterval(config.duration(Settings.INDEX_REFRESH)), config.string(Settings.INDEX_SNAPSHOT_REPOSITORY));
    } catch (IllegalArgumentException e) {
      throw TallyException.invalid("index-url", e.getMessage());
    }
  }

  /**
   * The embedded Lucene index lives in one process, so on a shared store only one Tally may run
   * with it: a lease in the store says who does, and a second process refuses to start.
   */
  static LeaseKeeper embeddedIndexLease(Store store) {
    LeaseKeeper lease = new LeaseKeeper(store, "embedded-index", Duration.ofSeconds(15)).start();
    if (!lease.held()) {
      lease.close();
      throw TallyException.conflict("another Tally process serves this PostgreSQL store with an embedded Lucene index; with --index "
          + "lucene Tally runs as one process. Stop the other one, or run every process with --index opensearch to run several");
    }
    return lease;
  }
}
