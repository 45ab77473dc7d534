package dev.tally.server.config;

import dev.tally.core.store.WorkspaceLimits;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Every setting of {@code tally serve}, in one list. {@code --help} and the README's settings table
 * are made from it; SettingsDocTest fails when the README drifts.
 */
public final class Settings {
  private Settings() {}

  public static final Setting DATA =
      Setting.of(
          "data",
          Setting.Type.PATH,
          "./data",
          "Data directory: the SQLite store is <data>/tally.db; the Lucene index is under it unless --index-dir says otherwise.");
  public static final Setting HOST =
      Setting.of("host", Setting.Type.STRING, "127.0.0.1", "Address the HTTP API listens on.");
  public static final Setting PORT =
      Setting.of(
          "port", Setting.Type.PORT, "7400", "Port the HTTP API listens on (0 picks a free one).");
  public static final Setting STORE =
      Setting.choice(
          "store",
          "sqlite",
          "Store engine: sqlite (embedded, in <data>, one process) or postgres (--store-url; several processes may share it).",
          "sqlite",
          "postgres");
  public static final Setting STORE_URL =
      Setting.of(
          "store-url",
          Setting.Type.STRING,
          null,
          "With --store postgres: the JDBC URL, e.g. jdbc:postgresql://HOST:5432/DB?user=tally (a password is better given as "
              + "TALLY_STORE_PASSWORD).");
  public static final Setting STORE_SCHEMA =
      Setting.of(
          "store-schema",
          Setting.Type.STRING,
          null,
          "With --store postgres: the schema Tally's tables live in (created if missing); default: the connection's.");
  public static final Setting STORE_PASSWORD =
      Setting.envOnly(
          "store-password",
          Setting.Type.SECRET,
          "With --store postgres: the database password, when the URL does not carry it.");
  public static final Setting INDEX =
      Setting.choice(
          "index",
          "lucene",
          "Search index engine: lucene (embedded, in --index-dir, one process) or opensearch (--index-url; shared by several processes).",
          "lucene",
          "opensearch");
  public static final Setting INDEX_URL =
      Setting.of(
          "index-url",
          Setting.Type.STRING,
          "http://127.0.0.1:9200",
          "With --index opensearch: the cluster's URL.");
  public static final Setting INDEX_ALIAS =
      Setting.of(
          "index-alias",
          Setting.Type.STRING,
          "tally-contacts",
          "With --index opensearch: the alias searches go through; its generations are named <alias>-N (one cluster can serve "
              + "several deployments under different aliases).");
  public static final Setting INDEX_SNAPSHOT_REPOSITORY =
      Setting.of(
          "index-snapshot-repository",
          Setting.Type.STRING,
          "tally-snapshots",
          "With --index opensearch: the snapshot repository Tally's snapshots go to (an fs repository of that name under the "
              + "nodes' path.repo is registered when missing).");
  public static final Setting INDEX_REFRESH =
      Setting.of(
          "index-refresh-interval",
          Setting.Type.DURATION,
          "1s",
          "With --index opensearch: how often OpenSearch makes new writes searchable.");
  public static final Setting INDEX_DIR =
      Setting.of(
          "index-dir",
          Setting.Type.PATH,
          "<data>/index",
          "Directory the Lucene index owns; it can live on fast, ephemeral disk, since it is rebuilt from the store.");
  public static final Setting GENERATION_RETENTION =
      Setting.of(
          "generation-retention",
          Setting.Type.DURATION,
          "10m",
          "How long a replaced index generation is kept after a rebuild switched away from it (removed at the next start in any case).");
  public static final Setting SNAPSHOT_DIR =
      Setting.of(
          "snapshot-dir",
          Setting.Type.PATH,
          "<data>/snapshots",
          "With --index lucene: where snapshots of the index are kept (durable storage, apart from --index-dir); healing restores the newest usable one.");
  public static final Setting SNAPSHOT_INTERVAL =
      Setting.of(
          "snapshot-interval",
          Setting.Type.DURATION,
          "15m",
          "How often a snapshot of the Lucene index is taken (0s: only on demand, with tally snapshot).");
  public static final Setting SNAPSHOT_KEEP =
      Setting.of("snapshot-keep", Setting.Type.INT, "4", "How many snapshots are kept.");
  public static final Setting OPLOG_RETENTION =
      Setting.of(
          "oplog-retention",
          Setting.Type.DURATION,
          "7d",
          "How long oplog entries are kept. An index or snapshot older than that is rebuilt from the store, never replayed with gaps.");
  public static final Setting READY_MAX_LAG =
      Setting.of(
          "ready-max-lag",
          Setting.Type.DURATION,
          "5s",
          "The index is ready only while it is at most this far behind the store (and its counts match the store's).");
  public static final Setting MIN_POSITION_TIMEOUT =
      Setting.of(
          "min-position-timeout",
          Setting.Type.DURATION,
          "5s",
          "How long a search with Tally-Min-Position waits for the index to reach that position before answering 503.");
  public static final Setting VERIFY_INTERVAL =
      Setting.of(
          "verify-interval",
          Setting.Type.DURATION,
          "5m",
          "How often the background verifier compares the index with the store and repairs what differs (0s: never).");
  public static final Setting QUERY_MAX_DEPTH =
      Setting.of(
          "query-max-depth",
          Setting.Type.INT,
          "10",
          "Deepest nesting of AND/OR groups a query may have.");
  public static final Setting QUERY_MAX_GROUP =
      Setting.of(
          "query-max-group",
          Setting.Type.INT,
          "100",
          "Most filters or groups one AND/OR group may hold.");
  public static final Setting QUERY_MAX_FILTERS =
      Setting.of(
          "query-max-filters",
          Setting.Type.INT,
          "100",
          "Most filters one search query may hold in all its groups (each may visit every contact of the workspace).");
  public static final Setting QUERY_MAX_PATTERNS =
      Setting.of(
          "query-max-patterns",
          Setting.Type.INT,
          "20",
          "Most ~, !~, ^ and $ filters one search query may hold (each scans the index's terms).");
  public static final Setting QUERY_MAX_VALUES =
      Setting.of(
          "query-max-values",
          Setting.Type.INT,
          "10000",
          "Most values one search query may hold in all its filters, IN lists included (each IN list at most 1,000).");
  public static final Setting SEARCH_THREADS =
      Setting.of(
          "search-threads",
          Setting.Type.COUNT,
          "0",
          "Threads that run index searches (0: one per CPU core). Searches run apart from the HTTP threads, so health, metrics and writes answer under any search load.");
  public static final Setting SEARCH_QUEUE =
      Setting.of(
          "search-queue",
          Setting.Type.COUNT,
          "32",
          "Searches that may wait for a search thread; past that a search is answered 503 search_busy with Retry-After at once.");
  public static final Setting SEARCH_TIMEOUT =
      Setting.of(
          "search-timeout",
          Setting.Type.DURATION,
          "5s",
          "How long a search may take, waiting for a thread included, before it is stopped and answered 503 search_timeout with Retry-After.");
  public static final Setting MAX_BODY =
      Setting.of(
          "max-body",
          Setting.Type.BYTES,
          "1MiB",
          "Largest request body accepted; larger ones get 413.");
  public static final Setting MAX_BULK_BODY =
      Setting.of(
          "max-bulk-body",
          Setting.Type.BYTES,
          "32MiB",
          "Largest POST /contacts/bulk body (NDJSON, at most 10,000 lines); larger ones get 413.");
  public static final Setting MAX_EVENT_NAMES =
      Setting.of(
          "max-event-names",
          Setting.Type.INT,
          Integer.toString(WorkspaceLimits.DEFAULTS.maxEventNames()),
          "Most distinct event names one workspace may have; an event with a new name past it gets 400 "
              + "event_name_limit_reached (names it has still work). A name stays counted once used.");
  public static final Setting MAX_CUSTOM_ATTRIBUTES =
      Setting.of(
          "max-custom-attributes",
          Setting.Type.INT,
          Integer.toString(WorkspaceLimits.DEFAULTS.maxCustomAttributes()),
          "Most custom data attributes one workspace may have of each model (contacts, companies), however "
              + "defined; a write that would define one more gets 400 custom_data_limit_reached "
              + "(attributes it has still work).");
  public static final Setting WRITE_TIMEOUT =
      Setting.of(
          "write-timeout",
          Setting.Type.DURATION,
          "30s",
          "How long a request waits for its write to commit before answering 503 (retry with the same Idempotency-Key).");
  public static final Setting DRAIN_TIMEOUT =
      Setting.of(
          "drain-timeout",
          Setting.Type.DURATION,
          "30s",
          "On SIGTERM, how long in-flight requests may take to finish before Tally stops.");
  public static final Setting SENDER_INTERVAL =
      Setting.of(
          "sender-interval",
          Setting.Type.DURATION,
          "200ms",
          "How often the sender claims the sends that are due, checks each against the store and delivers it (0s: this process delivers nothing).");
  public static final Setting FANOUT_INTERVAL =
      Setting.of(
          "fanout-interval",
          Setting.Type.DURATION,
          "200ms",
          "How often running campaigns are fanned out: new events and segment entries read from the oplog and queued as sends, broadcasts read from the index (0s: this process fans out nothing). One process at a time does it.");
  public static final Setting SEGMENT_RECHECK_INTERVAL =
      Setting.of(
          "segment-recheck-interval",
          Setting.Type.DURATION,
          "60s",
          "How often segment-entry campaigns whose segment uses relative times (now-7d) judge its members again, so a contact the clock moves into the segment is an entry (0s: never).");
  public static final Setting SENDER_THREADS =
      Setting.of(
          "sender-threads",
          Setting.Type.INT,
          "32",
          "Deliveries in flight at once in this process; a receiver that hangs holds at most its destination's share of them.");
  public static final Setting WEBHOOK_TIMEOUT =
      Setting.of(
          "webhook-timeout",
          Setting.Type.DURATION,
          "10s",
          "How long a webhook receiver has to answer a delivery before it is retried later with the same Idempotency-Key.");
  public static final Setting WEBHOOK_CONCURRENCY =
      Setting.of(
          "webhook-concurrency",
          Setting.Type.INT,
          "16",
          "Deliveries in flight at once to one webhook receiver (scheme, host, port) from this process; more wait briefly, then are queued again. Bounds what a receiver that hangs can hold of --sender-threads.");
  public static final Setting SENDER_LEASE =
      Setting.of(
          "sender-lease",
          Setting.Type.DURATION,
          "60s",
          "How long a sender's claim on a send holds: after a crash, the sends that were in flight are delivered again (with the same Idempotency-Key) once it runs out. At least twice --webhook-timeout.");
  public static final Setting SMTP_URL =
      Setting.of(
          "smtp-url",
          Setting.Type.SECRET,
          null,
          "The SMTP server email sends go through: smtp://user:password@host:587 (STARTTLS when offered) or "
              + "smtps://… (TLS, port 465 by default); user and password percent-encoded. Unset: email sends are "
              + "held. It carries a password: better given as TALLY_SMTP_URL than on the command line; never logged.");
  public static final Setting PUBLIC_URL =
      Setting.of(
          "public-url",
          Setting.Type.STRING,
          null,
          "The URL this Tally is reached at from the internet, e.g. https://tally.example.com: the one-click "
              + "unsubscribe links in emails point below it. Default: http://<host>:<port>, right for local use only.");
  public static final Setting LOG_FORMAT =
      Setting.choice(
          "log-format", "json", "Log lines on standard error: json or text.", "json", "text");
  public static final Setting TEST_ID_OFFSETS =
      Setting.of(
          "test-id-offsets",
          Setting.Type.BOOLEAN,
          "false",
          "For tests: start every id sequence at its own offset above 2^32: above 2^53 too, except teammates and data attributes, whose ids are JSON numbers and stay below 2^53 (only takes effect on a new store).");
  public static final Setting ADMIN_TOKEN =
      Setting.envOnly(
          "admin-token",
          Setting.Type.SECRET,
          "The admin token. When unset, Tally generates one on first start and prints it once.");

