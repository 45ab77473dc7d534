package dev.tally.messaging.email;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class SmtpUrlTest {
  @Test
  void readsSmtpWithCredentials() {
    assertEquals(
        new SmtpUrl(false, "mail.example.com", 587, "ada", "p@ss:word"),
        SmtpUrl.parse("smtp://ada:p%40ss%3Aword@mail.example.com:587"));
  }

  @Test
  void defaultPortsFollowTheScheme() {
    assertEquals(new SmtpUrl(false, "mx", 25, null, null), SmtpUrl.parse("smtp://mx"));
    assertEquals(new SmtpUrl(true, "mx", 465, "u", null), SmtpUrl.parse("smtps://u@mx"));
  }

  @Test
  void neverShowsThePassword() {
    String shown = SmtpUrl.parse("smtps://ada:hunter2@mx:465").toString();
    assertEquals("smtps://ada:***@mx:465", shown);
    var error =
        assertThrows(IllegalArgumentException.class, () -> SmtpUrl.parse("http://ada:hunter2@mx"));
    assertFalse(error.getMessage().contains("hunter2"), error.getMessage());
  }

  @Test
  void errorsNameTheSettingAndWhatWasExpected() {
    for (String bad : new String[] {null, "mx:25", "smtp:///nohost", "smtp://exa mple"}) {
      var error = assertThrows(IllegalArgumentException.class, () -> SmtpUrl.parse(bad));
      assertTrue(error.getMessage().startsWith("--smtp-url: expected"), error.getMessage());
    }
  }
}
