package dev.tally.bench.search;

import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyIn;

/**
 * Peer B of the segment query: the same rows in a typed PostgreSQL table with a composite btree
 * made for this query (equalities first, then the ranges, id included so count and page can be
 * index-only scans), vacuumed and analyzed; queried with prepared statements on one connection, as
 * a pooled application connection would. The table is dropped on close.
 */
final class PostgresSegmentPeer implements AutoCloseable {
  static final String TABLE = "bench_search_contacts";
  private static final String WHERE =
      " WHERE workspace_id = ? AND role = ? AND plan = ? AND created_at >= ? AND seats < ?";

  private final Connection db;
  private final PreparedStatement count;
  private final PreparedStatement page;
  final double loadSeconds;
  final double indexSeconds;

  private PostgresSegmentPeer(Connection db, double loadSeconds, double indexSeconds)
      throws SQLException {
    this.db = db;
    this.loadSeconds = loadSeconds;
    this.indexSeconds = indexSeconds;
    this.count = db.prepareStatement("SELECT count(*) FROM " + TABLE + WHERE);
    this.page = db.prepareStatement("SELECT id FROM " + TABLE + WHERE + " ORDER BY id LIMIT 50");
  }

  static PostgresSegmentPeer load(String url, String user, SegmentData data) throws Exception {
    Connection db = DriverManager.getConnection(url, user, "");
    try (Statement st = db.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
      st.execute(
          "CREATE TABLE "
              + TABLE
              + " (id bigint PRIMARY KEY, workspace_id bigint NOT NULL, role text NOT NULL, plan text,"
              + " created_at bigint, seats bigint, email text, country text)");
    }
    long t0 = System.nanoTime();
    CopyIn copy =
        db.unwrap(PGConnection.class).getCopyAPI().copyIn("COPY " + TABLE + " FROM STDIN");
    try {
      StringBuilder sb = new StringBuilder(1 << 20);
      for (int i = 0; i < data.n; i++) {
        sb.append(data.id(i))
            .append('\t')
            .append(SegmentData.WORKSPACE)
            .append('\t')
            .append(SegmentData.ROLES[data.role[i]])
            .append('\t')
            .append(SegmentData.PLANS[data.plan[i]])
            .append('\t')
            .append(data.createdAt[i])
            .append('\t')
            .append(data.seats[i])
            .append('\t')
            .append(data.email(i))
            .append('\t')
            .append(SegmentData.COUNTRIES[data.country[i]])
            .append('\n');
        if (sb.length() > (1 << 20) - 200 || i == data.n - 1) {
          byte[] b = sb.toString().getBytes(StandardCharsets.UTF_8);
          copy.writeToCopy(b, 0, b.length);
          sb.setLength(0);
        }
      }
      copy.endCopy();
    } finally {
      if (copy.isActive()) {
        copy.cancelCopy();
      }
    }
    double load = (System.nanoTime() - t0) / 1e9;
    long t1 = System.nanoTime();
    try (Statement st = db.createStatement()) {
      st.execute(
          "CREATE INDEX "
              + TABLE
              + "_segment ON "
              + TABLE
              + " (workspace_id, role, plan, created_at, seats) INCLUDE (id)");
      st.execute("VACUUM ANALYZE " + TABLE);
    }
    return new PostgresSegmentPeer(db, load, (System.nanoTime() - t1) / 1e9);
  }

  SegmentResult run(long ws, long t1, long s) throws SQLException {
    bind(count, ws, t1, s);
    long n;
    try (ResultSet rs = count.executeQuery()) {
      rs.next();
      n = rs.getLong(1);
    }
    bind(page, ws, t1, s);
    List<Long> ids = new ArrayList<>(50);
    try (ResultSet rs = page.executeQuery()) {
      while (rs.next()) {
        ids.add(rs.getLong(1));
      }
    }
    return new SegmentResult(n, ids);
  }

  private static void bind(PreparedStatement ps, long ws, long t1, long s) throws SQLException {
    ps.setLong(1, ws);
    ps.setString(2, "user");
    ps.setString(3, "pro");
    ps.setLong(4, t1);
    ps.setLong(5, s);
  }

  /**
   * The plans PostgreSQL chose (first line of each), the server version and its parallelism
   * setting.
   */
  /** The report's line on PostgreSQL for the benches' segment: load and index times, the plan. */
  String summary() throws SQLException {
    return String.format(
        "- PostgreSQL: COPY %.1f s, index + VACUUM ANALYZE %.1f s; %s",
        loadSeconds, indexSeconds, describe(SegmentData.WORKSPACE, SegmentData.T1, SegmentData.S));
  }

  String describe(long ws, long t1, long s) throws SQLException {
    String where =
        WHERE
            .replaceFirst("\\?", Long.toString(ws))
            .replaceFirst("\\?", "'user'")
            .replaceFirst("\\?", "'pro'")
            .replaceFirst("\\?", Long.toString(t1))
            .replaceFirst("\\?", Long.toString(s));
    StringBuilder sb = new StringBuilder();
    try (Statement st = db.createStatement()) {
      sb.append(first(st, "SHOW server_version"))
          .append("; max_parallel_workers_per_gather=")
          .append(first(st, "SHOW max_parallel_workers_per_gather"))
          .append("; shared_buffers=")
          .append(first(st, "SHOW shared_buffers"));
      sb.append("; count plan: `")
          .append(plan(st, "EXPLAIN SELECT count(*) FROM " + TABLE + where))
          .append('`');
      sb.append("; page plan: `")
          .append(plan(st, "EXPLAIN SELECT id FROM " + TABLE + where + " ORDER BY id LIMIT 50"))
          .append('`');
    }
    return sb.toString();
  }

  private static String first(Statement st, String sql) throws SQLException {
    try (ResultSet rs = st.executeQuery(sql)) {
      rs.next();
      return rs.getString(1);
    }
  }

  private static String plan(Statement st, String sql) throws SQLException {
    List<String> nodes = new ArrayList<>();
    try (ResultSet rs = st.executeQuery(sql)) {
      while (rs.next()) {
        String line = rs.getString(1).trim();
        if (line.startsWith("->")) {
          line = line.substring(2).trim();
        }
        if (!line.startsWith("Index Cond")
            && !line.startsWith("Filter")
            && !line.startsWith("Sort Key")) {
          nodes.add(line.replaceAll("\\s+\\(cost=.*", ""));
        }
      }
    }
    return String.join(" → ", nodes);
  }

  @Override
  public void close() throws SQLException {
    try (Statement st = db.createStatement()) {
      st.execute("DROP TABLE IF EXISTS " + TABLE);
    } finally {
      db.close();
    }
  }
}
