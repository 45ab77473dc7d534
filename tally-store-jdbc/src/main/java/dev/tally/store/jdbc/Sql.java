package dev.tally.store.jdbc;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Small JDBC helpers over one connection. Prepared statements are cached by their SQL text, since
 * the same few statements run for every write and read: one prepared statement per kind. An
 * instance belongs to one thread at a time (the writer's, or a pooled read's).
 */
public final class Sql implements AutoCloseable {
  private final Connection c;
  private final Map<String, PreparedStatement> cache = new HashMap<>();

  public Sql(Connection c) {
    this.c = c;
  }

  public Connection connection() {
    return c;
  }

  public PreparedStatement prepare(String sql, Object... args) throws SQLException {
    PreparedStatement ps = cache.get(sql);
    if (ps == null) {
      ps = c.prepareStatement(sql);
      cache.put(sql, ps);
    } else {
      ps.clearParameters();
    }
    for (int i = 0; i < args.length; i++) {
      ps.setObject(i + 1, args[i]);
    }
    return ps;
  }

  /** Runs a statement that returns nothing the caller needs (transaction control, DDL). */
  public void exec(String sql) throws SQLException {
    prepare(sql).execute();
  }

  public int update(String sql, Object... args) throws SQLException {
    return prepare(sql, args).executeUpdate();
  }

  /**
   * Runs an INSERT ... RETURNING of one key column and returns the key. {@code mayBeIgnored} says
   * whether the statement may legitimately insert nothing (ON CONFLICT DO NOTHING): then the answer
   * is 0; otherwise inserting nothing is a bug and throws.
   */
  public long insert(boolean mayBeIgnored, String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      if (rs.next()) {
        return rs.getLong(1);
      }
    }
    if (!mayBeIgnored) {
      throw new SQLException("an insert that may not be ignored returned no key: " + sql);
    }
    return 0;
  }

  public boolean exists(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next();
    }
  }

  public Long queryLong(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }

  public String queryString(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

  /** Closes the cached statements (not the connection, which belongs to whoever opened it). */
  @Override
  public void close() {
    for (PreparedStatement ps : cache.values()) {
      try {
        ps.close();
      } catch (SQLException ignored) {
        // closing a statement of a connection that is going away
      }
    }
    cache.clear();
  }
}
