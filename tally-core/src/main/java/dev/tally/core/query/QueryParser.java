package dev.tally.core.query;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.ContactField;
import dev.tally.core.model.FieldType;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.Iterator;
import java.util.List;
import java.util.Set;

/**
 * Parses Intercom's search query JSON into a {@link Query}, typing every value by its field. Every
 * refusal is a 400 that names the path of the bad node ({@code query.value[2].operator}) and says
 * what was expected. Recursion is bounded by {@link QueryLimits#maxDepth()} before it descends, so
 * no input can overflow the stack.
 */
public final class QueryParser {

  /** The workspace's custom attributes, by name; null when an attribute is not defined. */
  @FunctionalInterface
  public interface Schema {
    FieldType customType(String name);
  }

  private static final Set<Operator> EQUALITY =
      EnumSet.of(Operator.EQ, Operator.NE, Operator.IN, Operator.NIN);
  private static final Set<Operator> ORDERED =
      EnumSet.of(
          Operator.EQ,
          Operator.NE,
          Operator.IN,
          Operator.NIN,
          Operator.LT,
          Operator.GT,
          Operator.LE,
          Operator.GE);
  private static final Set<Operator> TEXT =
      EnumSet.of(
          Operator.EQ,
          Operator.NE,
          Operator.IN,
          Operator.NIN,
          Operator.CONTAINS,
          Operator.NOT_CONTAINS,
          Operator.STARTS_WITH,
          Operator.ENDS_WITH);
  private static final Set<Operator> BOOL = EnumSet.of(Operator.EQ, Operator.NE);

  private final QueryLimits limits;
  private final Schema schema;

  /** The workspace's segments by id (null when there is none); null: segment_id is refused. */
  private final java.util.function.LongFunction<dev.tally.core.model.Segment> segments;

  private static final com.fasterxml.jackson.databind.ObjectMapper JSON =
      new com.fasterxml.jackson.databind.ObjectMapper();

  public QueryParser(QueryLimits limits, Schema schema) {
    this(limits, schema, null);
  }

  /**
   * A parser that also knows the workspace's segments: {@code segment_id = X} stands for segment
   * X's query (and its person type), expanded here, so every evaluator sees only plain filters and
   * a segment is never staler than search. A segment's query may not refer to segment_id itself
   * (parse it with {@link #QueryParser(QueryLimits, Schema)}), so expansion is one level deep.
   */
  public QueryParser(
      QueryLimits limits,
      Schema schema,
      java.util.function.LongFunction<dev.tally.core.model.Segment> segments) {
    this.limits = limits;
    this.schema = schema;
    this.segments = segments;
  }

  public Query parse(JsonNode node) {
    return parse(node, "query");
  }

  /**
   * Parses a query found at {@code path} of a request ({@code audience}, {@code
   * steps[1].exit_when}), so that a refusal names the path the client wrote.
   */
  public Query parse(JsonNode node, String path) {
    return parse(node, path, 1, new Budget());
  }

  /**
   * What one query has spent of its limits so far. Counted as the parser walks, so the query that
   * crosses a limit is refused there, before its remaining filters are even typed.
   */
  private final class Budget {
    private int filters;
    private int patterns;
    private int values;

    void filter(String path) {
      if (++filters > limits.maxFilters()) {
        throw bad(
            path,
            "the query has more than "
                + limits.maxFilters()
                + " filters (the limit per query; "
                + path
                + " is one too many); split it into several searches");
      }
    }

    void pattern(String path, Operator op) {
      if (++patterns > limits.maxPatterns()) {
        throw bad(
            path,
            "the query has more than "
                + limits.maxPatterns()
                + " ~, !~, ^ and $ filters (the limit per query; "
                + path
                + " with "
                + op.symbol()
                + " is one too many): each scans the index's terms; use = or IN where you can");
      }
    }

    void values(int n, String path) {
      values += n;
      if (values > limits.maxValues()) {
        throw bad(
            path,
            "the query has more than "
                + limits.maxValues()
                + " values in all (the limit per query, IN lists included; reached at "
                + path
                + "); split it into several searches");
      }
    }
  }

  private Query parse(JsonNode node, String path, int depth, Budget budget) {
    if (node == null || !node.isObject()) {
      throw bad(
          path,
          path
              + " must be an object: {\"field\", \"operator\", \"value\"} or {\"operator\": \"AND\"|\"OR\", \"value\": [...]}");
    }
    if (depth > limits.maxDepth()) {
      throw bad(path, path + " nests deeper than the limit of " + limits.maxDepth() + " levels");
    }
    JsonNode op = node.get("operator");
    boolean group =
        op != null
            && op.isTextual()
            && (op.textValue().equals("AND") || op.textValue().equals("OR"))
            && !node.has("field");
    onlyKeys(
        node, path, group ? Set.of("operator", "value") : Set.of("field", "operator", "value"));
    return group ? group(node, path, depth, budget) : filter(node, path, budget);
  }

