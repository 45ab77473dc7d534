package dev.tally.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URLEncoder;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.zip.GZIPOutputStream;

/**
 * The requests {@link HttpFuzzTest} sends, from one seeded stream. About half are <em>strict</em>:
 * a valid request for a real route (typed filters, known identities, existing ids), so the fuzz
 * reaches the store and the index and not only the parsers; the rest are bent: values of the wrong
 * type or size, odd Unicode, broken JSON, other encodings, odd ids, query parameters and tokens.
 * About a third go over a bare socket, broken at the HTTP level. It remembers what answers hand out
 * (contact ids, cursors, tokens, oplog positions) so that later requests can use them.
 */
final class FuzzRequests {
  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  /** A request: {@code head} holds the headers to send, Authorization among them. */
  record Req(String method, String target, Map<String, String> head, byte[] body) {
    String auth() {
      return head.get("Authorization");
    }
  }

  /**
   * What to send next. {@code raw} null: by an HTTP client, the body {@code chunked} (without a
   * Content-Length) or not; else these bytes over a socket, and {@code mustAnswer} says whether
   * they frame a request well enough that closing without an answer would be wrong. {@code kind}
   * names the generator.
   */
  record Next(String kind, Req req, byte[] raw, boolean mustAnswer, boolean chunked) {}

  private final Random rnd;
  private final String admin;
  private final String token;
  private final String otherToken;
  private final String defaultWorkspaceId;
  private final String defaultTokenId;
  private final Set<String> workspaceTokens = ConcurrentHashMap.newKeySet();
  private final List<String> contactIds = new ArrayList<>();
  private final List<String> workspaceIds = new ArrayList<>();
  private final List<String> adminIds = new ArrayList<>();
  private final List<String> tokenIds = new ArrayList<>();
  private final List<String> companyIds = new ArrayList<>();
  private final List<String> campaignIds = new ArrayList<>();
  private final List<String> subscriptionIds = new ArrayList<>();
  private final List<String> memberIds = new ArrayList<>(); // tags', notes' and segments' ids
  private final List<String> cursors = new ArrayList<>();
  private long lastPosition;

  /** This request is valid: the bending helpers leave it alone. */
  private boolean strict;

  FuzzRequests(
      Random rnd,
      String admin,
      String token,
      String otherToken,
      String defaultWorkspaceId,
      String defaultTokenId,
      List<String> otherWorkspaceIds,
      List<String> contactIds) {
    this.rnd = rnd;
    this.admin = admin;
    this.token = token;
    this.otherToken = otherToken;
    this.defaultWorkspaceId = defaultWorkspaceId;
    this.defaultTokenId = defaultTokenId;
    workspaceTokens.add(token);
    workspaceTokens.add(otherToken);
    workspaceIds.addAll(otherWorkspaceIds);
    this.contactIds.addAll(contactIds);
  }

  /** Every workspace token handed out so far (some since revoked). */
  Set<String> workspaceTokens() {
    return workspaceTokens;
  }

  synchronized Next next() {
    if (rnd.nextInt(100) < 35) {
      return raw();
    }
    strict = rnd.nextInt(100) < 45;
    int k = rnd.nextInt(25);
    return switch (k) {
      case 0, 1, 2 -> client("contact-create", contactCreate());
      case 3, 4 -> client("contact-update", contactUpdate());
      case 5 -> client("contact-get-delete", contactGetOrDelete());
      case 6 -> client("contact-list", contactList());
      case 7, 8, 9 -> client("search", search());
      case 10 -> client("event-create", eventCreate());
      case 11 -> client("event-list", eventList());
      case 12 -> client("attribute", attributeCreateOrList());
      case 13 -> client("bulk", bulk());
      case 14, 15 -> client("admin", admin());
      case 16 -> client("operations", operations());
      case 17 -> client("teammates", teammates());
      case 18 -> client("contact-lifecycle", contactLifecycle());
      case 19 -> client("companies", companies());
      case 20 -> client("tags-notes-segments", tagsNotesSegments());
      case 21 -> client("campaigns", campaigns());
      case 22 -> client("subscriptions", subscriptions());
      case 23 -> client("messages", messages());
      default -> client("any-method-any-path", anyMethodAnyPath());
    };
  }

  private Next client(String kind, Req req) {
    return new Next(kind, req, null, true, req.body() != null && rnd.nextInt(10) == 0);
  }

  // ---------------------------------------------------------------- learning from answers

  /** Remembers ids, cursors, tokens and positions an answer hands out. */
  synchronized void learn(JsonNode n) {
    String type = n.path("type").asText();
    if (type.equals("contact") && n.path("id").isTextual()) {
      remember(contactIds, n.get("id").asText(), 300);
    }
    if (type.equals("list")) {
      for (JsonNode c : n.path("data")) {
        if ("contact".equals(c.path("type").asText())) {
          remember(contactIds, c.path("id").asText(), 300);
        }
      }
      String next = n.path("pages").path("next").path("starting_after").asText(null);
      if (next != null) {
        remember(cursors, next, 50);
      }
    }
    if (type.equals("company") && n.path("id").isTextual()) {
      remember(companyIds, n.get("id").asText(), 100);
    }
    if (type.equals("subscription") && n.path("id").isTextual()) {
      remember(subscriptionIds, n.get("id").asText(), 50);
    }
    if ((type.equals("campaign") || type.equals("admin_message")) && n.path("id").isTextual()) {
      remember(campaignIds, n.get("id").asText(), 100);
    }
    if ((type.equals("tag") || type.equals("note") || type.equals("segment"))
        && n.path("id").isTextual()) {
      remember(memberIds, n.get("id").asText(), 100);
    }
    if (type.equals("workspace") && n.path("token").isTextual()) {
      remember(workspaceIds, n.get("id").asText(), 50);
      workspaceTokens.add(n.get("token").asText());
    }
    if (type.equals("admin") && n.path("id").isTextual()) {
      remember(adminIds, n.get("id").asText(), 50);
    }
    if (type.equals("admin.list")) {
      for (JsonNode a : n.path("admins")) {
        remember(adminIds, a.path("id").asText(), 50);
      }
    }
    if (type.equals("token") && n.path("token").isTextual()) {
      remember(tokenIds, n.get("id").asText(), 50);
      workspaceTokens.add(n.get("token").asText());
    }
    if (n.path("position").isTextual()) {
      position(n.get("position").asLong());
    }
  }

  synchronized void position(long p) {
    lastPosition = Math.max(lastPosition, p);
  }

  private static void remember(List<String> pool, String value, int max) {
    if (!pool.contains(value)) {
      pool.add(value);
      if (pool.size() > max) {
        pool.remove(0);
      }
    }
  }

  // ---------------------------------------------------------------- the routes

  private Req req(String method, String target, String auth, byte[] body) {
    Map<String, String> head = new LinkedHashMap<>();
    if (auth != null) {
      head.put("Authorization", auth);
    }
    if (body != null) {
      String ct = contentType();
      if (ct != null) {
        head.put("Content-Type", ct);
      }
    }
    if (odd(8)) {
      String[] h = oddHeader();
      head.put(h[0], h[1]);
    }
    if (method.equals("POST") && rnd.nextInt(8) == 0) {
      head.put("Idempotency-Key", idempotencyKey());
    }
    return new Req(method, target, head, body);
  }

  private Req jsonReq(String method, String target, String auth, JsonNode doc) {
    return req(method, target, auth, encode(text(doc)));
  }

  private Req contactCreate() {
    return jsonReq("POST", "/contacts", workspaceAuth(), maybeMutate(contact(true)));
  }

  private Req contactUpdate() {
    return jsonReq("PUT", "/contacts/" + contactId(), workspaceAuth(), maybeMutate(contact(false)));
  }

  private Req contactGetOrDelete() {
    String method = rnd.nextInt(4) == 0 ? "DELETE" : "GET";
    return req(method, "/contacts/" + contactId(), workspaceAuth(), null);
  }

  private Req contactList() {
    List<String> params = new ArrayList<>();
    if (rnd.nextBoolean()) {
      params.add("per_page=" + enc(perPage()));
    }
    if (rnd.nextBoolean()) {
      params.add("starting_after=" + enc(cursor()));
    }
    if (rnd.nextInt(4) == 0) {
      params.add("page=" + enc(pick("1", "2", "0", "-1", "x", "99999999999")));
    }
    if (odd(6)) {
      params.add(pick("per_page", "per_page=", "=", "&&", "starting_after", "x=%ZZ"));
    }
    return req(
        "GET",
        "/contacts" + (params.isEmpty() ? "" : "?" + String.join("&", params)),
        workspaceAuth(),
        null);
  }

