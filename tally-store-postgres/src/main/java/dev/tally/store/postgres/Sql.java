package dev.tally.store.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Small JDBC helpers over one connection. The writer's instance caches prepared statements, since
 * the same few statements run for every write; it is used by the writer thread only.
 */
final class Sql implements AutoCloseable {
  private final Connection c;
  private final Map<String, PreparedStatement> cache = new HashMap<>();

  Sql(Connection c) {
    this.c = c;
  }

  Connection connection() {
    return c;
  }

  PreparedStatement prepare(String sql, Object... args) throws SQLException {
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

  int update(String sql, Object... args) throws SQLException {
    return prepare(sql, args).executeUpdate();
  }

  /** Runs an INSERT ... RETURNING of one key column; 0 when nothing was inserted (ON CONFLICT DO NOTHING). */
  long insert(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next() ? rs.getLong(1) : 0;
    }
  }

  boolean exists(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next();
    }
  }

  Long queryLong(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next() ? rs.getLong(1) : null;
    }
  }

  String queryString(String sql, Object... args) throws SQLException {
    try (ResultSet rs = prepare(sql, args).executeQuery()) {
      return rs.next() ? rs.getString(1) : null;
    }
  }

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