  private Query group(JsonNode node, String path, int depth, Budget budget) {
    Query.Logic logic = Query.Logic.valueOf(node.get("operator").textValue());
    JsonNode value = node.get("value");
    if (value == null || !value.isArray()) {
      throw bad(path + ".value", path + ".value must be an array of filters or groups");
    }
    if (value.isEmpty()) {
      throw bad(path + ".value", path + ".value must not be empty");
    }
    if (value.size() > limits.maxGroupSize()) {
      throw bad(
          path + ".value",
          path
              + ".value has "
              + value.size()
              + " entries; the limit per group is "
              + limits.maxGroupSize());
    }
    List<Query> children = new ArrayList<>(value.size());
    for (int i = 0; i < value.size(); i++) {
      children.add(parse(value.get(i), path + ".value[" + i + "]", depth + 1, budget));
    }
    return new Query.Group(logic, children);
  }

  private Query filter(JsonNode node, String path, Budget budget) {
    JsonNode f = node.get("field");
    if (f != null && f.isTextual() && f.textValue().equals("segment_id")) {
      return segment(node, path, budget);
    }
    budget.filter(path);
    if (f == null || !f.isTextual()) {
      throw bad(
          path + ".field",
          path
              + ".field must be a string naming a contact field, such as \"email\" or \"custom_attributes.plan\"");
    }
    Field field = field(f.textValue(), path + ".field");
    JsonNode o = node.get("operator");
    Operator op = o != null && o.isTextual() ? Operator.bySymbol(o.textValue()) : null;
    if (op == null) {
      throw bad(
          path + ".operator",
          path
              + ".operator must be one of =, !=, IN, NIN, <, >, <=, >=, ~, !~, ^, $ (or AND, OR for a group), got "
              + (o == null
                  ? "nothing"
                  : TallyException.quote(o.isTextual() ? o.textValue() : o.toString())));
    }
    Set<Operator> allowed = allowed(field);
    if (!allowed.contains(op)) {
      throw bad(
          path + ".operator",
          "operator "
              + op.symbol()
              + " does not apply to "
              + field.type().apiName()
              + " field "
              + field.path()
              + "; use one of "
              + String.join(", ", allowed.stream().map(Operator::symbol).toList()));
    }
    if (op.isText()) {
      budget.pattern(path, op);
    }
    if (!node.has("value")) {
      throw new TallyException(
          TallyException.Kind.BAD_REQUEST,
          "parameter_not_found",
          path + ".value",
          path + ".value is required");
    }
    JsonNode v = node.get("value");
    String vpath = path + ".value";
    if (v.isNull()) {
      if (field instanceof Field.Members m) {
        throw bad(
            vpath,
            vpath
                + " must be a "
                + m.kind().noun
                + " id (a string of digits) for "
                + m.path()
                + ", got null");
      }
      if (op != Operator.EQ && op != Operator.NE) {
        throw bad(vpath, vpath + " may be null only with = (has no value) or != (has a value)");
      }
      return new Query.Filter(field, op, List.of(), true);
    }
    if (op.isList()) {
      if (!v.isArray() || v.isEmpty()) {
        throw bad(vpath, vpath + " must be a non-empty array with " + op.symbol());
      }
      if (v.size() > limits.maxListValues()) {
        throw bad(
            vpath, vpath + " has " + v.size() + " values; the limit is " + limits.maxListValues());
      }
      budget.values(v.size(), vpath);
      List<Object> values = new ArrayList<>(v.size());
      for (int i = 0; i < v.size(); i++) {
        values.add(value(field, op, v.get(i), vpath + "[" + i + "]"));
      }
      return new Query.Filter(field, op, values, false);
    }
    budget.values(1, vpath);
    return new Query.Filter(field, op, List.of(value(field, op, v, vpath)), false);
  }

