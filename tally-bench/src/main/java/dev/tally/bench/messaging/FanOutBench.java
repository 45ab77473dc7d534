package dev.tally.bench.messaging;

import dev.tally.bench.common.BenchFiles;
import dev.tally.bench.common.BenchOptions;
import dev.tally.bench.common.Report;
import dev.tally.bench.common.SqlitePragmas;
import dev.tally.bench.search.RecoveryBench;
import java.net.URI;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Issue 13, "Measure": a broadcast fanned out to every contact of a store of {@code --contacts}
 * (1,000,000), sends queued per second, against inserting the same rows with JDBC batches into the
 * same SQLite file.
 *
 * <p>Tally runs in this process on SQLite and Lucene, loaded as {@code bin/bench recovery} loads it
 * (contacts written straight into the store, the index rebuilt at start). Messaging is paused (the
 * kill switch), so the sends stay queued and nothing delivers. A broadcast campaign without an
 * audience is created and started; Tally's time runs from the start request to the moment the
 * campaign is marked fanned out (its last page queued; polled every 20 ms), and includes everything
 * fan-out does: reading the matching ids from the index page by page at the start position, and a
 * write transaction per page of 1,000 that inserts each send (unique key, {@code ON CONFLICT DO
 * NOTHING RETURNING id}) and its oplog entry.
 *
 * <p>The peers then write the same rows (the same contact ids, for a second campaign) into the same
 * file with one JDBC connection set up as Tally's writer (WAL, synchronous=FULL): batches of 1,000
 * rows ({@code addBatch}/{@code executeBatch}), one commit per batch; the first the send rows
 * alone, the second each send row and an oplog row, as Tally writes them. Tally is stopped while
 * the peers run, so that nothing else writes.
 */
public final class FanOutBench {
  private FanOutBench() {}

  public static final String USAGE = "fanout         [--contacts 1000000] [--dir DIR]";

  private static final int BATCH = 1000;

  public static void run(BenchOptions o) throws Exception {
    o.allowOnly("contacts", "dir", "out");
    int n = o.positive("contacts", 1_000_000);
    Path data = o.freshDir("tally-bench-fanout", "data");
    Report report = new Report(String.format(Locale.ROOT, "Broadcast fan-out to %,d contacts", n));
    long campaign;
    long peerCampaign;
    long peerCampaign2;
    long ws;
    double tallySeconds;
    Map<String, Long> counts;
    RecoveryBench.Prepared p = RecoveryBench.prepare(data, n);
    try (p) {
      CampaignClient api = new CampaignClient(p.tally());
      ws = api.workspace;
      api.pauseMessaging();
      String definition =
          "{\"name\": \"NAME\", \"trigger\": {\"type\": \"broadcast\"}, \"steps\": ["
              + CampaignClient.webhookStep(URI.create("http://127.0.0.1:9/never"))
              + "]}";
      campaign = api.create(definition.replace("NAME", "bench broadcast"));
      peerCampaign = api.create(definition.replace("NAME", "peer rows"));
      peerCampaign2 = api.create(definition.replace("NAME", "peer rows and oplog"));
      Report.progress("fanning out a broadcast to " + n + " contacts");
      long t0 = System.nanoTime();
      api.start(campaign);
      api.awaitFannedOut(campaign, Duration.ofMinutes(30));
      tallySeconds = (System.nanoTime() - t0) / 1e9;
      counts = api.counts(campaign);
    }
    long queued = counts.getOrDefault("queued", 0L);
    if (queued != n) {
      throw new IllegalStateException(
          "the broadcast queued " + queued + " sends for " + n + " contacts: " + counts);
    }
    Report.progress("peers: the same rows with JDBC batches");
    double peerSeconds;
    double peerOplogSeconds;
    try (Connection c =
        SqlitePragmas.tallyWriter()
            .createConnection("jdbc:sqlite:" + data.resolve("tally.db").toAbsolutePath())) {
      long[] contacts = contactIds(c, campaign, n);
      peerSeconds = insert(c, ws, peerCampaign, contacts, false);
      peerOplogSeconds = insert(c, ws, peerCampaign2, contacts, true);
    } finally {
      BenchFiles.deleteTree(data);
    }
    double tallyRate = n / tallySeconds;
    double peerRate = n / peerSeconds;
    double peerOplogRate = n / peerOplogSeconds;
    report.line(
        String.format(
            Locale.ROOT,
            "- store: SQLite, %,d contacts loaded straight into the store (%.1f s), index rebuilt at"
                + " start (%.1f s); messaging paused, so the sends stay queued",
            n,
            p.loadSeconds(),
            p.startupSeconds()));
    report.table(
        List.of("writer", "seconds", "sends queued per second", "Tally ÷ writer"),
        List.of(
            List.of(
                "Tally: broadcast start → fanned out (index pages + a transaction per 1,000 sends and"
                    + " their oplog entries)",
                String.format(Locale.ROOT, "%.1f", tallySeconds),
                String.format(Locale.ROOT, "%,.0f", tallyRate),
                "—"),
            List.of(
                "JDBC batches of 1,000, one commit each: the send rows",
                String.format(Locale.ROOT, "%.1f", peerSeconds),
                String.format(Locale.ROOT, "%,.0f", peerRate),
                Report.ratio(tallyRate, peerRate)),
            List.of(
                "JDBC batches of 1,000, one commit each: the send rows and an oplog row each",
                String.format(Locale.ROOT, "%.1f", peerOplogSeconds),
                String.format(Locale.ROOT, "%,.0f", peerOplogRate),
                Report.ratio(tallyRate, peerOplogRate))));
    report.line(
        "- goal: Tally ≥ 0.5× the JDBC batches of the send rows: "
            + Report.metAtLeast(tallyRate / peerRate, 0.5));
    report.finish(o.out());
  }

