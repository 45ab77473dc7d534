package dev.tally.server;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@link ProductionEnginesTest}'s journey on the mixes that need PostgreSQL or OpenSearch (SQLite +
 * Lucene runs there, as a unit test).
 */
class ProductionEnginesIT extends ProductionEnginesTest {
  @Override
  @ParameterizedTest
  @EnumSource(
      value = TestEngines.Combo.class,
      names = "SQLITE_LUCENE",
      mode = EnumSource.Mode.EXCLUDE)
  void everyEngineMixServesTheSameApi(TestEngines.Combo combo) throws Exception {
    super.everyEngineMixServesTheSameApi(combo);
  }
}
