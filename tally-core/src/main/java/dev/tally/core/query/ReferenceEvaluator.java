package dev.tally.core.query;

import dev.tally.core.model.Contact;
import dev.tally.core.model.EventSummary;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Evaluates a query over one contact document: the definition of what a query means. The index
 * compilers must agree with it (T11), and the final check before a message is sent uses it on the
 * store's current document.
 *
 * <p>Semantics: string comparisons ignore case; a contact without a value for the field matches
 * only the negations (!=, NIN, !~); {@code = null} matches exactly the contacts without a value and
 * {@code != null} those with one; events.X.count is 0 for a contact that never did X.
 */
public final class ReferenceEvaluator {
  private ReferenceEvaluator() {}

  /** Whether a contact without tags matches. */
  public static boolean matches(
      Query q, Contact c, Map<String, EventSummary> events, long nowSeconds) {
    return matches(q, c, events, List.of(), nowSeconds);
  }

  /** Whether a contact with these event summaries and tag ids (and no companies) matches. */
  public static boolean matches(
      Query q,
      Contact c,
      Map<String, EventSummary> events,
      Collection<Long> tagIds,
      long nowSeconds) {
    return matches(q, ContactView.of(c, events, tagIds), nowSeconds);
  }

  /** Whether a contact (with its summaries, tags and companies) matches. */
  public static boolean matches(Query q, ContactView d, long nowSeconds) {
    return switch (q) {
      case Query.Group g -> {
        if (g.logic() == Query.Logic.AND) {
          for (Query child : g.children()) {
            if (!matches(child, d, nowSeconds)) {
              yield false;
            }
          }
          yield true;
        }
        for (Query child : g.children()) {
          if (matches(child, d, nowSeconds)) {
            yield true;
          }
        }
        yield false;
      }
      case Query.Not n -> !matches(n.child(), d, nowSeconds);
      case Query.Filter f when f.field() instanceof Field.Members m ->
          members(f, d.members(m.kind()));
      case Query.Filter f -> filter(f, valueOf(f.field(), d.contact(), d.events()), nowSeconds);
    };
  }

  private static boolean members(Query.Filter f, Collection<Long> ids) {
    boolean any = f.values().stream().anyMatch(ids::contains);
    return switch (f.operator()) {
      case EQ, IN -> any;
      case NE, NIN -> !any;
      default -> throw new IllegalArgumentException(f.operator() + " on " + f.field().path());
    };
  }

  /**
   * The document's value for a field: String, Long, Double, Boolean, or null when it has none. Not
   * for tag_id or company_id, which have sets of values.
   */
  public static Object valueOf(Field field, Contact c, Map<String, EventSummary> events) {
    return switch (field) {
      case Field.Id id -> c.id();
      case Field.Members m -> throw new IllegalArgumentException(m.path() + " has a set of values");
      case Field.Standard s -> c.get(s.field());
      case Field.Custom cu -> c.custom().get(cu.name());
      case Field.EventMetric e -> {
        EventSummary s = events.get(e.event());
        yield switch (e.metric()) {
          case COUNT -> s == null ? 0L : s.count();
          case FIRST -> s == null ? null : s.first();
          case LAST -> s == null ? null : s.last();
        };
      }
    };
  }

  private static boolean filter(Query.Filter f, Object actual, long now) {
    if (f.isNull()) {
      return (f.operator() == Operator.EQ) == (actual == null);
    }
    if (actual == null) {
      return f.operator().matchesMissing();
    }
    return switch (f.operator()) {
      case EQ -> compare(actual, f.value(), now) == 0;
      case NE -> compare(actual, f.value(), now) != 0;
      case IN -> f.values().stream().anyMatch(v -> compare(actual, v, now) == 0);
      case NIN -> f.values().stream().noneMatch(v -> compare(actual, v, now) == 0);
      case LT -> compare(actual, f.value(), now) < 0;
      case GT -> compare(actual, f.value(), now) > 0;
      case LE -> compare(actual, f.value(), now) <= 0;
      case GE -> compare(actual, f.value(), now) >= 0;
      case CONTAINS -> fold(actual).contains(fold(f.value()));
      case NOT_CONTAINS -> !fold(actual).contains(fold(f.value()));
      case STARTS_WITH -> fold(actual).startsWith(fold(f.value()));
      case ENDS_WITH -> fold(actual).endsWith(fold(f.value()));
    };
  }

  /** Case folding for string comparisons, the same in every evaluator. */
  public static String fold(Object s) {
    return ((String) s).toLowerCase(Locale.ROOT);
  }

  private static int compare(Object actual, Object expected, long now) {
    if (expected instanceof RelativeTime r) {
      expected = r.resolve(now);
    }
    return switch (actual) {
      case String s -> fold(s).compareTo(fold(expected));
      case Long l ->
          expected instanceof Double d ? Double.compare(l, d) : Long.compare(l, (Long) expected);
      case Double d -> Double.compare(d, ((Number) expected).doubleValue());
      case Boolean b -> Boolean.compare(b, (Boolean) expected);
      default -> throw new IllegalStateException("unexpected value " + actual);
    };
  }
}
