package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * Settings are declared once; --help and the README's table come from that declaration and must not
 * drift.
 */
class SettingsDocTest {

  private static Path readme() {
    Path p = Path.of("").toAbsolutePath();
    while (p != null && !Files.exists(p.resolve("README.md"))) {
      p = p.getParent();
    }
    return p.resolve("README.md");
  }

  @Test
  void readmeSettingsTableMatchesTheDeclarations() throws Exception {
    String readme = Files.readString(readme());
    int begin = readme.indexOf("<!-- settings:begin -->");
    int end = readme.indexOf("<!-- settings:end -->");
    assertTrue(
        begin >= 0 && end > begin,
        "README.md needs the settings table between settings:begin and settings:end markers");
    String table = readme.substring(begin + "<!-- settings:begin -->".length(), end).strip() + "\n";
    assertEquals(
        Settings.markdownTable(),
        table,
        "README's settings table drifted; regenerate it with: bin/tally settings");
  }

  @Test
  void serveHelpListsEverySetting() {
    PrintStream saved = System.out;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run("serve", "--help");
    } finally {
      System.setOut(saved);
    }
    assertEquals(0, code);
    String help = out.toString(StandardCharsets.UTF_8);
    for (Setting s : Settings.SERVE) {
      assertTrue(help.contains(s.env()), "--help lacks " + s.env() + ":\n" + help);
      if (s.flag()) {
        assertTrue(help.contains(s.flagName()), "--help lacks " + s.flagName() + ":\n" + help);
      }
    }
  }

  @Test
  void badSettingsAreRefusedWithTheirName() {
    PrintStream saved = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    int code;
    try {
      code = Main.run("serve", "--port", "99999", "--data", "target/never");
    } finally {
      System.setErr(saved);
    }
    assertEquals(2, code);
    assertTrue(
        err.toString(StandardCharsets.UTF_8).contains("--port"),
        err.toString(StandardCharsets.UTF_8));
  }
}
