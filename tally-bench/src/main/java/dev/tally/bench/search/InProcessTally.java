package dev.tally.bench.search;

import dev.tally.server.TallyServer;
import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;

/**
 * Tally started in this process with its default settings on a fresh data directory, so the
 * benchmark can read {@link TallyServer#searchablePosition()} directly (no HTTP round trip in the
 * visibility measurement), plus the workspace token it prints on first start.
 */
final class InProcessTally implements AutoCloseable {
  private final TallyServer server;
  private final String token;
  /** What this Tally owns on shared servers (a PostgreSQL schema, an OpenSearch alias), removed on close; null if nothing. */
  private Runnable cleanup;
  private String alias;

  private InProcessTally(TallyServer server, String token) {
    this.server = server;
    this.token = token;
  }

  static InProcessTally start(Path dataDir) throws Exception {
    return start(Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0", Settings.LOG_FORMAT, "text"));
  }

  /**
   * Tally with the OpenSearch index (a new alias of its own, refresh {@code refresh}) and the store
   * {@code store}: "postgres" (a new schema of its own at {@code pgUrl}) or "sqlite" (in {@code dataDir});
   * the schema and the alias's generations are removed on close.
   */
  static InProcessTally startOnOpenSearch(Path dataDir, String store, String pgUrl, String osUrl, String refresh) throws Exception {
    String suffix = Long.toHexString(java.util.concurrent.ThreadLocalRandom.current().nextLong() & Long.MAX_VALUE);
    String schema = "bench_fresh_" + suffix;
    String alias = "bench-fresh-" + suffix;
    Map<Setting, String> flags = new java.util.HashMap<>(Map.of(Settings.DATA, dataDir.toString(), Settings.PORT, "0",
        Settings.LOG_FORMAT, "text", Settings.STORE, store, Settings.INDEX, "opensearch", Settings.INDEX_URL, osUrl,
        Settings.INDEX_ALIAS, alias, Settings.INDEX_REFRESH, refresh));
    if (store.equals("postgres")) {
      flags.put(Settings.STORE_URL, pgUrl);
      flags.put(Settings.STORE_SCHEMA, schema);
    }
    Runnable cleanup = () -> {
      try (RawOpenSearch raw = new RawOpenSearch(osUrl)) {
        raw.deleteAll(alias + "-");
      } catch (RuntimeException e) {
        Report.progress("could not delete the OpenSearch indexes " + alias + "-*: " + e.getMessage());
      }
      if (store.equals("postgres")) {
        try (java.sql.Connection c = java.sql.DriverManager.getConnection(pgUrl); java.sql.Statement st = c.createStatement()) {
          st.execute("DROP SCHEMA IF EXISTS " + schema + " CASCADE");
        } catch (java.sql.SQLException e) {
          Report.progress("could not drop the schema " + schema + ": " + e.getMessage());
        }
      }
    };
    try {
      InProcessTally t = start(flags);
      t.cleanup = cleanup;
      t.alias = alias;
      return t;
    } catch (Exception | Error e) {
      cleanup.run();
      throw e;
    }
  }

  /** The OpenSearch alias this Tally searches through (null on Lucene). */
  String alias() {
    return alias;
  }

  private static InProcessTally start(Map<Setting, String> flags) throws Exception {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    TallyServer server = TallyServer.start(Config.resolve(flags, n -> null), "bench-admin", new PrintStream(out, true, StandardCharsets.UTF_8));
    String token = out.toString(StandardCharsets.UTF_8).lines().filter(l -> l.startsWith("TALLY_TOKEN="))
        .map(l -> l.substring("TALLY_TOKEN=".length())).findFirst().orElse(null);
    if (token == null) {
      server.close();
      throw new IllegalStateException("Tally printed no TALLY_TOKEN line on first start: " + out);
    }
    return new InProcessTally(server, token);
  }

  TallyServer server() {
    return server;
  }

  String token() {
    return token;
  }

  URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  @Override
  public void close() {
    try {
      server.close();
    } finally {
      if (cleanup != null) {
        cleanup.run();
      }
    }
  }
}
