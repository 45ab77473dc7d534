package dev.tally.core.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.tally.core.TallyException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Intercom's rules for a data attribute's name, and the model of POST /data_attributes. */
class DataAttributeNamesTest {

  @Test
  void newNamesTakeLettersDigitsCurrencySymbolsHyphensUnderscoresAndSpaces() {
    for (String ok :
        List.of(
            "plan",
            "Mithril Shirt",
            "paid_subscriber",
            "a-b",
            "price€",
            "£5",
            "größe",
            "日本",
            "x1")) {
      DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, ok);
    }
    for (String bad : List.of("!nv@l!d n@me", "a/b", "a:b", "a'b", "a\"b", "a#b", "a%b", "a\tb")) {
      TallyException e =
          assertThrows(
              TallyException.class,
              () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, bad),
              bad);
      assertEquals("name", e.field());
      assertEquals(400, e.kind().status);
    }
    TallyException at =
        assertThrows(
            TallyException.class,
            () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_COMPANY, "a@b"));
    assertTrue(
        at.getMessage().contains("alphanumeric characters, currency symbols"), at.getMessage());
    assertTrue(at.getMessage().contains("\"@\""), "names the character: " + at.getMessage());
  }

  @Test
  void tallysOwnRuleStays() {
    for (String bad : List.of("a.b", "$x", "", "x".repeat(DataAttributeNames.MAX_LENGTH + 1))) {
      assertThrows(
          TallyException.class,
          () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, bad),
          bad);
    }
    assertThrows(
        TallyException.class,
        () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, "  "));
  }

  @Test
  void aBuiltInOfTheSameModelIsRefusedWithoutCase() {
    for (String name : List.of("email", "EMAIL", "owner_id", "created_at", "location")) {
      TallyException e =
          assertThrows(
              TallyException.class,
              () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, name),
              name);
      assertTrue(e.getMessage().contains("standard attributes for your people data"), name);
    }
    for (String name : List.of("website", "Plan", "monthly_spend", "company_id", "user_count")) {
      TallyException e =
          assertThrows(
              TallyException.class,
              () -> DataAttributeNames.checkNew("name", DataAttribute.MODEL_COMPANY, name),
              name);
      assertTrue(e.getMessage().contains("company data"), name);
    }
    // The other model's built-ins are free, and so is a nested built-in's last part.
    DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, "website");
    DataAttributeNames.checkNew("name", DataAttribute.MODEL_COMPANY, "email");
    DataAttributeNames.checkNew("name", DataAttribute.MODEL_CONTACT, "city");
  }

  @Test
  void theContactBuiltInsAreTheContactFields() {
    List<BuiltInAttributes.Attribute> contact = BuiltInAttributes.of(DataAttribute.MODEL_CONTACT);
    assertEquals(ContactField.values().length, contact.size());
    for (int i = 0; i < contact.size(); i++) {
      ContactField f = ContactField.values()[i];
      BuiltInAttributes.Attribute a = contact.get(i);
      assertEquals(f.jsonName(), a.fullName());
      assertEquals(f.type(), a.type());
      assertEquals(f.clientWritable(), a.apiWritable());
      assertEquals(DataAttribute.MODEL_CONTACT, a.model());
      assertTrue(BuiltInAttributes.reserves(DataAttribute.MODEL_CONTACT, f.jsonName()));
    }
    assertEquals(13, BuiltInAttributes.of(DataAttribute.MODEL_COMPANY).size());
  }

  @Test
  void createRequestsTakeEitherModel() throws Exception {
    ObjectMapper json = new ObjectMapper();
    DataAttributeInput company =
        DataAttributeInput.parse(
            json.readTree("{\"name\":\"tier\",\"model\":\"company\",\"data_type\":\"string\"}"));
    assertEquals(DataAttribute.MODEL_COMPANY, company.model());
    for (String model : List.of("\"conversation\"", "\"Contact\"", "1", "null")) {
      TallyException e =
          assertThrows(
              TallyException.class,
              () ->
                  DataAttributeInput.parse(
                      json.readTree(
                          "{\"name\":\"tier\",\"model\":" + model + ",\"data_type\":\"string\"}")),
              model);
      assertEquals("model", e.field(), model);
    }
    TallyException builtIn =
        assertThrows(
            TallyException.class,
            () ->
                DataAttributeInput.parse(
                    json.readTree(
                        "{\"name\":\"size\",\"model\":\"company\",\"data_type\":\"integer\"}")));
    assertEquals("name", builtIn.field());
  }

  /** A first value defines an attribute only under a name that may be born; known names stay. */
  @Test
  void typingChecksOnlyNewNames() {
    Map<String, FieldType> types = new HashMap<>();
    types.put("bad/old", FieldType.STRING); // defined before the rule
    CustomAttributeTyping.Definitions defs =
        new CustomAttributeTyping.Definitions() {
          @Override
          public String model() {
            return DataAttribute.MODEL_CONTACT;
          }

          @Override
          public FieldType typeOf(String name) {
            return types.get(name);
          }

          @Override
          public void define(String name, FieldType type) {
            types.put(name, type);
          }
        };
    JsonNode x = new ObjectMapper().getNodeFactory().textNode("x");
    assertEquals("x", CustomAttributeTyping.resolve(Map.of("bad/old", x), defs).get("bad/old"));
    TallyException e =
        assertThrows(
            TallyException.class, () -> CustomAttributeTyping.resolve(Map.of("bad/new", x), defs));
    assertEquals("custom_attributes.bad/new", e.field());
    assertThrows(
        TallyException.class, () -> CustomAttributeTyping.resolve(Map.of("email", x), defs));
    CustomAttributeTyping.resolve(Map.of("good", x), defs);
    assertEquals(FieldType.STRING, types.get("good"));
  }
}
