package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Table-driven bad input: each case must get the stated 4xx in Intercom's error-list shape, naming
 * the field, and must leave nothing written (the oplog head does not move).
 */
class BadInputTest extends ApiTestBase {

  /** Who sends the request. */
  enum Who {
    WORKSPACE,
    ADMIN,
    NONE,
    WRONG,
    BASIC
  }

  record Case(
      String method,
      String path,
      String body,
      Who who,
      Map<String, String> headers,
      int status,
      String code,
      String field) {
    @Override
    public String toString() {
      String b =
          body == null ? "" : " " + (body.length() > 60 ? body.substring(0, 60) + "..." : body);
      return method + " " + path + b + " -> " + status + " " + field;
    }
  }

  static Case c(String method, String path, String body, int status, String code, String field) {
    return new Case(method, path, body, Who.WORKSPACE, Map.of(), status, code, field);
  }

  static Case as(
      Who who, String method, String path, String body, int status, String code, String field) {
    return new Case(method, path, body, who, Map.of(), status, code, field);
  }

  static final String P = "parameter_invalid";
  static final String NF = "parameter_not_found";

  static Stream<Case> cases() {
    String deep = "[".repeat(2000) + "]".repeat(2000);
    return Stream.of(
        // malformed bodies
        c("POST", "/contacts", "{\"email\":", 400, P, "body"),
        c("POST", "/contacts", "[]", 400, P, "body"),
        c("POST", "/contacts", "", 400, P, "body"),
        c("POST", "/contacts", "\"just a string\"", 400, P, "body"),
        c("POST", "/contacts", "{\"email\":\"a@b.co\",\"email\":\"c@d.co\"}", 400, P, "body"),
        c("POST", "/contacts", "{\"email\":\"a@b.co\"} {}", 400, P, "body"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"x\":" + deep + "}}",
            400,
            P,
            "body"),
        // contact fields
        c("POST", "/contacts", "{\"name\":\"No Identity\"}", 400, NF, "email"),
        c("POST", "/contacts", "{\"email\":\"a@b.co\",\"emial\":\"typo\"}", 400, P, "emial"),
        c("POST", "/contacts", "{\"email\":\"not-an-email\"}", 400, P, "email"),
        c("POST", "/contacts", "{\"email\":5}", 400, P, "email"),
        c("POST", "/contacts", "{\"external_id\":\"\"}", 400, P, "external_id"),
        c("POST", "/contacts", "{\"external_id\":123}", 400, P, "external_id"),
        c("POST", "/contacts", "{\"role\":\"admin\"}", 400, P, "role"),
        c("POST", "/contacts", "{\"role\":null}", 400, P, "role"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"signed_up_at\":\"yesterday\"}",
            400,
            P,
            "signed_up_at"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"signed_up_at\":1.5}",
            400,
            P,
            "signed_up_at"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"last_seen_at\":-1}",
            400,
            P,
            "last_seen_at"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"unsubscribed_from_emails\":\"yes\"}",
            400,
            P,
            "unsubscribed_from_emails"),
        c("POST", "/contacts", "{\"email\":\"a@b.co\",\"owner_id\":\"abc\"}", 400, P, "owner_id"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"name\":\"" + "n".repeat(300) + "\"}",
            400,
            P,
            "name"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"location\":{\"planet\":\"Mars\"}}",
            400,
            P,
            "location.planet"),
        c("POST", "/contacts", "{\"email\":\"a@b.co\",\"location\":\"Paris\"}", 400, P, "location"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"email_domain\":\"x\",\"location.city\":\"x\"}",
            400,
            P,
            "location.city"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":[1]}",
            400,
            P,
            "custom_attributes"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"a.b\":1}}",
            400,
            P,
            "custom_attributes.a.b"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"\":1}}",
            400,
            P,
            "custom_attributes."),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"x\":{\"y\":1}}}",
            400,
            P,
            "custom_attributes.x"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"x\":[1,2]}}",
            400,
            P,
            "custom_attributes.x"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"x\":123456789012345678901234567890}}",
            400,
            P,
            "custom_attributes.x"),
        c(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\",\"custom_attributes\":{\"x\":\"" + "v".repeat(256) + "\"}}",
            400,
            P,
            "custom_attributes.x"),
        c("PUT", "/contacts/123", "{\"name\":\"x\"}", 404, "not_found", null),
        c("PUT", "/contacts/abc", "{\"name\":\"x\"}", 404, "not_found", null),
        c("DELETE", "/contacts/99999999999999999999", null, 404, "not_found", null),
        c("GET", "/contacts/-1", null, 404, "not_found", null),
        // listing parameters
        c("GET", "/contacts?per_page=0", null, 400, P, "per_page"),
        c("GET", "/contacts?per_page=151", null, 400, P, "per_page"),
        c("GET", "/contacts?per_page=ten", null, 400, P, "per_page"),
        c("GET", "/contacts?starting_after=garbage", null, 400, P, "starting_after"),
        // events
        c("POST", "/events", "{}", 400, NF, "event_name"),
        c("POST", "/events", "{\"event_name\":\"x\"}", 400, NF, "created_at"),
        c("POST", "/events", "{\"event_name\":\"x\",\"created_at\":1}", 400, NF, "user_id"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"x\",\"created_at\":\"1\",\"user_id\":\"u\"}",
            400,
            P,
            "created_at"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"\",\"created_at\":1,\"user_id\":\"u\"}",
            400,
            P,
            "event_name"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"u\",\"metadata\":[1]}",
            400,
            P,
            "metadata"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"u\",\"metadata\":{\"a\":[1]}}",
            400,
            P,
            "metadata.a"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"x\",\"created_at\":1,\"id\":\"abc\"}",
            400,
            P,
            "id"),
        c(
            "POST",
            "/events",
            "{\"event_name\":\"x\",\"created_at\":1,\"user_id\":\"u\",\"color\":\"red\"}",
            400,
            P,
            "color"),
        c("GET", "/events?user_id=u", null, 400, NF, "type"),
        c("GET", "/events?type=company&user_id=u", null, 400, P, "type"),
        c("GET", "/events?type=user", null, 400, P, "user_id"),
        c("GET", "/events?type=user&user_id=u&email=e@x.co", null, 400, P, "user_id"),
        c("GET", "/events?type=user&intercom_user_id=abc", null, 400, P, "intercom_user_id"),
        // data attributes
        c("POST", "/data_attributes", "{}", 400, NF, "name"),
        c("POST", "/data_attributes", "{\"name\":\"x\"}", 400, NF, "model"),
        c(
            "POST",
            "/data_attributes",
            "{\"name\":\"x\",\"model\":\"conversation\",\"data_type\":\"string\"}",
            400,
            P,
            "model"),
        c(
            "POST",
            "/data_attributes",
            "{\"name\":\"email\",\"model\":\"contact\",\"data_type\":\"string\"}",
            400,
            P,
            "name"),
        c(
            "POST",
            "/data_attributes",
            "{\"name\":\"x\",\"model\":\"contact\",\"data_type\":\"money\"}",
            400,
            P,
            "data_type"),
        c(
            "POST",
            "/data_attributes",
            "{\"name\":\"x\",\"model\":\"contact\",\"data_type\":\"integer\",\"options\":[\"a\"]}",
            400,
            P,
            "options"),
        c(
            "POST",
            "/data_attributes",
            "{\"name\":\"a.b\",\"model\":\"contact\",\"data_type\":\"string\"}",
            400,
            P,
            "name"),
        c("GET", "/data_attributes?model=planet", null, 400, P, "model"),
        c("GET", "/data_attributes?include_archived=maybe", null, 400, P, "include_archived"),
        new Case(
            "POST",
            "/contacts",
            "{\"email\":\"a@b.co\"}",
            Who.WORKSPACE,
            Map.of("Idempotency-Key", "has space"),
            400,
            P,
            "Idempotency-Key"),
        // search
        c("POST", "/contacts/search", "{}", 400, NF, "query"),
        c("POST", "/contacts/search", "{\"query\":[]}", 400, P, "query"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},\"limit\":5}",
            400,
            P,
            "limit"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},\"pagination\":{\"per_page\":0}}",
            400,
            P,
            "pagination.per_page"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},\"pagination\":{\"starting_after\":\"zz\"}}",
            400,
            P,
            "pagination.starting_after"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"operator\":\"OR\",\"value\":[{\"field\":\"role\",\"operator\":\"=\",\"value\":\"user\"},{\"field\":\"nope\",\"operator\":\"=\",\"value\":1}]}}",
            400,
            P,
            "query.value[1].field"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"created_at\",\"operator\":\">\",\"value\":\"soon\"}}",
            400,
            P,
            "query.value"),
        new Case(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"}}",
            Who.WORKSPACE,
            Map.of("Tally-Min-Position", "-1"),
            400,
            P,
            "Tally-Min-Position"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},\"sort\":{\"field\":\"email\"}}",
            400,
            P,
            "sort.field"),
        c(
            "POST",
            "/contacts/search",
            "{\"query\":{\"field\":\"email\",\"operator\":\"=\",\"value\":\"a\"},\"sort\":{\"field\":\"created_at\",\"order\":\"desc\"}}",
            400,
            "invalid_sort_order",
            "sort.order"),
        // admin
        as(Who.ADMIN, "POST", "/admin/workspaces", "{}", 400, NF, "name"),
        as(Who.ADMIN, "POST", "/admin/workspaces", "{\"name\":\"\"}", 400, P, "name"),
        as(Who.ADMIN, "POST", "/admin/workspaces", "{\"name\":\"x\",\"plan\":1}", 400, P, "plan"),
        as(Who.ADMIN, "POST", "/admin/workspaces", "{\"name\":\"default\"}", 409, "conflict", null),
        as(Who.ADMIN, "GET", "/admin/oplog?after=-5", null, 400, P, "after"),
        as(Who.ADMIN, "GET", "/admin/oplog?limit=5000", null, 400, P, "limit"),
        as(Who.ADMIN, "DELETE", "/admin/workspaces/999", null, 404, "not_found", null),
        as(Who.ADMIN, "DELETE", "/admin/workspaces/1/tokens/2", null, 404, "not_found", null),
        new Case(
            "POST",
            "/admin/workspaces",
            "{\"name\":\"k\"}",
            Who.ADMIN,
            Map.of("Idempotency-Key", "k1"),
            400,
            P,
            "Idempotency-Key"),
        // authentication
        as(Who.NONE, "GET", "/contacts", null, 401, "unauthorized", null),
        as(Who.WRONG, "POST", "/contacts", "{\"email\":\"a@b.co\"}", 401, "unauthorized", null),
        as(Who.BASIC, "GET", "/contacts", null, 401, "unauthorized", null),
        as(Who.ADMIN, "GET", "/contacts", null, 401, "unauthorized", null),
        as(Who.WORKSPACE, "GET", "/admin/workspaces", null, 401, "unauthorized", null),
        as(Who.NONE, "GET", "/admin/oplog", null, 401, "unauthorized", null),
        // unknown endpoints
        c("GET", "/nope", null, 404, "not_found", null),
        c("PATCH", "/contacts/1", "{}", 404, "not_found", null));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void getsAClearFourHundredAndWritesNothing(Case k) {
    long head = server.store().head();
    String who =
        switch (k.who()) {
          case WORKSPACE -> token;
          case ADMIN -> ADMIN;
          case NONE -> null;
          case WRONG -> "tly_not_a_real_token";
          case BASIC -> null;
        };
    Map<String, String> headers = new java.util.HashMap<>(k.headers());
    if (k.who() == Who.BASIC) {
      headers.put("Authorization", "Basic dXNlcjpwYXNz");
    }
    TallyHttp.Res r = http.call(k.method(), k.path(), who, k.body(), headers);
    assertEquals(k.status(), r.status(), r.toString());
    assertEquals("error.list", r.json().path("type").asText(), r.toString());
    assertNotNull(r.json().get("request_id"));
    assertEquals(k.code(), r.code(), r.toString());
    assertEquals(k.field(), r.field(), r.toString());
    assertTrue(r.message() != null && r.message().length() > 10, r.toString());
    assertEquals(head, server.store().head(), "nothing was written");
  }

  @Test
  void oversizedBodiesGetFourThirteenWithOrWithoutContentLength() throws Exception {
    long head = server.store().head();
    String big = "{\"email\":\"a@b.co\",\"name\":\"" + "x".repeat(1_100_000) + "\"}";
    TallyHttp.Res r = post("/contacts", big);
    assertEquals(413, r.status());
    assertEquals("payload_too_large", r.code());
    HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    HttpResponse<String> chunked =
        client.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/contacts"))
                .header("Authorization", "Bearer " + token)
                .POST(
                    HttpRequest.BodyPublishers.ofInputStream(
                        () -> new ByteArrayInputStream(big.getBytes())))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertEquals(413, chunked.statusCode(), chunked.body());
    assertTrue(chunked.body().contains("payload_too_large"));
    assertEquals(head, server.store().head());
  }
}
