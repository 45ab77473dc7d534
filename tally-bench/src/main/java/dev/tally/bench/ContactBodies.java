package dev.tally.bench;

/** The one contact document both sides write, so they store the same payload. */
final class ContactBodies {
  private ContactBodies() {}

  static String externalId(long n) {
    return "u-" + n;
  }

  static String json(long n) {
    return "{\"external_id\":\""
        + externalId(n)
        + "\",\"email\":\"u"
        + n
        + "@example.com\",\"name\":\"User "
        + n
        + "\",\"custom_attributes\":{\"plan\":\"pro\",\"seats\":3}}";
  }
}
