package dev.tally.core.messaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tally.core.TallyException;
import dev.tally.core.model.Contact;
import dev.tally.core.model.ContactField;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class TemplateTest {
  static final Contact ANN =
      Fixtures.contact(
          Map.of(
              ContactField.NAME, "Ann",
              ContactField.EMAIL, "ann@example.com",
              ContactField.EXTERNAL_ID, "u-1"),
          Map.of("plan", "pro", "seats", 3L, "score", 2.50, "vip", true, "big", 1e7));

  @Test
  void everyPlaceholderIsFilledFromTheDocument() {
    Template t =
        Template.parse(
            "{{name}} <{{ email }}> {{external_id}} #{{id}}: {{custom_attributes.plan}},"
                + " {{custom_attributes.seats}} seats, {{custom_attributes.score}},"
                + " {{custom_attributes.vip}}, {{custom_attributes.big}}",
            "body");
    assertEquals(
        "Ann <ann@example.com> u-1 #4294967303: pro, 3 seats, 2.5, true, 10000000", t.render(ANN));
  }

  @Test
  void aMissingValueRendersAsNothing() {
    Contact bare = Fixtures.contact(Map.of(), Map.of());
    assertEquals(
        "Hi , plan ",
        Template.parse("Hi {{name}}, plan {{custom_attributes.plan}}", "body").render(bare));
  }

  @Test
  void textWithoutPlaceholdersAndStrayBracesIsLiteral() {
    assertEquals("a } b }} c", Template.parse("a } b }} c", "body").render(ANN));
    assertEquals("", Template.parse("", "body").render(ANN));
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource(
      delimiter = '|',
      value = {
        "Hi {{nmae}}                | unknown placeholder \"{{nmae}}\" at position 3",
        "Hi {{}}                    | unknown placeholder",
        "{{custom_attributes.}}     | unknown placeholder",
        "{{custom_attributes.a b}}  | unknown placeholder",
        "{{phone}}                  | unknown placeholder",
        "Hi {{name                  | {{ at position 3 that is never closed",
        "{{name}} and {{            | at position 13 that is never closed",
      })
  void aBadPlaceholderIsA400NamingTheField(String source, String fragment) {
    TallyException e =
        assertThrows(TallyException.class, () -> Template.parse(source, "steps[1].send.body"));
    assertEquals("steps[1].send.body", e.field());
    assertEquals(TallyException.Kind.BAD_REQUEST, e.kind());
    assertTrue(e.getMessage().contains(fragment), e.getMessage());
    assertTrue(e.getMessage().contains("{{custom_attributes.<name>}}"), e.getMessage());
  }

  @Test
  void aValueCannotBreakTheWebhookPayloadItIsCarriedIn() throws Exception {
    Contact mallory =
        Fixtures.contact(Map.of(ContactField.NAME, "\"},\"admin\":true,\"x\":{\"\\\n"), Map.of());
    Template t = Template.parse("{\"greeting\": \"Hi {{name}}\"}", "body");
    String rendered = t.render(mallory);
    ObjectNode payload = Fixtures.JSON.createObjectNode().put("type", "message.send");
    payload.put("body", rendered);

    JsonNode back = Fixtures.JSON.readTree(Fixtures.JSON.writeValueAsString(payload));

    assertEquals(2, back.size());
    assertEquals(rendered, back.get("body").textValue());
  }

  @Test
  void aLineCannotCarryALineBreakFromAValue() {
    Contact mallory =
        Fixtures.contact(Map.of(ContactField.NAME, "Ann\r\nBcc: all@example.com"), Map.of());
    assertEquals(
        "Hello Ann  Bcc: all@example.com",
        Template.parse("Hello {{name}}", "subject").renderLine(mallory));
  }

  @Test
  void templatesAreEqualByTheirText() {
    assertEquals(Template.parse("a {{name}}", "x"), Template.parse("a {{name}}", "y"));
  }
}
