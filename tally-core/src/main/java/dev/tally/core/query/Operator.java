package dev.tally.core.query;

import java.util.HashMap;
import java.util.Map;

/** The filter operators: Intercom's, plus {@code <=} and {@code >=}. */
public enum Operator {
  EQ("="),
  NE("!="),
  IN("IN"),
  NIN("NIN"),
  LT("<"),
  GT(">"),
  LE("<="),
  GE(">="),
  CONTAINS("~"),
  NOT_CONTAINS("!~"),
  STARTS_WITH("^"),
  ENDS_WITH("$");

  private static final Map<String, Operator> BY_SYMBOL = new HashMap<>();

  static {
    for (Operator o : values()) {
      BY_SYMBOL.put(o.symbol, o);
    }
  }

  private final String symbol;

  Operator(String symbol) {
    this.symbol = symbol;
  }

  public String symbol() {
    return symbol;
  }

  public static Operator bySymbol(String s) {
    return BY_SYMBOL.get(s);
  }

  /** Negations also match contacts that have no value for the field. */
  public boolean matchesMissing() {
    return this == NE || this == NIN || this == NOT_CONTAINS;
  }

  /**
   * Whether the whole number {@code actual} satisfies this operator with {@code values} (Longs or
   * relative times, resolved at {@code nowSeconds}); false for operators on strings. The index
   * compilers ask it whether 0 matches, which is the implicit count of an event never done.
   */
  public boolean holds(long actual, java.util.List<Object> values, long nowSeconds) {
    return switch (this) {
      case EQ -> actual == asLong(values.get(0), nowSeconds);
      case IN -> values.stream().anyMatch(v -> asLong(v, nowSeconds) == actual);
      case LT -> actual < asLong(values.get(0), nowSeconds);
      case GT -> actual > asLong(values.get(0), nowSeconds);
      case LE -> actual <= asLong(values.get(0), nowSeconds);
      case GE -> actual >= asLong(values.get(0), nowSeconds);
      default -> false;
    };
  }

  /** A whole-number operand: a Long, or a relative time resolved at {@code nowSeconds}. */
  public static long asLong(Object value, long nowSeconds) {
    return value instanceof RelativeTime r ? r.resolve(nowSeconds) : (Long) value;
  }

  public boolean isRange() {
    return this == LT || this == GT || this == LE || this == GE;
  }

  public boolean isText() {
    return this == CONTAINS || this == NOT_CONTAINS || this == STARTS_WITH || this == ENDS_WITH;
  }

  public boolean isList() {
    return this == IN || this == NIN;
  }
}
