package dev.tally.core.query;

import dev.tally.core.model.ContactField;
import dev.tally.core.model.FieldType;

/**
 * A field a filter can name, resolved with its type: a standard contact field, the contact id, a
 * custom attribute, an event summary metric, or the contact's tags.
 */
public sealed interface Field {
  /** The path as written in a query ("email", "custom_attributes.plan", "events.bought.count"). */
  String path();

  FieldType type();

  /** The contact's id. Compared as a 64-bit integer; written as a string. */
  record Id() implements Field {
    @Override
    public String path() {
      return "id";
    }

    @Override
    public FieldType type() {
      return FieldType.INTEGER;
    }
  }

  /**
   * A set of ids the contact belongs to: its tags ({@code tag_id}) or its companies ({@code
   * company_id}, Tally's company id). {@code tag_id = X} holds when X is one of them, {@code != X}
   * when it is not (a contact without tags included); IN any of, NIN none of. Ids compare as 64-bit
   * integers and are written as strings.
   */
  record Members(Kind kind) implements Field {
    public static final Members TAGS = new Members(Kind.TAG);
    public static final Members COMPANIES = new Members(Kind.COMPANY);

    /** What the ids name. */
    public enum Kind {
      TAG("tag_id", "tag"),
      COMPANY("company_id", "company");

      public final String path;
      public final String noun;

      Kind(String path, String noun) {
        this.path = path;
        this.noun = noun;
      }
    }

    @Override
    public String path() {
      return kind.path;
    }

    @Override
    public FieldType type() {
      return FieldType.INTEGER;
    }
  }

  record Standard(ContactField field) implements Field {
    @Override
    public String path() {
      return field.jsonName();
    }

    @Override
    public FieldType type() {
      return field == ContactField.OWNER_ID ? FieldType.INTEGER : field.type();
    }
  }

  record Custom(String name, FieldType type) implements Field {
    @Override
    public String path() {
      return "custom_attributes." + name;
    }
  }

  /** A per-contact event summary: how often (0 when never), first and last time. */
  record EventMetric(String event, Metric metric) implements Field {
    public enum Metric {
      COUNT,
      FIRST,
      LAST
    }

    @Override
    public String path() {
      return "events." + event + "." + metric.name().toLowerCase(java.util.Locale.ROOT);
    }

    @Override
    public FieldType type() {
      return metric == Metric.COUNT ? FieldType.INTEGER : FieldType.DATE;
    }
  }
}