  /** The contacts the broadcast queued, in the order it queued them. */
  private static long[] contactIds(Connection c, long campaign, int n) throws SQLException {
    long[] ids = new long[n];
    int i = 0;
    try (PreparedStatement s =
        c.prepareStatement("SELECT contact_id FROM sends WHERE campaign_id = ? ORDER BY id")) {
      s.setLong(1, campaign);
      try (ResultSet rs = s.executeQuery()) {
        while (rs.next()) {
          ids[i++] = rs.getLong(1);
        }
      }
    }
    return ids;
  }

  /** Inserts a queued send (and with {@code oplog} its entry) per contact; the seconds it took. */
  private static double insert(Connection c, long ws, long campaign, long[] contacts, boolean oplog)
      throws SQLException {
    c.setAutoCommit(false);
    long now = System.currentTimeMillis();
    long t0 = System.nanoTime();
    try (PreparedStatement send =
            c.prepareStatement(
                "INSERT INTO sends (workspace_id, campaign_id, step, contact_id, occurrence, state,"
                    + " due_at, expires_at, attempts, version, created_at, updated_at)"
                    + " VALUES (?, ?, 0, ?, 0, 'queued', ?, ?, 0, 1, ?, ?)");
        PreparedStatement entry =
            c.prepareStatement(
                "INSERT INTO oplog (workspace_id, entity, entity_id, version, op, at)"
                    + " VALUES (?, 'send', ?, 1, 'create', ?)")) {
      for (int at = 0; at < contacts.length; at += BATCH) {
        int end = Math.min(contacts.length, at + BATCH);
        for (int i = at; i < end; i++) {
          send.setLong(1, ws);
          send.setLong(2, campaign);
          send.setLong(3, contacts[i]);
          send.setLong(4, now);
          send.setLong(5, now + 86_400_000L);
          send.setLong(6, now);
          send.setLong(7, now);
          send.addBatch();
          if (oplog) {
            entry.setLong(1, ws);
            entry.setLong(2, contacts[i]); // any id: the peer's rows are never read
            entry.setLong(3, now);
            entry.addBatch();
          }
        }
        send.executeBatch();
        if (oplog) {
          entry.executeBatch();
        }
        c.commit();
      }
    }
    return (System.nanoTime() - t0) / 1e9;
  }
}