  private Req search() {
    ObjectNode o = NODES.objectNode();
    o.set("query", query(0));
    if (rnd.nextInt(3) != 0) {
      ObjectNode p = o.putObject("pagination");
      if (rnd.nextBoolean()) {
        p.set("per_page", odd(3) ? value(2) : NODES.numberNode(1 + rnd.nextInt(150)));
      }
      if (rnd.nextBoolean()) {
        p.put("starting_after", cursor());
      }
    }
    if (rnd.nextInt(4) == 0) {
      ObjectNode s = o.putObject("sort");
      s.put(
          "field",
          odd(2)
              ? field()
              : pick(
                  "id",
                  "created_at",
                  "signed_up_at",
                  "custom_attributes.seats",
                  "custom_attributes.score",
                  "custom_attributes.renewal_at",
                  "events.placed-order.last"));
      s.set("order", odd(4) ? value(2) : NODES.textNode(pick("ascending", "descending")));
    }
    Req r = jsonReq("POST", "/contacts/search", workspaceAuth(), maybeMutate(o));
    if (rnd.nextInt(4) == 0) {
      r.head()
          .put(
              "Tally-Min-Position",
              strict
                  ? Long.toString(Math.max(0, lastPosition - rnd.nextInt(3)))
                  : pick(
                      Long.toString(lastPosition),
                      Long.toString(lastPosition + 1 + rnd.nextInt(1000)),
                      "-1",
                      "0",
                      "abc",
                      " " + lastPosition,
                      "99999999999999999999",
                      "9223372036854775807",
                      "1e3"));
    }
    return r;
  }

  /** Nodes the query being made may still have: a wide group must not recur into a huge tree. */
  private int queryBudget;

  /** A query: typed filters that parse when strict, anything at all otherwise. */
  private JsonNode query(int depth) {
    if (depth == 0) {
      queryBudget = 400;
    }
    queryBudget--;
    if (depth < 12 && queryBudget > 0 && rnd.nextInt(depth < 2 ? 3 : 6) == 0) {
      ObjectNode g = NODES.objectNode();
      g.put("operator", odd(5) ? pick("and", "NOT", "", "XOR") : pick("AND", "OR"));
      ArrayNode v = g.putArray("value");
      int n = odd(10) ? 95 + rnd.nextInt(10) : 1 + rnd.nextInt(3);
      for (int i = 0; i < n && (depth < 9 || !strict); i++) {
        v.add(queryBudget > 0 ? query(depth + 1) : filter());
      }
      if (v.isEmpty()) {
        v.add(filter());
      }
      return g;
    }
    return filter();
  }

  private static final String[] STRINGS = {
    "email",
    "external_id",
    "name",
    "phone",
    "email_domain",
    "location.country",
    "location.city",
    "custom_attributes.plan"
  };
  private static final String[] NUMBERS = {
    "custom_attributes.seats", "custom_attributes.score", "owner_id", "events.placed-order.count"
  };
  private static final String[] DATES = {
    "created_at",
    "updated_at",
    "signed_up_at",
    "last_seen_at",
    "custom_attributes.renewal_at",
    "events.placed-order.first",
    "events.placed-order.last"
  };
  private static final String[] BOOLEANS = {"unsubscribed_from_emails", "custom_attributes.vip"};

