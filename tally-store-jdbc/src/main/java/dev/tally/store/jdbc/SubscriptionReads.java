package dev.tally.store.jdbc;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.model.SubscriptionType;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** The reads of subscription types and contacts' choices on them, for every dialect. */
final class SubscriptionReads {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final TypeReference<List<String>> STRINGS = new TypeReference<>() {};

  private static final String COLUMNS =
      "SELECT t.id, t.workspace_id, t.name, t.description, t.locale, t.consent_type, "
          + "t.content_types, t.state, t.version, t.created_at, t.updated_at "
          + "FROM subscription_types t ";

  List<SubscriptionType> types(Sql db, long ws) throws SQLException {
    return types(db.prepare(COLUMNS + "WHERE t.workspace_id = ? ORDER BY t.id", ws));
  }

  Optional<SubscriptionType> type(Sql db, long ws, long id) throws SQLException {
    return types(db.prepare(COLUMNS + "WHERE t.id = ? AND t.workspace_id = ?", id, ws)).stream()
        .findFirst();
  }

  List<SubscriptionType> ofContact(Sql db, long ws, long contactId) throws SQLException {
    return types(
        db.prepare(
            COLUMNS
                + "JOIN contact_subscriptions s ON s.subscription_type_id = t.id "
                + "WHERE s.contact_id = ? AND s.workspace_id = ? ORDER BY t.id",
            contactId,
            ws));
  }

  boolean chosen(Sql db, long ws, long contactId, long typeId) throws SQLException {
    return db.exists(
        "SELECT 1 FROM contact_subscriptions "
            + "WHERE contact_id = ? AND subscription_type_id = ? AND workspace_id = ?",
        contactId,
        typeId,
        ws);
  }

  static String json(List<String> contentTypes) {
    try {
      return JSON.writeValueAsString(contentTypes);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("a list of strings always writes", e);
    }
  }

  private static List<SubscriptionType> types(PreparedStatement query) throws SQLException {
    List<SubscriptionType> out = new ArrayList<>();
    try (ResultSet rs = query.executeQuery()) {
      while (rs.next()) {
        out.add(
            new SubscriptionType(
                rs.getLong(1),
                rs.getLong(2),
                rs.getString(3),
                rs.getString(4),
                rs.getString(5),
                rs.getString(6),
                contentTypes(rs.getString(7)),
                rs.getString(8),
                rs.getLong(9),
                rs.getLong(10),
                rs.getLong(11)));
      }
    }
    return out;
  }

  private static List<String> contentTypes(String json) throws SQLException {
    try {
      return JSON.readValue(json, STRINGS);
    } catch (JsonProcessingException e) {
      throw new SQLException("subscription_types.content_types is not a JSON list: " + json, e);
    }
  }
}
