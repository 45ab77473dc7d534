package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.atlassian.oai.validator.OpenApiInteractionValidator;
import com.atlassian.oai.validator.model.Request;
import com.atlassian.oai.validator.model.SimpleResponse;
import com.atlassian.oai.validator.report.LevelResolver;
import com.atlassian.oai.validator.report.ValidationReport;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.swagger.parser.OpenAPIParser;
import io.swagger.v3.parser.core.models.ParseOptions;
import io.swagger.v3.parser.core.models.SwaggerParseResult;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Intercom's published OpenAPI description of REST API 2.11 (vendored under {@code
 * src/test/resources/intercom-2.11}), as a validator of Tally's responses.
 *
 * <p>A response is checked by path and method, as a client generated from the spec reads it: the
 * spec names the schema of each (path, method, status), and swagger-request-validator checks the
 * body against it with OpenAPI 3.0 semantics ({@code nullable}, {@code $ref}, {@code format}).
 *
 * <p>The spec marks only some properties {@code required}; issue 12 asks for every field the
 * contact, company, tag, note, segment, admin and data attribute schemas list. So, before building
 * the validator, every property of those schemas is made required, except the ones in {@link
 * #ABSENT_ON_PURPOSE}, each with the reason Tally leaves it out (docs/intercom-api-notes.md). A key
 * left out anywhere else then fails like a wrong type does.
 */
final class IntercomSpec {
  private static final String SPEC = "/intercom-2.11/api.intercom.io.yaml";

  /** The schemas whose every property a response must carry (issue 12's list and their parts). */
  static final List<String> EVERY_FIELD =
      List.of(
          "contact",
          "contact_location",
          "contact_tags",
          "contact_notes",
          "contact_companies",
          "company",
          "tag",
          "tag_basic",
          "note",
          "segment",
          "admin",
          "admin_with_app",
          "app",
          "data_attribute",
          "message");

  /**
   * Properties a schema lists that Tally leaves out, on purpose: schema name to property names. The
   * reasons are in docs/intercom-api-notes.md (sections b, f, f2, j, k).
   */
  static final Map<String, Set<String>> ABSENT_ON_PURPOSE =
      Map.of(
          // "only present when the tag is returned as part of a tagging operation on a contact"
          "tag",
          Set.of("applied_at", "applied_by"),
          // Only with include_count=true, as the spec's query parameter says.
          "segment",
          Set.of("count"),
          // avatar: in lists only with display_avatar=true; team_priority_level: Tally has no
          // teams (team_ids is []), and the spec's examples leave it out too.
          "admin",
          Set.of("avatar", "team_priority_level"),
          "admin_with_app",
          Set.of("team_priority_level"),
          // Built-in attributes have no id, options, created_at or updated_at (the spec's own
          // built-in example); admin_id is not recorded (Tally does not know who defined one).
          "data_attribute",
          Set.of("id", "options", "created_at", "updated_at", "admin_id"));

  /**
   * Properties Tally answers {@code null} where the schema has no {@code nullable}, on purpose:
   * Tally records no Messenger requests, so {@code last_request_at} is null
   * (docs/intercom-api-notes.md j2) rather than a made-up time; an admin message's {@code
   * conversation_id} is null (no inbox).
   */
  static final Map<String, Set<String>> NULL_ON_PURPOSE =
      Map.of(
          "company",
          Set.of("last_request_at"),
          // An admin message has no conversation until the contact replies (the spec says so of
          // Intercom's), and Tally has no inbox: conversation_id is null, not a made-up id.
          "message",
          Set.of("conversation_id"));

  /**
   * Not decided yet, so tolerated here and reported rather than changed: a company created with
   * only its company_id answers null for these, where the spec has a non-nullable string or
   * integer. Answering "" and 0 instead (as the contact's email does) changes what a client reads
   * back and what a POST of it would mean ("null clears one"); see the schema-audit report.
   */
  static final Map<String, Set<String>> NULL_UNTIL_DECIDED =
      Map.of("company", Set.of("name", "remote_created_at", "size", "website", "industry"));

  private static final ObjectMapper JSON = new ObjectMapper();

  private final JsonNode spec;
  private final OpenApiInteractionValidator validator;

  /**
   * What swagger-parser finds wrong in the published spec itself. None is in a schema Tally serves;
   * anything else (after a refresh of the file) fails the load, to be looked at.
   */
  static final Set<String> KNOWN_SPEC_DEFECTS =
      Set.of(
          "attribute components.schemas.update_conversation_request.custom_attributes is not of"
              + " type `schema`",
          "attribute components.schemas.ticket_custom_attributes.items is missing",
          "attribute components.schemas.ticket_request_custom_attributes.items is missing");

  private IntercomSpec(JsonNode spec) {
    this.spec = spec;
    ParseOptions options = new ParseOptions();
    options.setResolve(true);
    SwaggerParseResult parsed = new OpenAPIParser().readContents(spec.toString(), null, options);
    List<String> unknown =
        parsed.getMessages() == null
            ? List.of()
            : parsed.getMessages().stream().filter(m -> !KNOWN_SPEC_DEFECTS.contains(m)).toList();
    if (parsed.getOpenAPI() == null || !unknown.isEmpty()) {
      throw new IllegalStateException("the vendored spec does not parse: " + unknown);
    }
    // OpenAPI allows properties a schema does not list unless it says additionalProperties: false
    // (the spec says so only in three request bodies). The library forbids them by default, which
    // would fail Tally's documented extras (a segment's query, the location's country_code, the
    // contact companies list's data beside companies), so that check follows the spec instead.
    this.validator =
        OpenApiInteractionValidator.createFor(parsed.getOpenAPI())
            .withLevelResolver(
                LevelResolver.create()
                    .withLevel(
                        "validation.response.body.schema.additionalProperties",
                        ValidationReport.Level.IGNORE)
                    .build())
            .build();
  }

  /** The vendored spec with every property of {@link #EVERY_FIELD} required. */
  static IntercomSpec load() {
    try (InputStream in = IntercomSpec.class.getResourceAsStream(SPEC)) {
      if (in == null) {
        throw new IllegalStateException(SPEC + " is not on the test class path");
      }
      JsonNode spec = new ObjectMapper(new YAMLFactory()).readTree(in);
      JsonNode schemas = spec.path("components").path("schemas");
      for (String name : EVERY_FIELD) {
        ObjectNode schema = (ObjectNode) schemas.get(name);
        if (schema == null) {
          throw new IllegalStateException("the spec has no schema " + name);
        }
        Set<String> required = new LinkedHashSet<>();
        schema.path("required").forEach(r -> required.add(r.asText()));
        schema.path("properties").fieldNames().forEachRemaining(required::add);
        required.removeAll(ABSENT_ON_PURPOSE.getOrDefault(name, Set.of()));
        ArrayNode list = schema.putArray("required");
        required.forEach(list::add);
        Set<String> nullable = new LinkedHashSet<>(NULL_ON_PURPOSE.getOrDefault(name, Set.of()));
        nullable.addAll(NULL_UNTIL_DECIDED.getOrDefault(name, Set.of()));
        for (String field : nullable) {
          ((ObjectNode) schema.path("properties").get(field)).put("nullable", true);
        }
      }
      // Not decided yet, tolerated and reported: Tally's company lists are numbered pages and
      // answer pages.next as the next page's number (docs/intercom-api-notes.md j2); the spec's
      // cursor_pages has a starting_after_paging object there. Only the company list gets this.
      ObjectNode companyPages = schemas.path("cursor_pages").deepCopy();
      ((ObjectNode) companyPages.path("properties"))
          .putObject("next")
          .put("type", "integer")
          .put("nullable", true);
      ((ObjectNode) schemas.path("company_list").path("properties")).set("pages", companyPages);
      // Not decided yet, tolerated and reported: a teammate without a picture has avatar
      // {"type":"avatar","image_url":null}; the admin schema allows a null avatar, not a null
      // image_url. Answering avatar null instead would break clients that read avatar.image_url.
      ((ObjectNode)
              schemas
                  .path("admin")
                  .path("properties")
                  .path("avatar")
                  .path("properties")
                  .path("image_url"))
          .put("nullable", true);
      // Not decided yet, tolerated and reported: request_id is "req_<uuid>" (README, logs and
      // several tests use the prefix); the error schema gives it format uuid.
      ((ObjectNode) schemas.path("error").path("properties").path("request_id")).remove("format");
      // A scroll page's pages is null, as in the spec's own example of GET /companies/scroll
      // ("pages": null, "total_count": null), though the schema does not say nullable.
      ((ObjectNode) schemas.path("company_scroll").path("properties").path("pages"))
          .put("nullable", true);
      // The spec types a company's custom attributes as strings, but its own example (and
      // Intercom, and Tally, which types them by the company's data attributes) has booleans
      // and numbers: {"paid_subscriber":true,"monthly_spend":155.5,"team_mates":9}.
      ((ObjectNode) schemas.path("company").path("properties").path("custom_attributes"))
          .remove("additionalProperties");
      allowNullNextToAllOf(spec, schemas);
      return new IntercomSpec(spec);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * The spec writes a nullable reference as {@code nullable: true} beside {@code $ref} (a cursor's
   * {@code pages.next}) or beside {@code allOf: [$ref]} (a tag's {@code applied_by}), meaning null
   * is allowed; the parser drops what sits beside a {@code $ref} and the library applies an allOf
   * to null too. So such a reference is replaced by a copy of the schema it names, which then
   * carries the {@code nullable} the library honours.
   */
  private static void allowNullNextToAllOf(JsonNode node, JsonNode schemas) {
    if (node instanceof ObjectNode o && o.path("nullable").asBoolean(false)) {
      JsonNode ref = o.has("$ref") ? o.get("$ref") : o.path("allOf").path(0).get("$ref");
      if (ref != null && (o.has("$ref") || o.path("allOf").size() == 1)) {
        String name = ref.asText().substring(ref.asText().lastIndexOf('/') + 1);
        JsonNode target = schemas.get(name);
        o.remove("$ref");
        o.remove("allOf");
        target.fieldNames().forEachRemaining(f -> o.putIfAbsent(f, target.get(f).deepCopy()));
        return;
      }
    }
    node.forEach(child -> allowNullNextToAllOf(child, schemas));
  }

  /**
   * The schema the spec gives the body of {@code method path} answering {@code status} (the last
   * segment of its {@code $ref}), so a test states which schema it checks against and fails if the
   * spec's mapping changes.
   */
  String schemaOf(String method, String specPath, int status) {
    JsonNode ref =
        spec.path("paths")
            .path(specPath)
            .path(method.toLowerCase(java.util.Locale.ROOT))
            .path("responses")
            .path(Integer.toString(status))
            .path("content")
            .path("application/json")
            .path("schema")
            .path("$ref");
    String s = ref.asText("");
    return s.substring(s.lastIndexOf('/') + 1);
  }

  /** The spec's complaints about {@code body}, as Tally's answer to {@code method path}. */
  List<String> problems(String method, String path, int status, String body) {
    ValidationReport report =
        validator.validateResponse(
            path,
            Request.Method.valueOf(method),
            SimpleResponse.Builder.status(status)
                .withContentType("application/json")
                .withBody(body)
                .build());
    return report.getMessages().stream()
        .filter(m -> m.getLevel() == ValidationReport.Level.ERROR)
        .map(
            m ->
                m.getKey()
                    + ": "
                    + m.getMessage()
                    + " "
                    + m.getContext().map(Object::toString).orElse(""))
        .collect(Collectors.toList());
  }

  /**
   * Asserts that {@code res}, Tally's answer to {@code method path} (path without query), is what
   * the spec says, and that the spec checks it against {@code schema}.
   */
  void assertValid(String schema, String method, String specPath, String path, TallyHttp.Res res) {
    assertEquals(
        schema,
        schemaOf(method, specPath, res.status()),
        "the spec's schema for " + method + " " + specPath + " " + res.status() + ": " + res);
    List<String> problems = problems(method, path, res.status(), res.raw().body());
    assertEquals(
        List.of(),
        problems,
        method + " " + path + " is not a valid " + schema + ": " + abbreviate(res.raw().body()));
  }

  static JsonNode parse(String json) {
    try {
      return JSON.readTree(json);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static String abbreviate(String body) {
    return body.length() <= 4000 ? body : body.substring(0, 4000) + "…";
  }
}
