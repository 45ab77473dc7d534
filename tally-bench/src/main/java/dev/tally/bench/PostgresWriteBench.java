package dev.tally.bench;

/**
 * {@code bin/bench writes-pg}: single-contact writes through Tally's HTTP API on the PostgreSQL
 * store (with the OpenSearch index by default, the production mix) against a bare JDBC upsert loop
 * on the same PostgreSQL server, one commit per row over pooled connections. PostgreSQL
 * group-commits the bare loop's concurrent transactions itself, so the question at 8 clients is
 * whether Tally's own group commit keeps up with that; at 1 client, what Tally's path costs.
 */
public final class PostgresWriteBench {
  private PostgresWriteBench() {}

  public static void main(String[] args) throws Exception {
    WriteBench.run(args, true);
  }
}