  /**
   * {@code segment_id = X} or {@code IN [X, ...]}: each segment's query AND its person type's role,
   * ORed; {@code != X} and {@code NIN [...]} the negation of that (in none of them). Its filters
   * count against this query's limits.
   */
  private Query segment(JsonNode node, String path, Budget budget) {
    if (segments == null) {
      throw bad(
          path + ".field",
          "a segment's query cannot refer to segment_id; write the conditions out instead");
    }
    JsonNode o = node.get("operator");
    String op = o != null && o.isTextual() ? o.textValue() : null;
    if (op == null || !List.of("=", "!=", "IN", "NIN").contains(op)) { // List.of: no nulls
      throw bad(
          path + ".operator",
          "segment_id takes =, !=, IN or NIN (a contact in the segment, not in it, in one of them,"
              + " in none of them), got "
              + (op == null ? "nothing" : TallyException.quote(op)));
    }
    boolean list = op.equals("IN") || op.equals("NIN");
    boolean negated = op.equals("!=") || op.equals("NIN");
    JsonNode v = node.get("value");
    String vpath = path + ".value";
    List<JsonNode> ids = new ArrayList<>();
    if (list) {
      if (v == null || !v.isArray() || v.isEmpty() || v.size() > limits.maxGroupSize()) {
        throw bad(
            vpath,
            vpath
                + " must be an array of 1 to "
                + limits.maxGroupSize()
                + " segment ids with "
                + op);
      }
      v.forEach(ids::add);
    } else {
      ids.add(v);
    }
    List<Query> members = new ArrayList<>();
    for (int i = 0; i < ids.size(); i++) {
      String ipath = list ? vpath + "[" + i + "]" : vpath;
      Long id = ids.get(i) == null ? null : integral(ids.get(i));
      dev.tally.core.model.Segment s = id == null || id <= 0 ? null : segments.apply(id);
      if (s == null) {
        throw bad(
            ipath,
            ipath
                + " must be the id of a segment of this workspace (GET /segments), got "
                + (ids.get(i) == null ? "nothing" : shown(ids.get(i))));
      }
      Query q;
      try {
        q = new QueryParser(limits, schema).parse(JSON.readTree(s.queryJson()), "query", 1, budget);
      } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
        throw new IllegalStateException("segment " + s.id() + " holds a query that is not JSON", e);
      } catch (TallyException e) {
        throw new TallyException(
            e.kind(),
            e.code(),
            ipath,
            "segment " + s.id() + " (" + s.name() + ") cannot be used here: " + e.getMessage());
      }
      members.add(
          new Query.Group(
              Query.Logic.AND,
              List.of(
                  q,
                  new Query.Filter(
                      new Field.Standard(ContactField.ROLE),
                      Operator.EQ,
                      List.of(s.role()),
                      false))));
    }
    Query any = members.size() == 1 ? members.get(0) : new Query.Group(Query.Logic.OR, members);
    return negated ? new Query.Not(any) : any;
  }

  /** Whether the operator applies to the field's type. */
  public static boolean allows(Field field, Operator op) {
    return allowed(field).contains(op);
  }

  private static Set<Operator> allowed(Field field) {
    if (field instanceof Field.Id || field instanceof Field.Members) {
      return EQUALITY;
    }
    return switch (field.type()) {
      case STRING -> TEXT;
      case BOOLEAN -> BOOL;
      case INTEGER, FLOAT, DATE -> ORDERED;
    };
  }

  /** Resolves a field name as filters do (for sorting); {@code path} names it in errors. */
  public Field resolve(String name, String path) {
    return field(name, path);
  }

  private Field field(String name, String path) {
    if (name.equals("id")) {
      return new Field.Id();
    }
    for (Field.Members.Kind kind : Field.Members.Kind.values()) {
      if (name.equals(kind.path)) {
        return new Field.Members(kind);
      }
    }
    if (name.startsWith("custom_attributes.")) {
      String attr = name.substring("custom_attributes.".length());
      FieldType t = attr.isEmpty() ? null : schema.customType(attr);
      if (t == null) {
        throw bad(
            path,
            "custom attribute "
                + TallyException.quote(attr)
                + " is not defined in this workspace (see GET /data_attributes)");
      }
      return new Field.Custom(attr, t);
    }
    if (name.startsWith("events.")) {
      int dot = name.lastIndexOf('.');
      String event = dot > 7 ? name.substring(7, dot) : "";
      String metric = name.substring(dot + 1);
      Field.EventMetric.Metric m =
          switch (metric) {
            case "count" -> Field.EventMetric.Metric.COUNT;
            case "first" -> Field.EventMetric.Metric.FIRST;
            case "last" -> Field.EventMetric.Metric.LAST;
            default -> null;
          };
      if (event.isEmpty() || m == null || event.length() > 255) {
        throw bad(
            path,
            "an event field is events.<event name>.count, .first or .last, got "
                + TallyException.quote(name));
      }
      return new Field.EventMetric(event, m);
    }
    ContactField f = ContactField.byName(name);
    if (f == null) {
      throw bad(
          path,
          "unknown field "
              + TallyException.quote(name)
              + "; search by a contact field (email, role, created_at, ...), id, tag_id, company_id, "
              + "custom_attributes.<name> or events.<name>.count|first|last");
    }
    return new Field.Standard(f);
  }

  /** The longest value {@code ~}, {@code !~}, {@code ^} and {@code $} take, in characters. */
  public static final int MAX_PATTERN_LENGTH = 255;

  private static Object value(Field field, Operator op, JsonNode v, String path) {
    if (field instanceof Field.Id) {
      Long id = integral(v);
      if (id == null || id <= 0) {
        throw bad(path, path + " must be a contact id (a string of digits), got " + shown(v));
      }
      return id;
    }
    if (field instanceof Field.Members m) {
      Long id = integral(v);
      if (id == null || id <= 0) {
        throw bad(
            path,
            path + " must be a " + m.kind().noun + " id (a string of digits), got " + shown(v));
      }
      return id;
    }
    switch (field.type()) {
      case STRING -> {
        if (!v.isTextual()) {
          throw bad(path, path + " must be a string for " + field.path() + ", got " + shown(v));
        }
        if (op.isText() && v.textValue().isEmpty()) {
          throw bad(path, path + " must not be empty with " + op.symbol());
        }
        // A pattern becomes an automaton in the index, whose cost grows with its length: one no
        // longer than a stored string may be (255 characters) is all a match can need.
        if (op.isText()
            && v.textValue().codePointCount(0, v.textValue().length()) > MAX_PATTERN_LENGTH) {
          throw bad(
              path,
              path
                  + " is "
                  + v.textValue().codePointCount(0, v.textValue().length())
                  + " characters long; with "
                  + op.symbol()
                  + " the limit is "
                  + MAX_PATTERN_LENGTH);
        }
        return v.textValue();
      }
      case BOOLEAN -> {
        if (v.isBoolean()) {
          return v.booleanValue();
        }
        if (v.isTextual() && (v.textValue().equals("true") || v.textValue().equals("false"))) {
          return Boolean.parseBoolean(v.textValue());
        }
        throw bad(path, path + " must be true or false for " + field.path() + ", got " + shown(v));
      }
      case INTEGER -> {
        Long n = integral(v);
        if (n == null) {
          throw bad(path, path + " must be an integer for " + field.path() + ", got " + shown(v));
        }
        return n;
      }
      case FLOAT -> {
        Double d = null;
        if (v.isNumber()) {
          d = v.doubleValue();
        } else if (v.isTextual()) {
          try {
            d = Double.parseDouble(v.textValue());
          } catch (NumberFormatException ignored) {
            // refused below
          }
        }
        if (d == null || !Double.isFinite(d)) {
          throw bad(path, path + " must be a number for " + field.path() + ", got " + shown(v));
        }
        return d;
      }
      case DATE -> {
        if (v.isTextual()) {
          RelativeTime rel = RelativeTime.parse(v.textValue());
          if (rel != null) {
            return rel;
          }
        }
        Long n = integral(v);
        if (n == null) {
          throw bad(
              path,
              path
                  + " must be a Unix timestamp in seconds or a relative time such as \"now-7d\" for "
                  + field.path()
                  + ", got "
                  + shown(v));
        }
        return n;
      }
      default -> throw new IllegalStateException("unhandled type " + field.type());
    }
  }

  /** An integer given as a JSON integer or a string of digits (Intercom's clients send both). */
  private static Long integral(JsonNode v) {
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return v.longValue();
    }
    if (v.isTextual()) {
      String s = v.textValue();
      if (!s.isEmpty()
          && s.length() <= 20
          && s.chars().allMatch(c -> Character.isDigit(c) || c == '-')) {
        try {
          return Long.parseLong(s);
        } catch (NumberFormatException ignored) {
          return null;
        }
      }
    }
    return null;
  }

  private static void onlyKeys(JsonNode node, String path, Set<String> keys) {
    for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!keys.contains(k)) {
        throw bad(
            path + "." + k,
            "unknown key "
                + TallyException.quote(k)
                + " in "
                + path
                + "; expected "
                + String.join(", ", keys.stream().sorted().toList()));
      }
    }
  }

  private static String shown(JsonNode v) {
    return FieldType.describe(v)
        + " "
        + TallyException.quote(v.isTextual() ? v.textValue() : v.toString());
  }

  private static TallyException bad(String path, String message) {
    return TallyException.invalid(path, message);
  }
}