  public static final List<Setting> SERVE =
      List.of(
          DATA,
          HOST,
          PORT,
          STORE,
          STORE_URL,
          STORE_SCHEMA,
          STORE_PASSWORD,
          OPLOG_RETENTION,
          INDEX,
          INDEX_URL,
          INDEX_ALIAS,
          INDEX_REFRESH,
          INDEX_SNAPSHOT_REPOSITORY,
          INDEX_DIR,
          GENERATION_RETENTION,
          SNAPSHOT_DIR,
          SNAPSHOT_INTERVAL,
          SNAPSHOT_KEEP,
          MAX_BODY,
          MAX_BULK_BODY,
          MAX_EVENT_NAMES,
          MAX_CUSTOM_ATTRIBUTES,
          WRITE_TIMEOUT,
          DRAIN_TIMEOUT,
          READY_MAX_LAG,
          MIN_POSITION_TIMEOUT,
          VERIFY_INTERVAL,
          QUERY_MAX_DEPTH,
          QUERY_MAX_GROUP,
          QUERY_MAX_FILTERS,
          QUERY_MAX_PATTERNS,
          QUERY_MAX_VALUES,
          SEARCH_THREADS,
          SEARCH_QUEUE,
          SEARCH_TIMEOUT,
          SENDER_INTERVAL,
          FANOUT_INTERVAL,
          SEGMENT_RECHECK_INTERVAL,
          SENDER_THREADS,
          WEBHOOK_TIMEOUT,
          WEBHOOK_CONCURRENCY,
          SENDER_LEASE,
          SMTP_URL,
          PUBLIC_URL,
          LOG_FORMAT,
          TEST_ID_OFFSETS,
          ADMIN_TOKEN);

