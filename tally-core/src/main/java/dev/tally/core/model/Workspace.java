package dev.tally.core.model;

import dev.tally.core.TallyException;
import java.time.ZoneId;

/**
 * A tenant: every contact, event and attribute belongs to exactly one workspace.
 *
 * @param timeZone the IANA time zone quiet hours fall back to when a contact has no valid {@code
 *     custom_attributes.time_zone} ({@link #DEFAULT_TIME_ZONE} until set)
 */
public record Workspace(long id, String name, long createdAt, String timeZone) {

  /** The time zone of a workspace that was never given one. */
  public static final String DEFAULT_TIME_ZONE = "UTC";

  public Workspace(long id, String name, long createdAt) {
    this(id, name, createdAt, DEFAULT_TIME_ZONE);
  }

  /** The workspace's time zone; a stored name Java no longer knows falls back to UTC. */
  public ZoneId zone() {
    try {
      return ZoneId.of(timeZone);
    } catch (java.time.DateTimeException e) {
      return ZoneId.of(DEFAULT_TIME_ZONE);
    }
  }

  /**
   * Checks a time zone given in request field {@code field}: a name of the IANA time zone database
   * ("Europe/Paris", "America/New_York", "UTC"), as Java knows them. Returns it unchanged.
   */
  public static String checkTimeZone(String field, String zone) {
    if (zone == null || !ZoneId.getAvailableZoneIds().contains(zone)) {
      throw TallyException.invalid(
          field,
          field
              + " must be an IANA time zone name such as \"Europe/Paris\", \"America/New_York\" or"
              + " \"UTC\", got "
              + TallyException.quote(zone));
    }
    return zone;
  }
}
