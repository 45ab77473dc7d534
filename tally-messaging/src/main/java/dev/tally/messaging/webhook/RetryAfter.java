package dev.tally.messaging.webhook;

import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;

/**
 * Reads HTTP's {@code Retry-After}: whole seconds, or an HTTP date (taken relative to the injected
 * clock). Anything else, or a time already past, is ignored (null): the sender's own backoff
 * applies.
 */
final class RetryAfter {
  private RetryAfter() {}

  static Duration parse(String value, Instant now) {
    if (value == null || value.isBlank()) {
      return null;
    }
    String v = value.strip();
    if (v.chars().allMatch(Character::isDigit)) {
      try {
        return Duration.ofSeconds(Long.parseLong(v));
      } catch (NumberFormatException e) {
        return null; // more digits than a long: not an answer worth honouring
      }
    }
    try {
      Instant at = ZonedDateTime.parse(v, DateTimeFormatter.RFC_1123_DATE_TIME).toInstant();
      return at.isAfter(now) ? Duration.between(now, at) : null;
    } catch (DateTimeParseException e) {
      return null;
    }
  }
}
