package dev.tally.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tally.server.config.Config;
import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Settings that only mean something together are checked together, before anything is opened. */
class ConfigTest {
  private static String refused(Map<Setting, String> flags, Map<String, String> env) {
    return assertThrows(IllegalArgumentException.class, () -> Config.resolve(flags, env::get))
        .getMessage();
  }

  @Test
  void aPostgresSettingWithTheSqliteStoreIsRefusedNamingIt() {
    String m = refused(Map.of(Settings.STORE_URL, "jdbc:postgresql://db/tally"), Map.of());
    assertTrue(
        m.startsWith(
            "--store-url (or TALLY_STORE_URL) is for --store postgres, but the store is sqlite"),
        m);
    m = refused(Map.of(), Map.of("TALLY_STORE_SCHEMA", "shop"));
    assertTrue(m.contains("--store-schema") && m.contains("add --store postgres"), m);
    m = refused(Map.of(), Map.of("TALLY_STORE_PASSWORD", "hush"));
    assertTrue(
        m.startsWith("TALLY_STORE_PASSWORD is for --store postgres") && !m.contains("hush"), m);
  }

  @Test
  void postgresWithoutAUrlIsRefused() {
    String m = refused(Map.of(Settings.STORE, "postgres"), Map.of());
    assertTrue(m.contains("--store postgres needs --store-url"), m);
  }

  @Test
  void anOpenSearchSettingWithTheLuceneIndexIsRefusedNamingIt() {
    String m = refused(Map.of(Settings.INDEX_URL, "http://search:9200"), Map.of());
    assertTrue(
        m.startsWith(
            "--index-url (or TALLY_INDEX_URL) is for --index opensearch, but the index is lucene"),
        m);
    m = refused(Map.of(), Map.of("TALLY_INDEX_ALIAS", "shop"));
    assertTrue(m.contains("--index-alias"), m);
  }

  @Test
  void aSettingReadAsTheWrongTypeIsABugSaidPlainly() {
    Config c = Config.resolve(Map.of(), name -> null);
    assertEquals(java.time.Duration.ofMinutes(5), c.duration(Settings.VERIFY_INTERVAL));
    assertEquals("./data", c.string(Settings.DATA));
    IllegalStateException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            IllegalStateException.class, () -> c.integer(Settings.VERIFY_INTERVAL));
    assertTrue(e.getMessage().contains("verify-interval is a DURATION"), e.getMessage());
  }

  @Test
  void settingsThatBelongTogetherAreAccepted() {
    Config c =
        Config.resolve(
            Map.of(
                Settings.STORE,
                "postgres",
                Settings.STORE_URL,
                "jdbc:postgresql://db/tally",
                Settings.INDEX,
                "opensearch",
                Settings.INDEX_ALIAS,
                "shop"),
            name -> null);
    assertEquals("shop", c.string(Settings.INDEX_ALIAS));
    assertTrue(c.given(Settings.INDEX_ALIAS));
    Config defaults = Config.resolve(Map.of(), name -> null);
    assertEquals(
        "http://127.0.0.1:9200",
        defaults.string(Settings.INDEX_URL),
        "a default alone is no mistake");
  }
}
