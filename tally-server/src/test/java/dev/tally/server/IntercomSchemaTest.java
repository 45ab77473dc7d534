package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Tally's real responses, validated against the component schemas of Intercom's published 2.11
 * OpenAPI description (issue 12: "every field the 2.11 contact, company, tag, note, segment, admin
 * and data attribute schemas list, with the spec's JSON type").
 *
 * <p>Each check names the schema the spec gives that (path, method, status); {@link IntercomSpec}
 * fails the check if the spec maps it elsewhere. Every property of the audited schemas is required
 * unless {@link IntercomSpec#ABSENT_ON_PURPOSE} says why not. Tally's deliberate extras (the
 * contact companies list's {@code data} beside {@code companies}, a segment's {@code query}, the
 * location's {@code country_code}, list {@code pages} on data attributes when paged) pass because
 * none of these schemas sets {@code additionalProperties: false}.
 */
class IntercomSchemaTest extends ApiTestBase {
  private static IntercomSpec spec;

  @BeforeAll
  static void loadSpec() {
    spec = IntercomSpec.load();
  }

  private TallyHttp.Res call(String method, String path, String body) {
    return http.call(method, path, token, body);
  }

  /** Checks Tally's answer to {@code method path} (with {@code specPath} the spec's template). */
  private TallyHttp.Res check(
      String schema, String method, String specPath, String path, String body) {
    TallyHttp.Res r = call(method, path, body);
    String bare = path.contains("?") ? path.substring(0, path.indexOf('?')) : path;
    spec.assertValid(schema, method, specPath, bare, r);
    return r;
  }

  private TallyHttp.Res check(String schema, String method, String specPath, String path) {
    return check(schema, method, specPath, path, null);
  }

  @Test
  void everyResponseHasTheShapeOfIntercoms211Schemas() {
    String ws = defaultWorkspace();
    long ann = newAdmin(ws, "Ann Teammate", "ann@example.com");
    TallyHttp.Res tokenForAnn =
        http.call(
            "POST", "/admin/workspaces/" + ws + "/tokens", ADMIN, "{\"admin_id\":" + ann + "}");
    assertEquals(201, tokenForAnn.status(), tokenForAnn.toString());
    String annToken = tokenForAnn.json().get("token").asText();

    // Data attributes of both models, so custom attributes are typed.
    TallyHttp.Res attr =
        check(
            "data_attribute",
            "POST",
            "/data_attributes",
            "/data_attributes",
            "{\"name\":\"tier\",\"model\":\"contact\",\"data_type\":\"string\","
                + "\"description\":\"Plan tier\",\"options\":[{\"value\":\"gold\"},{\"value\":\"silver\"}]}");
    assertTrue(attr.json().get("id").isIntegralNumber(), "data attribute ids are numbers: " + attr);
    String attrId = attr.json().get("id").asText();
    check(
        "data_attribute",
        "POST",
        "/data_attributes",
        "/data_attributes",
        "{\"name\":\"seats\",\"model\":\"company\",\"data_type\":\"integer\"}");
    check(
        "data_attribute",
        "PUT",
        "/data_attributes/{data_attribute_id}",
        "/data_attributes/" + attrId,
        "{\"description\":\"The plan's tier\"}");
    check("data_attribute_list", "GET", "/data_attributes", "/data_attributes");
    check("data_attribute_list", "GET", "/data_attributes", "/data_attributes?model=company");
    check(
        "data_attribute_list", "GET", "/data_attributes", "/data_attributes?include_archived=true");

    // A contact with every writable field.
    TallyHttp.Res created =
        check(
            "contact",
            "POST",
            "/contacts",
            "/contacts",
            "{\"role\":\"user\",\"external_id\":\"u-1\",\"email\":\"joe@example.com\","
                + "\"phone\":\"+15555550100\",\"name\":\"Joe Bloggs\","
                + "\"avatar\":\"https://example.com/joe.png\",\"signed_up_at\":1719492776,"
                + "\"last_seen_at\":1719492800,\"owner_id\":"
                + ann
                + ",\"unsubscribed_from_emails\":true,"
                + "\"custom_attributes\":{\"tier\":\"gold\"}}");
    String joe = created.json().get("id").asText();
    assertTrue(created.json().get("owner_id").isIntegralNumber(), created.toString());
    // A bare lead: every nullable field null, still the contact schema.
    String lead =
        check("contact", "POST", "/contacts", "/contacts", "{\"role\":\"lead\"}")
            .json()
            .get("id")
            .asText();
    check(
        "contact",
        "PUT",
        "/contacts/{contact_id}",
        "/contacts/" + joe,
        "{\"name\":\"Joe B.\",\"custom_attributes\":{\"tier\":\"silver\"}}");

    // Events and their summaries (the contact carries no event fields in 2.11, but must still
    // validate once it has some).
    assertEquals(
        202,
        call(
                "POST",
                "/events",
                "{\"event_name\":\"paid\",\"created_at\":1719492900,\"id\":\"" + joe + "\"}")
            .status());

    // Tags: basic, applied, a contact's list.
    TallyHttp.Res tag = check("tag_basic", "POST", "/tags", "/tags", "{\"name\":\"VIP\"}");
    String tagId = tag.json().get("id").asText();
    check("tag_basic", "GET", "/tags/{tag_id}", "/tags/" + tagId);
    check("tag_list", "GET", "/tags", "/tags");
    TallyHttp.Res applied =
        check(
            "tag",
            "POST",
            "/contacts/{contact_id}/tags",
            "/contacts/" + joe + "/tags",
            "{\"id\":\"" + tagId + "\"}");
    assertTrue(applied.json().has("applied_at"), "a tagging operation's tag has applied_at");
    check("tag_list", "GET", "/contacts/{contact_id}/tags", "/contacts/" + joe + "/tags");

    // Subscription types: the workspace's list, a contact's choices, attached and detached.
    String news = newSubscriptionType(ws, "opt_in");
    check("subscription_type_list", "GET", "/subscription_types", "/subscription_types");
    check(
        "subscription_type",
        "POST",
        "/contacts/{contact_id}/subscriptions",
        "/contacts/" + joe + "/subscriptions",
        "{\"id\":\"" + news + "\",\"consent_type\":\"opt_in\"}");
    check(
        "subscription_type_list",
        "GET",
        "/contacts/{contact_id}/subscriptions",
        "/contacts/" + joe + "/subscriptions");
    check(
        "subscription_type",
        "DELETE",
        "/contacts/{contact_id}/subscriptions/{subscription_id}",
        "/contacts/" + joe + "/subscriptions/" + news);
    check(
        "error",
        "POST",
        "/contacts/{contact_id}/subscriptions",
        "/contacts/" + joe + "/subscriptions",
        "{\"id\":\"invalid_id\",\"consent_type\":\"opt_in\"}");

    // Companies: the object, lists, scroll, attached both ways, deleted.
    TallyHttp.Res company =
        check(
            "company",
            "POST",
            "/companies",
            "/companies",
            "{\"company_id\":\"acme-1\",\"name\":\"Acme\",\"plan\":\"pro\",\"size\":12,"
                + "\"website\":\"https://acme.example\",\"industry\":\"anvils\","
                + "\"monthly_spend\":155.98,\"remote_created_at\":1374138000,"
                + "\"custom_attributes\":{\"seats\":40}}");
    String acme = company.json().get("id").asText();
    check("company", "POST", "/companies", "/companies", "{\"company_id\":\"bare\"}");
    check("company", "GET", "/companies/{company_id}", "/companies/" + acme);
    check("company", "PUT", "/companies/{company_id}", "/companies/" + acme, "{\"size\":13}");
    check(
        "company",
        "POST",
        "/contacts/{contact_id}/companies",
        "/contacts/" + joe + "/companies",
        "{\"id\":\"" + acme + "\"}");
    check("company_list", "GET", "/companies", "/companies");
    check("company_list", "POST", "/companies/list", "/companies/list?per_page=1");
    check("company_scroll", "GET", "/companies/scroll", "/companies/scroll");
    TallyHttp.Res attached =
        check(
            "contact_attached_companies",
            "GET",
            "/contacts/{contact_id}/companies",
            "/contacts/" + joe + "/companies");
    // Deliberate: Intercom answers the list under data, the 2.11 schema under companies.
    assertEquals(attached.json().get("data"), attached.json().get("companies"));
    check(
        "company_attached_contacts",
        "GET",
        "/companies/{company_id}/contacts",
        "/companies/" + acme + "/contacts");
    String doomed =
        call("POST", "/companies", "{\"company_id\":\"doomed\",\"name\":\"Doomed\"}")
            .json()
            .get("id")
            .asText();
    check("deleted_company_object", "DELETE", "/companies/{company_id}", "/companies/" + doomed);

    // Notes by a teammate.
    TallyHttp.Res note =
        check(
            "note",
            "POST",
            "/contacts/{contact_id}/notes",
            "/contacts/" + joe + "/notes",
            "{\"body\":\"<p>Called about the invoice</p>\",\"admin_id\":" + ann + "}");
    String noteId = note.json().get("id").asText();
    check("note", "GET", "/notes/{note_id}", "/notes/" + noteId);
    check("note_list", "GET", "/contacts/{contact_id}/notes", "/contacts/" + joe + "/notes");

    // An admin message (email) from the teammate to the contact.
    check(
        "message",
        "POST",
        "/messages",
        "/messages",
        "{\"message_type\":\"email\",\"subject\":\"Hi\",\"body\":\"Hello\","
            + "\"template\":\"plain\",\"from\":{\"type\":\"admin\",\"id\":"
            + ann
            + "},\"to\":{\"type\":\"user\",\"id\":\""
            + joe
            + "\"}}");

    // Segments (Tally's query is an extra field the schema tolerates).
    TallyHttp.Res segment =
        call(
            "POST",
            "/segments",
            "{\"name\":\"Gold\",\"query\":{\"field\":\"custom_attributes.tier\","
                + "\"operator\":\"=\",\"value\":\"silver\"}}");
    assertEquals(200, segment.status(), segment.toString());
    String segmentId = segment.json().get("id").asText();
    check("segment", "GET", "/segments/{segment_id}", "/segments/" + segmentId);
    check("segment_list", "GET", "/segments", "/segments");
    TallyHttp.Res counted =
        check("segment_list", "GET", "/segments", "/segments?include_count=true");
    assertTrue(
        counted.json().get("segments").get(0).get("count").isIntegralNumber(), counted.toString());
    check(
        "contact_segments",
        "GET",
        "/contacts/{contact_id}/segments",
        "/contacts/" + joe + "/segments");

    // The contact with all of it, alone, listed and searched.
    check("contact", "GET", "/contacts/{contact_id}", "/contacts/" + joe);
    check("contact_list", "GET", "/contacts", "/contacts");
    check("contact_list", "GET", "/contacts", "/contacts?per_page=1");
    TallyHttp.Res searched =
        http.call(
            "POST",
            "/contacts/search",
            token,
            "{\"query\":{\"field\":\"external_id\",\"operator\":\"=\",\"value\":\"u-1\"}}",
            Map.of("Tally-Min-Position", Long.toString(created.position())));
    spec.assertValid("contact_list", "POST", "/contacts/search", "/contacts/search", searched);
    assertEquals(1, searched.json().get("data").size(), searched.toString());

    // Admins.
    check("admin_list", "GET", "/admins", "/admins");
    check("admin_list", "GET", "/admins", "/admins?display_avatar=true");
    check("admin", "GET", "/admins/{admin_id}", "/admins/" + ann);
    TallyHttp.Res me = http.call("GET", "/me", annToken, null);
    spec.assertValid("admin_with_app", "GET", "/me", "/me", me);

    // Archive, unarchive, merge, delete.
    check(
        "contact_archived",
        "POST",
        "/contacts/{contact_id}/archive",
        "/contacts/" + lead + "/archive");
    check(
        "contact_unarchived",
        "POST",
        "/contacts/{contact_id}/unarchive",
        "/contacts/" + lead + "/unarchive");
    check(
        "tag",
        "DELETE",
        "/contacts/{contact_id}/tags/{tag_id}",
        "/contacts/" + joe + "/tags/" + tagId);
    check(
        "company",
        "DELETE",
        "/contacts/{contact_id}/companies/{company_id}",
        "/contacts/" + joe + "/companies/" + acme);
    check(
        "contact",
        "POST",
        "/contacts/merge",
        "/contacts/merge",
        "{\"from\":\"" + lead + "\",\"into\":\"" + joe + "\"}");
    check("contact_deleted", "DELETE", "/contacts/{contact_id}", "/contacts/" + joe);

    // Error lists, where the spec documents them.
    check("error", "GET", "/companies/{company_id}", "/companies/" + (Long.MAX_VALUE - 1));
    check("error", "POST", "/companies", "/companies", "{\"name\":\"no company_id\"}");
    check("error", "GET", "/tags/{tag_id}", "/tags/" + (Long.MAX_VALUE - 1));
    check(
        "error",
        "PUT",
        "/data_attributes/{data_attribute_id}",
        "/data_attributes/" + attrId,
        "{\"data_type\":\"integer\"}");
    TallyHttp.Res unauthorized = http.call("GET", "/contacts", "not-a-token", null);
    spec.assertValid("error", "GET", "/contacts", "/contacts", unauthorized);
  }

  /**
   * A token that acts for no teammate gets the workspace's app identity from /me, with {@code id}
   * and {@code email} null (a divergence on purpose, docs/intercom-api-notes.md section k: no
   * teammate is invented). Those two are the only complaints the spec may have.
   */
  @Test
  void meWithoutATeammateDivergesOnlyInIdAndEmail() {
    TallyHttp.Res me = get("/me");
    assertEquals(200, me.status(), me.toString());
    List<String> problems = spec.problems("GET", "/me", 200, me.raw().body());
    assertEquals(2, problems.size(), problems.toString());
    assertTrue(
        problems.stream().allMatch(p -> p.contains("/id") || p.contains("/email")),
        problems.toString());
  }

  /** The check fails a missing field, a number for a string, a string for a number, a bad null. */
  @Test
  void theValidatorRejectsWhatTheSpecForbids() {
    String body =
        post("/contacts", "{\"external_id\":\"x\",\"email\":\"x@example.com\"}").raw().body();
    assertEquals(List.of(), spec.problems("POST", "/contacts", 200, body));

    ObjectNode missing = (ObjectNode) IntercomSpec.parse(body);
    missing.remove("role");
    assertFalse(spec.problems("POST", "/contacts", 200, missing.toString()).isEmpty());

    ObjectNode listedNotRequired = (ObjectNode) IntercomSpec.parse(body);
    listedNotRequired.remove("android_app_name"); // listed by the schema, not marked required
    assertFalse(spec.problems("POST", "/contacts", 200, listedNotRequired.toString()).isEmpty());

    ObjectNode numberForString = (ObjectNode) IntercomSpec.parse(body);
    numberForString.put("id", Long.parseLong(numberForString.get("id").asText()));
    assertFalse(spec.problems("POST", "/contacts", 200, numberForString.toString()).isEmpty());

    ObjectNode stringForNumber = (ObjectNode) IntercomSpec.parse(body);
    stringForNumber.put("created_at", "1719492784");
    assertFalse(spec.problems("POST", "/contacts", 200, stringForNumber.toString()).isEmpty());

    ObjectNode nullNotNullable = (ObjectNode) IntercomSpec.parse(body);
    nullNotNullable.putNull("has_hard_bounced");
    assertFalse(spec.problems("POST", "/contacts", 200, nullNotNullable.toString()).isEmpty());

    ObjectNode nullable = (ObjectNode) IntercomSpec.parse(body);
    nullable.putNull("name");
    assertEquals(List.of(), spec.problems("POST", "/contacts", 200, nullable.toString()));

    JsonNode wrongInList =
        IntercomSpec.parse("{\"type\":\"list\",\"data\":[" + missing + "],\"total_count\":1}");
    assertFalse(spec.problems("GET", "/contacts", 200, wrongInList.toString()).isEmpty());
  }
}
