package dev.tally.core.messaging;

import static dev.tally.core.TallyException.invalid;

import dev.tally.core.Ids;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;

/**
 * A message text with placeholders filled from the store's document of the contact at send: {@code
 * {{name}}}, {@code {{email}}}, {@code {{external_id}}}, {@code {{id}}} and {@code
 * {{custom_attributes.X}}} (spaces inside the braces are allowed). Parsed once, when the campaign is
 * created: an unknown placeholder or an unclosed {@code {{} is a 400 naming the field, so a typo
 * cannot reach a customer as a literal "{{nmae}}". There is no escape for a literal "{{".
 *
 * <p>Rendering is plain text: a missing value renders as "", a number as its decimal digits
 * (2.50 as "2.5"), a boolean as "true"/"false". Nothing is escaped, and nothing needs to be: the
 * webhook channel carries the rendered body as one JSON string ({@code "body": <rendered>}),
 * written by a JSON encoder, so no value can break the payload's JSON; a receiver that wants JSON
 * parses that string itself. Headers such as an email's subject use {@link #renderLine}, which
 * cannot produce a line break.
 */
public final class Template {

  /** The placeholders, as the error message lists them. */
  static final String KNOWN =
      "{{name}}, {{email}}, {{external_id}}, {{id}} or {{custom_attributes.<name>}}";

  private static final String CUSTOM = "custom_attributes.";

  /** A piece of a template: literal text or a value of the contact. */
  private sealed interface Part {
    record Literal(String text) implements Part {}

    record Standard(ContactField field) implements Part {}

    record Id() implements Part {}

    record Custom(String name) implements Part {}
  }

  private final String source;
  private final List<Part> parts;

  private Template(String source, List<Part> parts) {
    this.source = source;
    this.parts = List.copyOf(parts);
  }

  /** Parses {@code source}; {@code field} names it in a refusal ({@code steps[1].send.body}). */
  public static Template parse(String source, String field) {
    List<Part> parts = new ArrayList<>();
    int at = 0;
    while (at < source.length()) {
      int open = source.indexOf("{{", at);
      if (open < 0) {
        parts.add(new Part.Literal(source.substring(at)));
        break;
      }
      if (open > at) {
        parts.add(new Part.Literal(source.substring(at, open)));
      }
      int close = source.indexOf("}}", open + 2);
      if (close < 0) {
        throw invalid(
            field,
            field
                + " has a {{ at position "
                + open
                + " that is never closed with }}; placeholders are "
                + KNOWN);
      }
      parts.add(placeholder(source.substring(open + 2, close).strip(), field, open));
      at = close + 2;
    }
    return new Template(source, parts);
  }

  private static Part placeholder(String name, String field, int position) {
    switch (name) {
      case "name":
        return new Part.Standard(ContactField.NAME);
      case "email":
        return new Part.Standard(ContactField.EMAIL);
      case "external_id":
        return new Part.Standard(ContactField.EXTERNAL_ID);
      case "id":
        return new Part.Id();
      default:
        String attr = name.startsWith(CUSTOM) ? name.substring(CUSTOM.length()) : "";
        if (attr.isEmpty() || attr.chars().anyMatch(c -> c <= ' ' || c == '{' || c == '}')) {
          throw invalid(
              field,
              field
                  + " has the unknown placeholder "
                  + TallyException.quote("{{" + name + "}}")
                  + " at position "
                  + position
                  + "; expected "
                  + KNOWN);
        }
        return new Part.Custom(attr);
    }
  }

  /** The text as written, which {@link #parse} reads back to an equal template. */
  public String source() {
    return source;
  }

  /** The text filled from {@code contact}; a value it lacks renders as "". */
  public String render(Contact contact) {
    StringBuilder out = new StringBuilder(source.length() + 32);
    for (Part p : parts) {
      out.append(
          switch (p) {
            case Part.Literal l -> l.text();
            case Part.Standard s -> text(contact.get(s.field()));
            case Part.Id i -> Ids.format(contact.id());
            case Part.Custom c -> text(contact.custom().get(c.name()));
          });
    }
    return out.toString();
  }

  /**
   * The text filled as {@link #render} does, on one line: every control character (line breaks
   * included) becomes a space, so a contact's value cannot add a header to an email.
   */
  public String renderLine(Contact contact) {
    String s = render(contact);
    StringBuilder out = new StringBuilder(s.length());
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      out.append(c < 0x20 || c == 0x7f ? ' ' : c);
    }
    return out.toString();
  }

  private static String text(Object value) {
    return switch (value) {
      case null -> "";
      case Double d when Double.isFinite(d) ->
          BigDecimal.valueOf(d).stripTrailingZeros().toPlainString();
      default -> String.valueOf(value);
    };
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Template t && t.source.equals(source);
  }

  @Override
  public int hashCode() {
    return source.hashCode();
  }

  @Override
  public String toString() {
    return source;
  }
}
