package dev.tally.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link OfflineCommandsTest} on the mixes that need PostgreSQL or OpenSearch (SQLite + Lucene runs
 * there, as a unit test).
 */
class OfflineCommandsIT extends OfflineCommandsTest {
  @Override
  @ParameterizedTest
  @EnumSource(
      value = TestEngines.Combo.class,
      names = "SQLITE_LUCENE",
      mode = EnumSource.Mode.EXCLUDE)
  void verifyRebuildAndStatusWorkOnEveryMix(TestEngines.Combo combo) throws Exception {
    super.verifyRebuildAndStatusWorkOnEveryMix(combo);
  }
}