  private JsonNode filter() {
    ObjectNode f = NODES.objectNode();
    int type = rnd.nextInt(6);
    String field =
        switch (type) {
          case 0 -> pick(STRINGS);
          case 1 -> pick(NUMBERS);
          case 2 -> pick(DATES);
          case 3 -> pick(BOOLEANS);
          case 4 -> "role";
          default -> "id";
        };
    String op =
        switch (type) {
          case 0 -> pick("=", "!=", "IN", "NIN", "~", "!~", "^", "$");
          case 1, 2 -> pick("=", "!=", "<", ">", "<=", ">=", "IN", "NIN");
          case 3 -> pick("=", "!=");
          case 4 -> pick("=", "!=", "IN", "NIN");
          default -> pick("=", "!=", "IN", "NIN");
        };
    if (odd(3)) {
      field = field();
    }
    if (odd(4)) {
      op = pick("=", "!=", "IN", "NIN", "<", ">", "<=", ">=", "~", "!~", "^", "$", "==", "");
    }
    f.put("field", field);
    f.put("operator", op);
    boolean list = op.equals("IN") || op.equals("NIN");
    if (list) {
      ArrayNode a = f.putArray("value");
      int n = odd(15) ? 995 + rnd.nextInt(10) : 1 + rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        a.add(odd(4) ? value(3) : typedValue(type, false));
      }
    } else {
      f.set("value", odd(4) ? value(2) : typedValue(type, op.equals("=") || op.equals("!=")));
    }
    if (odd(15)) {
      f.remove(pick("field", "operator", "value"));
    }
    return f;
  }

  private JsonNode typedValue(int type, boolean nullable) {
    if (nullable && rnd.nextInt(8) == 0) {
      return NODES.nullNode();
    }
    return switch (type) {
      case 0 ->
          NODES.textNode(
              pick(
                  "pro",
                  "team",
                  "fz-" + rnd.nextInt(40),
                  "fz" + rnd.nextInt(40) + "@example.com",
                  "example.com",
                  "Fuzz " + rnd.nextInt(100),
                  "Paris",
                  "fz",
                  "\u00e9"));
      case 1 ->
          rnd.nextBoolean()
              ? NODES.numberNode(rnd.nextInt(100))
              : NODES.numberNode(rnd.nextDouble() * 100);
      case 2 ->
          rnd.nextBoolean()
              ? NODES.numberNode(1_700_000_000L + rnd.nextInt(2_000_000))
              : NODES.textNode(pick("now-7d", "now+1h", "now", "now-30m", "now-2w"));
      case 3 -> NODES.booleanNode(rnd.nextBoolean());
      case 4 -> NODES.textNode(pick("user", "lead"));
      default -> NODES.textNode(contactIds.isEmpty() ? "1" : pick(contactIds));
    };
  }

  private String field() {
    return pick(
        "id",
        "email",
        "role",
        "created_at",
        "custom_attributes.plan",
        "custom_attributes.nope",
        "custom_attributes.",
        "events.placed-order.count",
        "events.nope.count",
        "events..count",
        "events.placed-order.sum",
        "events",
        "tags",
        "",
        weird());
  }

  private Req eventCreate() {
    ObjectNode e = NODES.objectNode();
    e.put("event_name", odd(5) ? weird() : pick("placed-order", "login", "x"));
    e.set(
        "created_at",
        odd(5) ? value(2) : NODES.numberNode(strict ? 1_700_000_000L + rnd.nextInt(10_000) : ts()));
    switch (rnd.nextInt(4)) {
      case 0 -> e.put("email", "fz" + rnd.nextInt(strict ? 20 : 40) + "@example.com");
      case 1 -> e.put("id", strict && !contactIds.isEmpty() ? pick(contactIds) : contactId());
      default -> e.put("user_id", "fz-" + rnd.nextInt(strict ? 20 : 40));
    }
    if (rnd.nextBoolean()) {
      ObjectNode m = e.putObject("metadata");
      int n = odd(10) ? 11 : rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        m.set(odd(4) ? weird() : "k" + i, odd(2) ? value(2) : NODES.textNode("v" + i));
      }
    }
    return jsonReq("POST", "/events", workspaceAuth(), maybeMutate(e));
  }

  private Req eventList() {
    List<String> params = new ArrayList<>();
    if (!odd(8)) {
      params.add("type=" + enc(odd(6) ? weird() : "user"));
    }
    switch (rnd.nextInt(5)) {
      case 0 -> params.add("email=" + enc("fz" + rnd.nextInt(40) + "@example.com"));
      case 1 -> params.add("intercom_user_id=" + enc(contactId()));
      case 2 -> {
        params.add("user_id=fz-1");
        if (!strict) {
          params.add("email=fz1%40example.com");
        }
      }
      default -> params.add("user_id=" + enc(odd(5) ? weird() : "fz-" + rnd.nextInt(25)));
    }
    if (rnd.nextBoolean()) {
      params.add("summary=" + enc(strict ? pick("true", "false") : pick("TRUE", "1", "")));
    }
    if (rnd.nextBoolean()) {
      params.add("per_page=" + enc(perPage()));
    }
    if (rnd.nextInt(3) == 0) {
      params.add("before=" + enc(pick(contactId(), "0", "-1", "x", "99999999999999999999")));
    }
    return req("GET", "/events?" + String.join("&", params), workspaceAuth(), null);
  }

  private Req attributeCreateOrList() {
    if (rnd.nextInt(3) == 0) {
      String q =
          strict
              ? pick("", "?model=contact", "?model=company", "?include_archived=true")
              : pick("?model=" + enc(weird()), "?include_archived=" + enc(weird()), "?model=");
      return req("GET", "/data_attributes" + q, workspaceAuth(), null);
    }
    ObjectNode a = NODES.objectNode();
    String type = pick("string", "integer", "float", "boolean", "date");
    a.put(
        "name",
        odd(3)
            ? pick(weird(), "a.b", "x".repeat(300), "plan")
            : "attr_" + type + "_" + rnd.nextInt(40));
    a.put("model", odd(8) ? weird() : "contact");
    a.put("data_type", odd(4) ? pick("money", "list", "datetime", "", weird()) : type);
    if (rnd.nextBoolean()) {
      a.set("description", odd(2) ? value(2) : NODES.textNode("described"));
    }
    if ((type.equals("string") && rnd.nextInt(3) == 0) || odd(5)) {
      ArrayNode o = a.putArray("options");
      int n = odd(10) ? 501 : rnd.nextInt(4);
      for (int i = 0; i < n; i++) {
        if (rnd.nextBoolean()) {
          o.addObject().put("value", "o" + i);
        } else {
          o.add(odd(4) ? value(2) : NODES.textNode("o" + i));
        }
      }
    }
    if (rnd.nextInt(4) == 0) {
      a.set("messenger_writable", odd(2) ? value(1) : NODES.booleanNode(rnd.nextBoolean()));
    }
    return jsonReq("POST", "/data_attributes", workspaceAuth(), maybeMutate(a));
  }

  private Req bulk() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    if (odd(20)) {
      // more lines than allowed
      byte[] line = "{}\n".getBytes(StandardCharsets.UTF_8);
      for (int i = 0; i < 10_001; i++) {
        out.writeBytes(line);
      }
    } else {
      if (odd(10)) {
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
      }
      int n = rnd.nextInt(30);
      for (int i = 0; i < n; i++) {
        switch (strict ? 9 : rnd.nextInt(12)) {
          case 0 -> out.writeBytes(new byte[] {'{', '"', (byte) 0xC3, (byte) 0x28, '"', '}'});
          case 1 ->
              out.writeBytes(textMutate(contact(true).toString()).getBytes(StandardCharsets.UTF_8));
          case 2 -> out.writeBytes(value(3).toString().getBytes(StandardCharsets.UTF_8));
          case 3 -> {
            // a blank line
          }
          default -> {
            ObjectNode c = contact(false);
            c.put("external_id", "fz-" + rnd.nextInt(60));
            c.remove("email"); // an upsert by external_id; an email would often be another's
            out.writeBytes(maybeMutate(c).toString().getBytes(StandardCharsets.UTF_8));
          }
        }
        out.writeBytes(odd(6) ? "\r\n".getBytes() : "\n".getBytes());
      }
    }
    Req r = req("POST", "/contacts/bulk", workspaceAuth(), out.toByteArray());
    if (rnd.nextBoolean()) {
      r.head().put("Content-Type", "application/x-ndjson");
    }
    return r;
  }

  /** Archive, unarchive and merge of known or odd contacts, with bodies mutated at times. */
  private Req contactLifecycle() {
    return switch (rnd.nextInt(3)) {
      case 0 -> req("POST", "/contacts/" + contactId() + "/archive", workspaceAuth(), null);
      case 1 -> req("POST", "/contacts/" + contactId() + "/unarchive", workspaceAuth(), null);
      default -> {
        ObjectNode o = NODES.objectNode();
        o.put("from", odd(4) ? weird() : contactId());
        o.put("into", odd(4) ? weird() : contactId());
        yield jsonReq("POST", "/contacts/merge", workspaceAuth(), maybeMutate(o));
      }
    };
  }

  /** Companies: create or update, read, list, scroll, attach, detach, delete, odd ids at times. */
  private Req companies() {
    String company =
        (strict || rnd.nextInt(3) != 0) && !companyIds.isEmpty() ? pick(companyIds) : oddId();
    return switch (rnd.nextInt(9)) {
      case 0, 1 -> {
        ObjectNode o = NODES.objectNode();
        o.put("company_id", odd(5) ? weird() : "fz-co-" + rnd.nextInt(30));
        if (rnd.nextBoolean()) {
          o.put("name", odd(5) ? weird() : "Co " + rnd.nextInt(10));
        }
        if (rnd.nextBoolean()) {
          o.set("size", value(rnd.nextInt(5)));
        }
        if (rnd.nextBoolean()) {
          o.set("monthly_spend", value(rnd.nextInt(5)));
        }
        if (rnd.nextBoolean()) {
          o.putObject("custom_attributes").set("fz_" + rnd.nextInt(4), value(rnd.nextInt(5)));
        }
        yield jsonReq("POST", "/companies", workspaceAuth(), maybeMutate(o));
      }
      case 2 -> req("GET", "/companies/" + company, workspaceAuth(), null);
      case 3 ->
          req(
              pick("GET", "POST"),
              pick("/companies", "/companies/list", "/companies/scroll")
                  + pick(
                      "",
                      "?page=" + pick("1", "2", "0", "x", "99999"),
                      "?per_page=" + pick("1", "60", "61", "-1"),
                      "?scroll_param=" + weird(),
                      "?company_id=fz-co-1",
                      "?name=" + weird()),
              workspaceAuth(),
              null);
      case 4 -> {
        ObjectNode o = NODES.objectNode();
        o.put("id", odd(4) ? weird() : company);
        yield jsonReq(
            "POST", "/contacts/" + contactId() + "/companies", workspaceAuth(), maybeMutate(o));
      }
      case 5 ->
          req(
              "DELETE",
              "/contacts/" + contactId() + "/companies/" + company,
              workspaceAuth(),
              null);
      case 6 ->
          req(
              "GET",
              pick(
                  "/contacts/" + contactId() + "/companies",
                  "/companies/" + company + "/contacts",
                  "/companies/" + company + "/segments"),
              workspaceAuth(),
              null);
      case 7 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(4) ? weird() : "Renamed");
        yield jsonReq("PUT", "/companies/" + company, workspaceAuth(), maybeMutate(o));
      }
      default -> req("DELETE", "/companies/" + company, workspaceAuth(), null);
    };
  }

  /**
   * Campaigns: create (every trigger, step and limit, bent at times), list, read, start, pause,
   * resume, and their sends by state and cursor; odd ids at times.
   */
  private Req campaigns() {
    String campaign =
        (strict || rnd.nextInt(3) != 0) && !campaignIds.isEmpty() ? pick(campaignIds) : oddId();
    return switch (rnd.nextInt(6)) {
      case 0, 1 -> jsonReq("POST", "/campaigns", workspaceAuth(), maybeMutate(campaignBody()));
      case 2 -> req("GET", pick("/campaigns", "/campaigns/" + campaign), workspaceAuth(), null);
      case 3 ->
          req(
              "POST",
              "/campaigns/" + campaign + pick("/start", "/pause", "/resume"),
              workspaceAuth(),
              odd(4) ? "{}".getBytes(StandardCharsets.UTF_8) : null);
      default ->
          req(
              "GET",
              "/campaigns/"
                  + campaign
                  + "/sends"
                  + pick(
                      "",
                      "?state=" + pick("queued", "held", "sent", "skipped", "expired", "failed"),
                      "?state=" + enc(weird()),
                      "?per_page=" + pick("1", "150", "151", "0", "x"),
                      "?starting_after="
                          + (cursors.isEmpty() || odd(3) ? enc(weird()) : pick(cursors))),
              workspaceAuth(),
              null);
    };
  }

  /**
   * Admin messages (POST /messages): from a teammate or an odd id, to a contact by id, user_id or
   * email or an odd one, every field bent at times.
   */
  private Req messages() {
    ObjectNode o = NODES.objectNode();
    o.put("message_type", odd(6) ? pick("in_app", "inapp", weird()) : "email");
    if (!odd(8)) {
      o.put("subject", odd(5) ? weird() : "Hi {{name}}");
    }
    o.put("body", odd(5) ? pick(weird(), "{{nope}}", "{{") : "Hello {{custom_attributes.plan}}");
    if (rnd.nextBoolean()) {
      o.put("template", odd(4) ? weird() : pick("plain", "personal"));
    }
    String admin = !adminIds.isEmpty() && !odd(4) ? pick(adminIds) : oddId();
    ObjectNode from = o.putObject("from").put("type", odd(6) ? pick("user", "lead") : "admin");
    if (rnd.nextBoolean()) {
      from.put("id", admin);
    } else {
      from.set("id", value(rnd.nextInt(3)));
    }
    ObjectNode to = o.putObject("to").put("type", pick("user", "lead", "contact"));
    switch (rnd.nextInt(4)) {
      case 0 -> to.put("user_id", odd(3) ? weird() : "fz-" + rnd.nextInt(10));
      case 1 -> to.put("email", odd(3) ? weird() : "fz" + rnd.nextInt(10) + "@example.com");
      default -> to.put("id", contactId());
    }
    if (odd(8)) {
      o.put("create_conversation_without_contact_reply", rnd.nextBoolean());
    }
    return jsonReq("POST", "/messages", workspaceAuth(), maybeMutate(o));
  }

  private ObjectNode campaignBody() {
    ObjectNode o = NODES.objectNode();
    o.put("name", odd(5) ? weird() : "fz-campaign-" + rnd.nextInt(10));
    ObjectNode t = o.putObject("trigger");
    switch (rnd.nextInt(4)) {
      case 0 -> t.put("type", "event").put("event_name", odd(5) ? weird() : "placed-order");
      case 1 ->
          t.put("type", "segment_entry")
              .put("segment_id", !memberIds.isEmpty() && !odd(3) ? pick(memberIds) : oddId());
      case 2 -> t.put("type", odd(6) ? "message" : "broadcast"); // message: internal only
      default -> t.put("type", "broadcast");
    }
    if (rnd.nextBoolean()) {
      o.set("audience", query(0));
    }
    ArrayNode steps = o.putArray("steps");
    for (int i = rnd.nextInt(3); i > 0; i--) {
      if (rnd.nextBoolean()) {
        steps.addObject().put("wait", pick("2h", "30m", "1d", "0s", "soon"));
      } else {
        steps.addObject().set("exit_when", query(0));
      }
    }
    ObjectNode send = steps.addObject().putObject("send");
    if (rnd.nextBoolean()) {
      send.put("channel", "webhook")
          .put("url", odd(4) ? weird() : "https://example.com/hook/" + rnd.nextInt(5))
          .put("secret", "s3cret")
          .put("body", pick("Hi {{name}}", "{{custom_attributes.plan}}", "{{nope}}", "{{"));
    } else {
      send.put("channel", "email")
          .put("from", odd(4) ? weird() : "team@example.com")
          .put("subject", "Hello {{name}}")
          .put("body", "Welcome {{email}}");
    }
    if (rnd.nextBoolean()) {
      o.put("expires_after", pick("2h", "1m", "30d", "31d", "x"));
    }
    if (rnd.nextBoolean()) {
      o.putObject("frequency_cap").put("max", rnd.nextInt(4)).put("per", pick("7d", "1w", "0s"));
    }
    if (rnd.nextBoolean()) {
      o.putObject("quiet_hours")
          .put("start", pick("21:00", "24:00", "08:00"))
          .put("end", pick("08:00", "7"));
    }
    if (rnd.nextInt(4) == 0) {
      o.set(
          "subscription_type_id",
          !subscriptionIds.isEmpty() && !odd(3)
              ? NODES.textNode(pick(subscriptionIds))
              : value(rnd.nextInt(3)));
    }
    return o;
  }

  /**
   * Subscription types: the admin API that creates them, the workspace's list, a contact's choices
   * (attach with either consent type, list, detach), and the workspace's time zone; odd ids and
   * bodies at times.
   */
  private Req subscriptions() {
    String type =
        !subscriptionIds.isEmpty() && rnd.nextInt(4) != 0 ? pick(subscriptionIds) : oddId();
    String adminAuth = odd(5) ? anyAuth() : "Bearer " + admin;
    return switch (rnd.nextInt(7)) {
      case 0 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(4) ? weird() : "fz-sub-" + rnd.nextInt(10));
        o.put("consent_type", pick("opt_in", "opt_out", "maybe"));
        if (rnd.nextBoolean()) {
          o.putArray("content_types").add(pick("email", "sms_message", "push"));
        }
        if (rnd.nextBoolean()) {
          o.put("state", pick("live", "draft", "archived", "gone"));
        }
        yield jsonReq(
            "POST",
            "/admin/workspaces/" + workspaceId() + "/subscription_types",
            adminAuth,
            maybeMutate(o));
      }
      case 1 -> req("GET", "/subscription_types", workspaceAuth(), null);
      case 2, 3 -> {
        ObjectNode o = NODES.objectNode();
        o.put("id", type);
        o.put("consent_type", pick("opt_in", "opt_out", "x"));
        yield jsonReq(
            "POST", "/contacts/" + contactId() + "/subscriptions", workspaceAuth(), maybeMutate(o));
      }
      case 4 -> req("GET", "/contacts/" + contactId() + "/subscriptions", workspaceAuth(), null);
      case 5 ->
          req(
              "DELETE",
              "/contacts/" + contactId() + "/subscriptions/" + type,
              workspaceAuth(),
              null);
      default -> {
        ObjectNode o = NODES.objectNode();
        o.put("time_zone", pick("UTC", "Europe/Paris", "Mars/Olympus", "+02:00", ""));
        yield odd(3)
            ? req("GET", "/admin/workspaces/" + workspaceId(), adminAuth, null)
            : jsonReq("PUT", "/admin/workspaces/" + workspaceId(), adminAuth, maybeMutate(o));
      }
    };
  }

  /** Tags, notes and segments: create, apply, read and delete, with bodies mutated at times. */
  private Req tagsNotesSegments() {
    String member = !memberIds.isEmpty() && rnd.nextInt(4) != 0 ? pick(memberIds) : oddId();
    return switch (rnd.nextInt(8)) {
      case 0 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(4) ? weird() : "fz-tag-" + rnd.nextInt(10));
        yield jsonReq("POST", "/tags", workspaceAuth(), maybeMutate(o));
      }
      case 1 -> {
        ObjectNode o = NODES.objectNode();
        o.put("id", member);
        yield jsonReq(
            "POST", "/contacts/" + contactId() + "/tags", workspaceAuth(), maybeMutate(o));
      }
      case 2 -> req("DELETE", pick("/tags/", "/segments/") + member, workspaceAuth(), null);
      case 3 -> {
        ObjectNode o = NODES.objectNode();
        o.put("body", odd(4) ? weird() : "a note");
        yield jsonReq(
            "POST", "/contacts/" + contactId() + "/notes", workspaceAuth(), maybeMutate(o));
      }
      case 4 ->
          req(
              "GET",
              pick(
                  "/notes/" + member,
                  "/tags/" + member,
                  "/segments/" + member,
                  "/contacts/" + contactId() + "/notes",
                  "/contacts/" + contactId() + "/segments",
                  "/contacts/" + contactId() + "/tags",
                  "/segments?include_count=" + pick("true", "x")),
              workspaceAuth(),
              null);
      case 5 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(4) ? weird() : "fz-seg-" + rnd.nextInt(10));
        ObjectNode q = o.putObject("query");
        q.put("field", pick("email", "segment_id", "company_id", "tag_id", "custom_attributes.x"));
        q.put("operator", pick("=", "!=", "IN", "~"));
        q.set("value", value(rnd.nextInt(5)));
        yield jsonReq("POST", "/segments", workspaceAuth(), maybeMutate(o));
      }
      case 6 -> {
        ObjectNode o = NODES.objectNode();
        ObjectNode q = o.putObject("query");
        q.put("field", pick("segment_id", "company_id", "tag_id"));
        q.put("operator", pick("=", "!=", "IN", "NIN", "<"));
        q.put("value", odd(3) ? weird() : member);
        yield jsonReq("POST", "/contacts/search", workspaceAuth(), maybeMutate(o));
      }
      default ->
          req("DELETE", "/contacts/" + contactId() + "/tags/" + member, workspaceAuth(), null);
    };
  }

  /** Teammates: the admin API that adds and removes them, and GET /admins, /admins/{id}, /me. */
  private Req teammates() {
    String adminAuth = odd(5) ? anyAuth() : "Bearer " + admin;
    String ws = workspaceId();
    String adminId = rnd.nextBoolean() && !adminIds.isEmpty() ? pick(adminIds) : oddId();
    return switch (rnd.nextInt(8)) {
      case 0, 1 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(2) ? weird() : "fz-admin-" + rnd.nextInt(1000));
        o.put("email", odd(3) ? weird() : "fz-admin" + rnd.nextInt(50) + "@example.com");
        yield jsonReq("POST", "/admin/workspaces/" + ws + "/admins", adminAuth, maybeMutate(o));
      }
      case 2 -> req("GET", "/admin/workspaces/" + ws + "/admins", adminAuth, null);
      case 3 -> req("DELETE", "/admin/workspaces/" + ws + "/admins/" + adminId, adminAuth, null);
      case 4 -> {
        ObjectNode o = NODES.objectNode();
        o.put("admin_id", odd(3) ? oddId() : adminId);
        yield jsonReq("POST", "/admin/workspaces/" + ws + "/tokens", adminAuth, maybeMutate(o));
      }
      case 5 ->
          req(
              "GET",
              "/admins" + (odd(3) ? "?display_avatar=" + enc(weird()) : ""),
              workspaceAuth(),
              null);
      case 6 -> req("GET", "/admins/" + adminId, workspaceAuth(), null);
      default -> req("GET", "/me", workspaceAuth(), null);
    };
  }

  private Req admin() {
    String auth = odd(5) ? anyAuth() : "Bearer " + admin;
    String ws = workspaceId();
    return switch (rnd.nextInt(10)) {
      case 0, 1 -> {
        ObjectNode o = NODES.objectNode();
        o.put("name", odd(2) ? weird() : "fz-ws-" + rnd.nextInt(1000));
        yield jsonReq("POST", "/admin/workspaces", auth, maybeMutate(o));
      }
      case 2 -> req("GET", "/admin/workspaces", auth, null);
      case 3 -> req("DELETE", "/admin/workspaces/" + ws, auth, null);
      case 4 -> req("POST", "/admin/workspaces/" + ws + "/tokens", auth, null);
      case 5 -> req("GET", "/admin/workspaces/" + ws + "/tokens", auth, null);
      case 6 -> {
        String t = rnd.nextBoolean() && !tokenIds.isEmpty() ? pick(tokenIds) : oddId();
        if (ws.equals(defaultWorkspaceId) && t.equals(defaultTokenId)) {
          t = oddId();
        }
        yield req("DELETE", "/admin/workspaces/" + ws + "/tokens/" + t, auth, null);
      }
      default -> {
        List<String> params = new ArrayList<>();
        if (rnd.nextBoolean()) {
          params.add(
              "after="
                  + enc(
                      strict
                          ? pick("0", Long.toString(Math.max(0, lastPosition - 50)))
                          : pick("-5", "x", "99999999999999999999", "9223372036854775807")));
        }
        if (rnd.nextBoolean()) {
          params.add(
              "limit=" + enc(strict ? pick("1", "1000", "10") : pick("1001", "0", "-1", "x", "")));
        }
        yield req(
            "GET",
            "/admin/oplog" + (params.isEmpty() ? "" : "?" + String.join("&", params)),
            auth,
            null);
      }
    };
  }

  /** The index's admin endpoints; the heavy ones (rebuild, restore) rarely. */
  private Req operations() {
    String auth = odd(5) ? anyAuth() : "Bearer " + admin;
    int r = rnd.nextInt(100);
    if (r < 2) {
      return req("POST", "/admin/index/rebuild", auth, null);
    } else if (r < 3) {
      return req("POST", "/admin/index/restore", auth, null);
    } else if (r < 5) {
      return req("POST", "/admin/index/snapshots", auth, null);
    } else if (r < 7) {
      return req("POST", "/admin/index/apply", auth, null);
    } else if (r < 22) {
      ObjectNode o = NODES.objectNode();
      o.set("repair", odd(2) ? value(2) : NODES.booleanNode(rnd.nextBoolean()));
      return jsonReq("POST", "/admin/index/verify", auth, maybeMutate(o));
    }
    return req(
        "GET",
        pick(
            "/admin/index/rebuild",
            "/admin/index/plan",
            "/admin/index/snapshots",
            "/health/ready",
            "/health/live",
            "/metrics"),
        rnd.nextInt(3) == 0 ? null : auth,
        null);
  }

  private Req anyMethodAnyPath() {
    strict = false;
    String method = pick("GET", "POST", "PUT", "DELETE", "PATCH", "HEAD", "OPTIONS");
    byte[] body = rnd.nextBoolean() ? encode(text(value(1))) : null;
    return req(method, anyPath(), rnd.nextBoolean() ? anyAuth() : workspaceAuth(), body);
  }

  private String anyPath() {
    return pick(
        "/",
        "/nope",
        "/contacts",
        "/contacts/",
        "/contacts/" + contactId(),
        "/contacts/" + contactId() + "/extra",
        "/contacts/search",
        "/contacts/bulk",
        "/contacts/bulk/",
        "/CONTACTS",
        "/contacts.json",
        "//contacts",
        "/contacts//" + contactId(),
        "/events",
        "/data_attributes",
        "/admin",
        "/admin/",
        "/admin/workspaces",
        "/admin/workspaces/" + workspaceId() + "/tokens",
        "/admin/index",
        "/admin/index/rebuild",
        "/admin/index/verify",
        "/admin/oplog",
        "/health",
        "/health/live",
        "/health/live/x",
        "/health/ready",
        "/metrics",
        "/contacts/%2e%2e/admin/workspaces",
        "/contacts/..%2Fadmin/workspaces",
        "/%61dmin/workspaces",
        "/ADMIN/workspaces",
        "/admin/./workspaces",
        "/contacts/../admin/workspaces",
        "/admin/..%2Fcontacts",
        "/admin/../contacts",
        "/contacts;x=1",
        "/contacts/%F0%9F%98%80",
        "/contacts/%00",
        "/contacts/%C3%28",
        "/contacts/%FF",
        "/contacts/" + "9".repeat(500),
        "/" + "a".repeat(rnd.nextInt(3) == 0 ? 9_000 : 100));
  }

  // ---------------------------------------------------------------- tokens, ids, parameters

  /** Whether to bend this spot of the request: never when strict, else one time in {@code n}. */
  private boolean odd(int n) {
    return !strict && rnd.nextInt(n) == 0;
  }

  private String workspaceAuth() {
    return strict || rnd.nextInt(10) < 7 ? "Bearer " + token : anyAuth();
  }

  private String anyAuth() {
    return switch (rnd.nextInt(14)) {
      case 0 -> null;
      case 1 -> "Bearer " + admin;
      case 2 -> "Bearer " + otherToken;
      case 3 -> "Bearer tly_" + Long.toHexString(rnd.nextLong());
      case 4 -> "Basic dXNlcjpwYXNz";
      case 5 -> "bearer " + token;
      case 6 -> "Bearer " + token + "x";
      case 7 -> "Bearer";
      case 8 -> "Bearer    ";
      case 9 -> "Bearer " + token + " \t";
      case 10 -> "Bearer " + "x".repeat(5_000);
      case 11 -> "Bearer " + token.toUpperCase(Locale.ROOT);
      case 12 -> "Bearer \u00e9t\u00e9";
      default -> "Bearer " + pick(workspaceTokens.toArray(String[]::new));
    };
  }

  private String contactId() {
    return (strict || rnd.nextInt(3) != 0) && !contactIds.isEmpty() ? pick(contactIds) : oddId();
  }

  private String workspaceId() {
    String id = rnd.nextBoolean() && !workspaceIds.isEmpty() ? pick(workspaceIds) : oddId();
    return id.equals(defaultWorkspaceId) ? oddId() : id;
  }

  /** An id that is no record's, in one of many shapes; already safe in a URL. */
  private String oddId() {
    String real = contactIds.isEmpty() ? "1" : pick(contactIds);
    return pick(
        "0",
        "-1",
        "1",
        "abc",
        "99999999999999999999",
        "9223372036854775807",
        "-9223372036854775808",
        "1e3",
        "%201",
        "0x10",
        "%D9%A3",
        "%C3%A9",
        "%F0%9F%98%80",
        "000" + real,
        "%2B" + real,
        "-" + real,
        real + "0",
        real + "%20",
        "9".repeat(300),
        "%00",
        "null",
        "undefined",
        "",
        "%20");
  }

  private String perPage() {
    return strict
        ? Integer.toString(1 + rnd.nextInt(150))
        : pick("151", "0", "-1", "x", "1e2", " 5", "5 ", "\u0663", "99999999999", "1.5", "", "150");
  }

  private String cursor() {
    if ((strict || rnd.nextBoolean()) && !cursors.isEmpty()) {
      return pick(cursors);
    }
    if (strict) {
      return "";
    }
    return pick(
        "garbage",
        b64("1:2"),
        b64("-1:0"),
        b64(Long.MAX_VALUE + ":0"),
        b64("1:" + Integer.MAX_VALUE),
        b64("1:2:3:4:5"),
        b64("1:2:3:7"),
        b64("x:y"),
        b64("99999999999999999999:1"),
        b64(contactId() + ":1:-9223372036854775808:1"),
        b64(contactId() + ":1:9223372036854775807:0"),
        "////",
        "====",
        weird());
  }

  private static String b64(String s) {
    return Base64.getUrlEncoder()
        .withoutPadding()
        .encodeToString(s.getBytes(StandardCharsets.UTF_8));
  }

  private String idempotencyKey() {
    return strict
        ? "k-" + rnd.nextInt(6)
        : pick("k-" + rnd.nextInt(6), "", "x".repeat(256), "has space", "\u00e9t\u00e9", "k\u0001");
  }

  private String contentType() {
    if (!odd(7)) {
      return "application/json";
    }
    return pick(
        null,
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=xyz",
        "application/json; charset=utf-16",
        "application/json; charset=iso-8859-1",
        "application/json; charset=nope",
        "application/xml",
        "*/*",
        "application/json;;;",
        "",
        "text/html; charset=\u00e9");
  }

  private String[] oddHeader() {
    return switch (rnd.nextInt(12)) {
      case 0 -> new String[] {"Accept", pick("text/html", "application/xml", "*/*", "")};
      case 1 -> new String[] {"Accept-Encoding", pick("gzip", "br", "deflate", "*", "x")};
      case 2 -> new String[] {"Accept-Charset", pick("utf-16", "iso-8859-1", "nope")};
      case 3 -> new String[] {"Content-Encoding", pick("gzip", "deflate", "br", "identity", "x")};
      case 4 -> new String[] {"X-Forwarded-For", weird()};
      case 5 -> new String[] {"Range", "bytes=0-1"};
      case 6 -> new String[] {"If-None-Match", "*"};
      case 7 -> new String[] {"X-Request-Id", weird()};
      case 8 -> new String[] {"Cookie", "a=" + "b".repeat(rnd.nextInt(10_000))};
      case 9 -> new String[] {"Origin", "http://evil.example"};
      case 10 -> new String[] {"Tally-Min-Position", pick("1", "x", "")};
      default -> new String[] {"X-" + weird().replaceAll("[^A-Za-z]", ""), weird()};
    };
  }

  private static String enc(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  // ---------------------------------------------------------------- JSON values and mutations

  /** A contact's fields, typed as the attributes HttpFuzzTest defines; odd ones when not strict. */
  private ObjectNode contact(boolean create) {
    ObjectNode c = NODES.objectNode();
    if (create || rnd.nextBoolean()) {
      if (rnd.nextInt(10) < 7) {
        c.put("external_id", "fz-" + rnd.nextInt(400));
      }
      if (rnd.nextInt(10) < 5 || c.isEmpty()) {
        c.put("email", "fz" + rnd.nextInt(400) + "@example.com");
      }
    }
    if (rnd.nextBoolean()) {
      c.put("name", odd(3) ? weird() : "Fuzz " + rnd.nextInt(100));
    }
    if (rnd.nextInt(4) == 0) {
      c.put("role", odd(3) ? "admin" : pick("user", "lead"));
    }
    if (rnd.nextInt(4) == 0) {
      c.put("phone", odd(2) ? weird() : "+15551234567");
    }
    if (rnd.nextInt(4) == 0) {
      c.put(
          pick("signed_up_at", "last_seen_at", "last_replied_at"),
          strict ? 1_700_000_000L + rnd.nextInt(1_000_000) : ts());
    }
    if (rnd.nextInt(6) == 0) {
      c.put("unsubscribed_from_emails", rnd.nextBoolean());
    }
    if (rnd.nextInt(8) == 0) {
      // A teammate a strict request knows of (it may be another workspace's: a 400), else any.
      c.put(
          "owner_id",
          strict && !adminIds.isEmpty() ? Long.parseLong(pick(adminIds)) : rnd.nextInt(1000));
    }
    if (rnd.nextInt(8) == 0) {
      c.put("avatar", "https://example.com/" + "a".repeat(rnd.nextInt(strict ? 1_000 : 3_000)));
    }
    if (rnd.nextBoolean()) {
      ObjectNode ca = c.putObject("custom_attributes");
      ca.put("plan", pick("pro", "free", "team"));
      if (rnd.nextBoolean()) {
        ca.put("seats", rnd.nextInt(100));
      }
      if (rnd.nextBoolean()) {
        ca.put("score", rnd.nextDouble() * 100);
      }
      if (rnd.nextBoolean()) {
        ca.put("vip", rnd.nextBoolean());
      }
      if (rnd.nextBoolean()) {
        ca.put("renewal_at", strict ? 1_700_000_000L + rnd.nextInt(1_000_000) : ts());
      }
      if (odd(4)) {
        ca.set("new_" + rnd.nextInt(30), value(2));
      }
    }
    if (rnd.nextInt(6) == 0) {
      ObjectNode l = c.putObject("location");
      l.put("country", odd(2) ? weird() : "France");
      l.put("city", "Paris");
      l.put("type", "location");
    }
    if (rnd.nextInt(6) == 0) {
      c.put(
          pick("language_override", "browser", "os", "browser_language"), odd(2) ? weird() : "fr");
    }
    if (rnd.nextInt(8) == 0) {
      c.put("id", "123");
      c.put("type", "contact");
      c.putObject("tags").put("type", "list").putArray("data");
    }
    return c;
  }

  private long ts() {
    return switch (rnd.nextInt(8)) {
      case 0 -> 0;
      case 1 -> 253402300799L;
      case 2 -> 253402300800L;
      case 3 -> -1;
      case 4 -> Long.MAX_VALUE;
      default -> 1_700_000_000L + rnd.nextInt(1_000_000);
    };
  }

  /** A JSON value of any kind, deeper and odder than any a route wants. */
  private JsonNode value(int depth) {
    return switch (rnd.nextInt(depth > 3 ? 6 : 10)) {
      case 0, 1 -> NODES.textNode(weird());
      case 2 -> number();
      case 3 -> NODES.booleanNode(rnd.nextBoolean());
      case 4 -> NODES.nullNode();
      case 5 -> NODES.textNode("v" + rnd.nextInt(10));
      case 6 -> {
        ArrayNode a = NODES.arrayNode();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
          a.add(value(depth + 1));
        }
        yield a;
      }
      case 7, 8 -> {
        ObjectNode o = NODES.objectNode();
        int n = rnd.nextInt(5);
        for (int i = 0; i < n; i++) {
          o.set(rnd.nextBoolean() ? "k" + i : weird(), value(depth + 1));
        }
        yield o;
      }
      default -> {
        int levels = 10 + rnd.nextInt(90);
        String open = rnd.nextBoolean() ? "[" : "{\"a\":";
        String close = open.equals("[") ? "]" : "}";
        yield NODES.rawValueNode(new RawValue(open.repeat(levels) + "1" + close.repeat(levels)));
      }
    };
  }

  private JsonNode number() {
    return switch (rnd.nextInt(14)) {
      case 0 -> NODES.numberNode(0);
      case 1 -> NODES.numberNode(-1);
      case 2 -> NODES.numberNode(Long.MAX_VALUE);
      case 3 -> NODES.numberNode(Long.MIN_VALUE);
      case 4 -> NODES.numberNode(1.5);
      case 5 -> NODES.numberNode(-0.0);
      case 6 -> NODES.numberNode(new BigInteger("123456789012345678901234567890"));
      case 7 -> NODES.rawValueNode(new RawValue("1e309"));
      case 8 -> NODES.rawValueNode(new RawValue("-1e400"));
      case 9 -> NODES.rawValueNode(new RawValue("1E2"));
      case 10 -> NODES.rawValueNode(new RawValue("0." + "0".repeat(400) + "1"));
      case 11 -> NODES.rawValueNode(new RawValue("9".repeat(1_200)));
      case 12 -> NODES.numberNode(253402300800L);
      default -> NODES.numberNode(rnd.nextInt());
    };
  }

  /** A string that tends to break things: long, empty, control characters, odd Unicode. */
  private String weird() {
    return switch (rnd.nextInt(24)) {
      case 0 -> "";
      case 1 -> " ";
      case 2 -> "x".repeat(255);
      case 3 -> "x".repeat(256);
      case 4 -> "y".repeat(1_000 + rnd.nextInt(4_000));
      case 5 -> "\u00e9\u65e5\u672c\u8a9e";
      case 6 -> "\uD83D\uDE00 emoji";
      case 7 -> "\u202Eevil";
      case 8 -> "zero\u200Bwidth\uFEFF";
      case 9 -> "nul\u0000byte";
      case 10 -> "bell\u0007";
      case 11 -> "esc\u001b[0m";
      case 12 -> "tab\tline\nbreak\r";
      case 13 -> "now-7d";
      case 14 -> "1700000000";
      case 15 -> "-1";
      case 16 -> "NaN";
      case 17 -> "<script>alert(1)</script>";
      case 18 -> "' OR 1=1 --";
      case 19 -> "../../etc/passwd";
      case 20 -> "${jndi:ldap://x}";
      case 21 -> "a@b";
      case 22 -> "%00%ZZ";
      default -> "\uFFFF\uFFFE\u0085\u2028";
    };
  }

  private JsonNode maybeMutate(JsonNode doc) {
    if (strict || rnd.nextInt(10) < 4) {
      return doc;
    }
    JsonNode copy = doc.deepCopy();
    int rounds = 1 + rnd.nextInt(3);
    for (int i = 0; i < rounds; i++) {
      mutate(copy);
    }
    return copy;
  }

  /** Changes one spot of the tree: a value replaced, a key removed or added. */
  private void mutate(JsonNode node) {
    List<JsonNode> containers = new ArrayList<>();
    collect(node, containers);
    JsonNode target = pick(containers);
    if (target instanceof ObjectNode o) {
      List<String> names = new ArrayList<>();
      o.fieldNames().forEachRemaining(names::add);
      int op = rnd.nextInt(4);
      if (names.isEmpty() || op == 0) {
        o.set(
            rnd.nextBoolean()
                ? pick("email", "external_id", "query", "field", "operator", "value", "name")
                : weird(),
            value(1));
      } else if (op == 1) {
        o.remove(pick(names));
      } else {
        o.set(pick(names), value(1));
      }
    } else if (target instanceof ArrayNode a) {
      if (a.isEmpty() || rnd.nextBoolean()) {
        a.add(value(1));
      } else {
        a.set(rnd.nextInt(a.size()), value(1));
      }
    }
  }

  private static void collect(JsonNode n, List<JsonNode> out) {
    if (n.isContainerNode()) {
      out.add(n);
      n.elements().forEachRemaining(c -> collect(c, out));
    }
  }

  private String text(JsonNode doc) {
    String s = doc.toString();
    return odd(6) ? textMutate(s) : s;
  }

  /** Breaks JSON text: truncated, a byte changed, a key doubled, a lone surrogate, junk after. */
  private String textMutate(String s) {
    StringBuilder b = new StringBuilder(s);
    int rounds = 1 + rnd.nextInt(3);
    for (int i = 0; i < rounds; i++) {
      int at = b.isEmpty() ? 0 : rnd.nextInt(b.length());
      switch (rnd.nextInt(12)) {
        case 0 -> b.setLength(at);
        case 1 -> {
          if (!b.isEmpty()) {
            b.deleteCharAt(at);
          }
        }
        case 2 -> b.insert(at, pick("{", "}", "[", "]", "\"", ",", ":", "\\", "\u0000", "\u00ff"));
        case 3 -> b.insert(at, b.substring(at, Math.min(b.length(), at + rnd.nextInt(20))));
        case 4 -> {
          int brace = b.indexOf("{");
          if (brace >= 0) {
            b.insert(brace + 1, "\"email\":\"dup@example.com\",\"email\":1,");
          }
        }
        case 5 -> {
          int quote = b.indexOf("\"", at);
          if (quote >= 0) {
            b.insert(quote + 1, pick("\\ud800", "\\udc00x", "\\u0000", "\\uZZZZ", "\\x41"));
          }
        }
        case 6 -> b.append(pick(" {}", ",", "]", "\u0000", " // comment", "garbage"));
        case 7 -> b.insert(0, pick("\uFEFF", " \n\t", "/* c */", "'"));
        case 8 -> b.replace(0, b.length(), b.toString().replace('"', '\''));
        case 9 -> {
          int comma = b.indexOf(",");
          if (comma >= 0) {
            b.insert(comma, ",");
          }
        }
        case 10 -> b.insert(at, pick("NaN", "Infinity", "-", "01", "1.", ".5", "true", "null"));
        default -> b.replace(0, b.length(), b.toString().toUpperCase(Locale.ROOT));
      }
    }
    return b.toString();
  }

  /**
   * The text's bytes: UTF-8, or (bent) another encoding Jackson detects, Latin-1, malformed UTF-8,
   * gzip, a byte-order mark.
   */
  private byte[] encode(String text) {
    if (!odd(6)) {
      return text.getBytes(StandardCharsets.UTF_8);
    }
    return switch (rnd.nextInt(8)) {
      case 0 -> text.getBytes(StandardCharsets.UTF_16BE);
      case 1 -> text.getBytes(StandardCharsets.UTF_16LE);
      case 2 -> text.getBytes(StandardCharsets.UTF_16); // with a byte-order mark
      case 3 -> text.getBytes(Charset.forName("UTF-32BE"));
      case 4 -> text.getBytes(StandardCharsets.ISO_8859_1);
      case 5 -> {
        byte[] utf8 = text.getBytes(StandardCharsets.UTF_8);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int at = utf8.length == 0 ? 0 : rnd.nextInt(utf8.length);
        out.write(utf8, 0, at);
        out.writeBytes(
            pick(
                new byte[] {(byte) 0xC3, (byte) 0x28},
                new byte[] {(byte) 0xFF},
                new byte[] {(byte) 0xED, (byte) 0xA0, (byte) 0x80},
                new byte[] {(byte) 0xC0, (byte) 0xAF},
                new byte[] {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}));
        out.write(utf8, at, utf8.length - at);
        yield out.toByteArray();
      }
      case 6 -> gzip(text.getBytes(StandardCharsets.UTF_8));
      default -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        out.writeBytes(text.getBytes(StandardCharsets.UTF_8));
        yield out.toByteArray();
      }
    };
  }

  private static byte[] gzip(byte[] b) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(b);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- raw, over a socket

  /**
   * A request written byte by byte: one of the routes' requests serialised by hand and broken at
   * the HTTP level (method, target, version, line endings, Content-Length, chunking, headers,
   * Expect, Content-Encoding, pipelining, flipped bytes), or garbage from the start.
   */
  private Next raw() {
    strict = rnd.nextBoolean();
    Req base =
        switch (rnd.nextInt(6)) {
          case 0 -> contactCreate();
          case 1 -> search();
          case 2 -> bulk();
          case 3 -> contactGetOrDelete();
          case 4 -> admin();
          default -> anyMethodAnyPath();
        };
    strict = false;
    String method = base.method();
    String target = base.target();
    String version = "HTTP/1.1";
    boolean framingIntact = true;
    Map<String, String> head = new LinkedHashMap<>(base.head());
    byte[] body = base.body();
    List<String> extra = new ArrayList<>(); // header lines as written, in order
    boolean contentLength = body != null;
    boolean pipelined = false;
    boolean lineEndings = false;
    boolean flip = false;
    byte[] whole = null;
    int ops = 1 + rnd.nextInt(2);
    for (int i = 0; i < ops; i++) {
      switch (rnd.nextInt(22)) {
        case 0 -> {
          method =
              pick(
                  "FOO",
                  "get",
                  "TRACE",
                  "CONNECT",
                  "PROPFIND",
                  "M-SEARCH",
                  "PRI",
                  "G E T",
                  "GET\u0000",
                  "X".repeat(1_000),
                  "",
                  "PATCH",
                  "HEAD",
                  "OPTIONS");
          framingIntact = false;
        }
        case 1 -> {
          target = rawTarget();
          framingIntact = false;
        }
        case 2 -> {
          version =
              pick(
                  "HTTP/1.0",
                  "HTTP/1.0",
                  "HTTP/1.2",
                  "HTTP/2.0",
                  "HTTP/9.9",
                  "http/1.1",
                  "HTTP/11",
                  "HTTP/1.1 extra",
                  "FOO/1.1",
                  "");
          framingIntact &= version.equals("HTTP/1.0");
        }
        case 3 -> {
          contentLength = false;
          int len = body == null ? 0 : body.length;
          extra.add(
              pick(
                  "Content-Length: -1",
                  "Content-Length: " + len + "\r\nContent-Length: " + (len + 1),
                  "Content-Length: " + len + "\r\nContent-Length: " + len,
                  "Content-Length: 99999999999999999999",
                  "Content-Length: 40000000",
                  "Content-Length: abc",
                  "Content-Length: +" + len,
                  "Content-Length:  " + len + " ",
                  "Content-Length: 0x10",
                  "Content-Length: " + (len + 100),
                  "Content-Length: " + Math.max(0, len - 3),
                  "Content-Length: " + len + ", " + len));
          framingIntact = false;
        }
        case 4 -> {
          contentLength = false;
          body = chunked(body == null ? "{}".getBytes(StandardCharsets.UTF_8) : body);
          extra.add(
              pick(
                  "Transfer-Encoding: chunked",
                  "Transfer-Encoding: chunked",
                  "Transfer-Encoding: chunked\r\nContent-Length: 3",
                  "Transfer-Encoding: gzip, chunked",
                  "Transfer-Encoding: identity",
                  "Transfer-Encoding: chunked, identity",
                  "Transfer-Encoding: CHUNKED",
                  "Transfer-Encoding: gzip"));
          framingIntact = false;
        }
        case 5 -> {
          extra.add(
              pick(
                  "NoColonHere",
                  "Bad Name: x",
                  "X-Folded: a\r\n  continued",
                  "X-Space : x",
                  ": empty-name",
                  "X-Nul: a\u0000b",
                  "X-High: \u00ff\u00fe",
                  "X-Del: \u007f",
                  "X-Long: " + "v".repeat(rnd.nextBoolean() ? 9_000 : 70_000),
                  "X-Tab:\tx"));
          framingIntact = false;
        }
        case 6 -> {
          StringBuilder many = new StringBuilder();
          int n = 50 + rnd.nextInt(500);
          for (int j = 0; j < n; j++) {
            many.append(j == 0 ? "" : "\r\n").append("X-H").append(j).append(": v");
          }
          extra.add(many.toString());
          framingIntact = false;
        }
        case 7 -> {
          extra.add(
              pick(
                  "Host: a\r\nHost: b",
                  "Host: " + "h".repeat(300),
                  "Host: a b",
                  "Host: [::1",
                  "Host: 127.0.0.1:99999"));
          framingIntact = false;
        }
        case 8 -> extra.add(pick("Expect: 100-continue", "Expect: nonsense", "Expect: 200-ok"));
        case 9 -> {
          head.put("Content-Encoding", pick("gzip", "deflate", "br", "gzip, gzip"));
          if (body != null && rnd.nextBoolean()) {
            body = rnd.nextBoolean() ? gzip(body) : Arrays.copyOf(gzip(body), 7);
          }
        }
        case 10 ->
            extra.add(
                pick(
                    "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                        + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA",
                    "Connection: Upgrade\r\nUpgrade: websocket",
                    "Connection: keep-alive",
                    "Connection: nonsense"));
        case 11 -> {
          head.put("Authorization", pick("Bearer " + token, "Bearer " + admin, "Bearer x"));
          extra.add("Authorization: " + pick("Bearer " + token, "Bearer " + admin, "Basic x"));
        }
        case 12 ->
            whole =
                pick("GET /\r\n", "GET /health/live\r\n", "GET\r\n\r\n", "\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1);
        case 13 -> whole = "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
        case 14 -> {
          byte[] junk = new byte[1 + rnd.nextInt(300)];
          rnd.nextBytes(junk);
          if (rnd.nextBoolean()) {
            junk = Arrays.copyOf(junk, junk.length + 4);
            System.arraycopy(new byte[] {'\r', '\n', '\r', '\n'}, 0, junk, junk.length - 4, 4);
          }
          whole = junk;
        }
        case 15 -> version = "HTTP/1.0";
        case 16 -> {
          target = "/" + "a".repeat(rnd.nextBoolean() ? 9_000 : 70_000);
          framingIntact = false;
        }
        case 17 -> lineEndings = true;
        case 18 -> pipelined = true;
        case 19 -> flip = true;
        case 20 -> {
          // a body in another encoding than the one declared
          head.put("Content-Type", pick("application/json; charset=utf-16", "text/plain"));
          String text =
              body == null
                  ? "{\"email\":\"\u00e9@example.com\"}"
                  : new String(body, StandardCharsets.UTF_8);
          body =
              text.getBytes(
                  rnd.nextBoolean() ? StandardCharsets.UTF_16 : StandardCharsets.ISO_8859_1);
          contentLength = true;
        }
        default -> method = pick("TRACE", "OPTIONS", "HEAD", "PATCH", "DELETE");
      }
    }
    byte[] bytes;
    if (whole != null) {
      bytes = whole;
      framingIntact = false;
    } else {
      StringBuilder h = new StringBuilder();
      h.append(method).append(' ').append(target).append(version.isEmpty() ? "" : " " + version);
      h.append("\r\n");
      if (!version.equals("HTTP/1.0") || rnd.nextBoolean()) {
        h.append("Host: 127.0.0.1\r\n");
      }
      head.forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
      extra.forEach(x -> h.append(x).append("\r\n"));
      if (contentLength && body != null) {
        h.append("Content-Length: ").append(body.length).append("\r\n");
      }
      if (rnd.nextBoolean()) {
        h.append("Connection: close\r\n");
      }
      h.append("\r\n");
      String headText = h.toString();
      if (lineEndings) {
        headText = headText.replace("\r\n", rnd.nextBoolean() ? "\n" : "\r");
        framingIntact = false;
      }
      byte[] headBytes = latin1OrUtf8(headText);
      if (flip) {
        for (int j = 0; j < 1 + rnd.nextInt(3); j++) {
          headBytes[rnd.nextInt(headBytes.length)] = (byte) rnd.nextInt(256);
        }
        framingIntact = false;
      }
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      out.writeBytes(headBytes);
      if (body != null) {
        out.writeBytes(body);
      }
      if (pipelined) {
        out.writeBytes(
            pick(
                    "GET /health/live HTTP/1.1\r\nHost: x\r\n\r\n",
                    "garbage\r\n\r\n",
                    "GET /contacts HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer "
                        + token
                        + "\r\nConnection: close\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
      }
      bytes = out.toByteArray();
    }
    String firstWord = new String(bytes, StandardCharsets.ISO_8859_1).split(" ", 2)[0];
    return new Next("raw", new Req(firstWord, target, head, body), bytes, framingIntact, false);
  }

  private String rawTarget() {
    return pick(
        "%",
        "/contacts/%G1",
        "/contacts/%C3%28",
        "/contacts/%",
        "/contacts/%0",
        "/contacts?x=%ZZ",
        "/contacts/\u00e9",
        "/contacts/\u00ff",
        "/contacts/a b",
        "/contacts/a\tb",
        "*",
        "http://127.0.0.1/contacts",
        "http://evil.example/admin/workspaces",
        "contacts",
        "/contacts#frag",
        "/contacts/..",
        "/contacts/%2e%2e/admin/workspaces",
        "/%2e%2e/%2e%2e/etc/passwd",
        "/admin/%2e/workspaces",
        "/admin%2Fworkspaces",
        "/contacts\\..\\admin",
        "/contacts/" + contactId() + "%00",
        "/contacts?per_page=%FF",
        "/contacts?" + "p=1&".repeat(2_000),
        "/health/live?" + "x".repeat(7_000),
        "");
  }

  /** A request as a client would write it, with Content-Length and Connection: close. */
  static byte[] serialize(Req req) {
    StringBuilder h = new StringBuilder();
    h.append(req.method()).append(' ').append(req.target()).append(" HTTP/1.1");
    h.append("\r\nHost: 127.0.0.1\r\n");
    req.head().forEach((k, v) -> h.append(k).append(": ").append(v).append("\r\n"));
    if (req.body() != null) {
      h.append("Content-Length: ").append(req.body().length).append("\r\n");
    }
    h.append("Connection: close\r\n\r\n");
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.writeBytes(latin1OrUtf8(h.toString()));
    if (req.body() != null) {
      out.writeBytes(req.body());
    }
    return out.toByteArray();
  }

  /** A head's bytes: characters up to U+00FF as one byte, the rest (in a token, an id) as UTF-8. */
  private static byte[] latin1OrUtf8(String s) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c <= 0xFF) {
        out.write(c);
      } else {
        out.writeBytes(String.valueOf(c).getBytes(StandardCharsets.UTF_8));
      }
    }
    return out.toByteArray();
  }

  private byte[] chunked(byte[] body) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    int pos = 0;
    while (pos < body.length) {
      int n = Math.min(body.length - pos, 1 + rnd.nextInt(40));
      String size = Integer.toHexString(n);
      switch (rnd.nextInt(30)) {
        case 0 -> size = "zz";
        case 1 -> size = Integer.toHexString(n + 5);
        case 2 -> size = size + ";ext=1";
        case 3 -> size = "-1";
        case 4 -> size = "ffffffffffffffff";
        default -> {}
      }
      out.writeBytes((size + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
      out.write(body, pos, n);
      out.writeBytes("\r\n".getBytes(StandardCharsets.ISO_8859_1));
      pos += n;
    }
    out.writeBytes(
        pick("0\r\n\r\n", "0\r\n\r\n", "0\r\nX-Trailer: y\r\n\r\n", "", "0\r\n")
            .getBytes(StandardCharsets.ISO_8859_1));
    return out.toByteArray();
  }

  // ---------------------------------------------------------------- small helpers

  @SafeVarargs
  private <T> T pick(T... options) {
    return options[rnd.nextInt(options.length)];
  }

  private <T> T pick(List<T> options) {
    return options.get(rnd.nextInt(options.size()));
  }
}
