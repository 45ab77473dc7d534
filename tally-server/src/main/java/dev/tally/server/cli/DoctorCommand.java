package dev.tally.server.cli;

import dev.tally.server.config.Setting;
import dev.tally.server.config.Settings;
import dev.tally.server.wiring.Engines;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code tally doctor}: audits the PostgreSQL schema Tally's store lives in (key widths, foreign
 * keys whose type differs from their key, sequences wider than their column, sequence capacity and
 * days to exhaustion), from the catalog only and under a statement timeout (T9, T15). The store is
 * named as for {@code tally serve}: flags, else TALLY_STORE_URL, TALLY_STORE_SCHEMA and
 * TALLY_STORE_PASSWORD.
 */
@Command(
    name = "doctor",
    mixinStandardHelpOptions = true,
    description =
        "Audit the PostgreSQL schema of Tally's store: key and foreign-key column types, foreign keys whose type differs "
            + "from the key they reference, sequences wider than their column, and each sequence's used capacity with days to "
            + "exhaustion. Each finding names the table, the column, the dependent foreign keys and the migration to run. "
            + "Exit 0: nothing at risk; 1: something at risk; 2: bad usage or the schema could not be examined; 3: could not connect.")
public final class DoctorCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Option(
      names = "--store-url",
      paramLabel = "JDBC_URL",
      description =
          "The store's JDBC URL, e.g. jdbc:postgresql://HOST:5432/DB?user=tally. Environment: TALLY_STORE_URL.")
  String storeUrl;

  @Option(
      names = "--store-schema",
      paramLabel = "SCHEMA",
      description =
          "The schema Tally's tables live in. Environment: TALLY_STORE_SCHEMA. Default: the connection's.")
  String storeSchema;

  @Option(names = "--json", description = "Print the report as JSON.")
  boolean json;

  @Override
  public Integer call() {
    String url = storeUrl != null ? storeUrl : fromEnvironment(Settings.STORE_URL);
    if (url == null) {
      throw new CommandLine.ParameterException(
          spec.commandLine(),
          "the store's URL is needed: --store-url or " + Settings.STORE_URL.env());
    }
    String schema = storeSchema != null ? storeSchema : fromEnvironment(Settings.STORE_SCHEMA);
    return Engines.doctor(
        url, fromEnvironment(Settings.STORE_PASSWORD), schema, json, System.out, System.err);
  }

  private static String fromEnvironment(Setting setting) {
    String value = System.getenv(setting.env());
    return value == null || value.isBlank() ? null : value;
  }
}
