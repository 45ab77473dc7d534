package dev.tally.store.postgres.doctor;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.Properties;
import org.postgresql.Driver;

/**
 * The doctor's own connection, opened from a JDBC URL for {@code tally doctor}. Every phase is
 * bounded so that the command never hangs on an unreachable server; a value the URL names wins
 * (pgjdbc lets URL parameters override these properties).
 */
final class DoctorConnection {
  private DoctorConnection() {}

  static final String CONNECT_TIMEOUT_S = "5";
  static final String LOGIN_TIMEOUT_S = "10";

  /**
   * Longer than the doctor's statement timeout, so the server cancels a slow query before the
   * socket gives up.
   */
  static final String SOCKET_TIMEOUT_S = "30";

  /**
   * @param password null when the URL carries it, or none is needed
   * @throws IllegalArgumentException when the URL is not a PostgreSQL JDBC URL
   */
  static Connection open(String url, String password) throws SQLException {
    if (url == null || !url.startsWith("jdbc:postgresql:") || Driver.parseURL(url, null) == null) {
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + withoutParameters(url));
    }
    Properties properties = new Properties();
    properties.setProperty("connectTimeout", CONNECT_TIMEOUT_S);
    properties.setProperty("loginTimeout", LOGIN_TIMEOUT_S);
    properties.setProperty("socketTimeout", SOCKET_TIMEOUT_S);
    properties.setProperty("ApplicationName", "tally-doctor");
    if (password != null) {
      properties.setProperty("password", password);
    }
    Connection connection = new Driver().connect(url, properties);
    if (connection == null) { // the driver declines URLs it does not understand
      throw new IllegalArgumentException("not a PostgreSQL JDBC URL: " + withoutParameters(url));
    }
    return connection;
  }

  /** The URL for messages: its parameters may hold a password. */
  static String withoutParameters(String url) {
    if (url == null) {
      return "(none)";
    }
    int query = url.indexOf('?');
    return query < 0 ? url : url.substring(0, query);
  }
}