  /**
   * The settings that name the store and the index (besides --data): the offline commands ({@code
   * rebuild}, {@code verify}, {@code status} with --offline) take them too, so they act on every
   * store and index {@code serve} can run on.
   */
  public static final List<Setting> BACKENDS =
      List.of(
          STORE,
          STORE_URL,
          STORE_SCHEMA,
          STORE_PASSWORD,
          INDEX,
          INDEX_URL,
          INDEX_ALIAS,
          INDEX_SNAPSHOT_REPOSITORY,
          INDEX_DIR,
          SNAPSHOT_DIR);

  /** The README's settings table. */
  public static String markdownTable() {
    String rows =
        SERVE.stream()
            .map(
                s ->
                    "| "
                        + (s.flag() ? "`" + s.flagName() + "`" : "—")
                        + " | `"
                        + s.env()
                        + "` | "
                        + (s.defaultValue() == null ? "—" : "`" + s.defaultValue() + "`")
                        + " | "
                        + s.description()
                        + (s.choices().isEmpty()
                            ? ""
                            : " One of: " + String.join(", ", s.choices()) + ".")
                        + " |")
            .collect(Collectors.joining("\n"));
    return "| flag | environment | default | meaning |\n|---|---|---|---|\n" + rows + "\n";
  }
}
