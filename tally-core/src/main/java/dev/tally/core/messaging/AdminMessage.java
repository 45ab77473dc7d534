package dev.tally.core.messaging;

import static dev.tally.core.TallyException.invalid;
import static dev.tally.core.TallyException.missing;
import static dev.tally.core.model.ContactPatchParser.shown;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tally.core.Ids;
import dev.tally.core.model.ContactRef;
import dev.tally.core.model.JsonFields;
import dev.tally.core.model.Text;
import java.util.List;

/**
 * The checked body of {@code POST /messages} (Intercom's {@code create_message_request}, admin to
 * contact, email only; docs/messaging.md, "Admin messages"). Checked before anything is read or
 * written: a 400 names the first bad field. Who {@code from} and {@code to} are is looked up
 * afterwards (a teammate, a contact of the workspace).
 *
 * @param subject the email's subject, a template ({@code {{name}}} ...)
 * @param body the email's text, a template
 * @param template {@code plain} or {@code personal} (both send the same text/plain email)
 * @param fromAdminId the teammate it is from
 * @param to the contact it is to: by id, {@code user_id} (external id) or {@code email}
 */
public record AdminMessage(
    Template subject, Template body, String template, long fromAdminId, ContactRef to) {

  /** The fields of the request, as the 2.11 spec lists them. */
  public static final List<String> FIELDS =
      List.of(
          "message_type",
          "subject",
          "body",
          "template",
          "from",
          "to",
          "created_at",
          "create_conversation_without_contact_reply");

  public static final List<String> TEMPLATES = List.of("plain", "personal");

  public static AdminMessage parse(JsonNode b) {
    JsonFields.requireObject(
        b, "message_type \"email\", subject, body, template, from (a teammate) and to (a contact)");
    JsonFields.onlyKnown(b, "", FIELDS, "a message");
    JsonNode type = b.get("message_type");
    if (!DefinitionCodec.present(type)) {
      throw missing("message_type", "message_type is required: \"email\" (Tally sends email only)");
    }
    if (!"email".equals(type.asText(null)) || !type.isTextual()) {
      throw invalid(
          "message_type",
          "message_type must be \"email\", got "
              + shown(type)
              + ": Tally sends email only (in-app messages need Intercom's Messenger)");
    }
    JsonNode conversation = b.get("create_conversation_without_contact_reply");
    if (DefinitionCodec.present(conversation)
        && !(conversation.isBoolean() && !conversation.booleanValue())) {
      throw invalid(
          "create_conversation_without_contact_reply",
          "create_conversation_without_contact_reply may only be false: Tally has no inbox to open"
              + " a conversation in");
    }
    JsonNode createdAt = b.get("created_at");
    if (DefinitionCodec.present(createdAt) && !createdAt.canConvertToLong()) {
      throw invalid(
          "created_at", "created_at must be a Unix time in seconds, got " + shown(createdAt));
    }
    Template subject =
        DefinitionCodec.template(b.get("subject"), "subject", DefinitionCodec.MAX_SUBJECT);
    Text.checked("subject", subject.source(), false);
    Template body = DefinitionCodec.template(b.get("body"), "body", DefinitionCodec.MAX_BODY);
    JsonNode t = b.get("template");
    String template = "plain";
    if (DefinitionCodec.present(t)) {
      if (!t.isTextual() || !TEMPLATES.contains(t.textValue())) {
        throw invalid("template", "template must be plain or personal, got " + shown(t));
      }
      template = t.textValue();
    }
    return new AdminMessage(subject, body, template, from(b.get("from")), to(b.get("to")));
  }

  private static long from(JsonNode f) {
    String expected = "{\"type\": \"admin\", \"id\": <a teammate's id>}";
    if (!DefinitionCodec.present(f)) {
      throw missing("from", "from is required: " + expected);
    }
    if (!f.isObject()) {
      throw invalid("from", "from must be an object: " + expected + ", got " + shown(f));
    }
    JsonFields.onlyKnown(f, "from", List.of("type", "id"), "from");
    JsonNode type = f.get("type");
    if (!DefinitionCodec.present(type)) {
      throw missing("from.type", "from.type is required: \"admin\"");
    }
    if (!type.isTextual() || !type.textValue().equals("admin")) {
      throw invalid(
          "from.type",
          "from.type must be \"admin\", got "
              + shown(type)
              + ": a message from a contact goes to an inbox, which Tally does not have");
    }
    return id(f.get("id"), "from.id", "a teammate's id (GET /admins)");
  }

  private static ContactRef to(JsonNode t) {
    String expected = "{\"type\": \"user\", \"id\": <a contact's id>} (or user_id, or email)";
    if (!DefinitionCodec.present(t)) {
      throw missing("to", "to is required: " + expected);
    }
    if (!t.isObject()) {
      throw invalid("to", "to must be an object: " + expected + ", got " + shown(t));
    }
    JsonFields.onlyKnown(t, "to", List.of("type", "id", "user_id", "email"), "to");
    JsonNode type = t.get("type");
    if (DefinitionCodec.present(type)
        && !(type.isTextual() && List.of("user", "lead", "contact").contains(type.textValue()))) {
      throw invalid("to.type", "to.type must be user, lead or contact, got " + shown(type));
    }
    List<String> given =
        List.of("id", "user_id", "email").stream()
            .filter(k -> DefinitionCodec.present(t.get(k)))
            .toList();
    if (given.size() != 1) {
      String message =
          "to must name the contact by exactly one of id, user_id or email, got "
              + (given.isEmpty() ? "none" : String.join(" and ", given));
      throw given.isEmpty() ? missing("to.id", message) : invalid("to." + given.get(1), message);
    }
    String key = given.get(0);
    return switch (key) {
      case "id" -> ContactRef.byId(id(t.get("id"), "to.id", "a contact's id"));
      case "user_id" ->
          ContactRef.byExternalId(DefinitionCodec.text(t.get(key), "to.user_id", 255, "user_id"));
      default ->
          ContactRef.byEmail(DefinitionCodec.text(t.get(key), "to.email", 255, "an address"));
    };
  }

  private static long id(JsonNode n, String path, String what) {
    if (!DefinitionCodec.present(n)) {
      throw missing(path, path + " is required: " + what);
    }
    if (n.isTextual() || n.isIntegralNumber()) {
      return Ids.parseField(path, n.asText());
    }
    throw invalid(path, path + " must be " + what + ", got " + shown(n));
  }
}
