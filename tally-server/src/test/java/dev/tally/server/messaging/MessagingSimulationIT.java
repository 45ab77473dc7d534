package dev.tally.server.messaging;

import dev.tally.store.postgres.PostgresOptions;
import dev.tally.store.postgres.PostgresStore;
import dev.tally.testkit.TestServers;
import dev.tally.testkit.ThrowawaySchema;
import java.util.List;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.lifecycle.AfterContainer;
import net.jqwik.api.lifecycle.BeforeContainer;

/**
 * The messaging simulation ({@link MessagingSimulation}) on the PostgreSQL store, in a schema of
 * its own (ids above 2^53, T8); the SQLite run is {@link MessagingSimulationProperties}.
 */
class MessagingSimulationIT {
  private static ThrowawaySchema schema;
  private static MessagingSimulation sim;

  @BeforeContainer
  static void open() {
    schema = ThrowawaySchema.reserve("tally_it");
    sim =
        new MessagingSimulation(
            clock ->
                PostgresStore.open(
                    PostgresOptions.defaults(TestServers.postgresUrl())
                        .withSchema(schema.name())
                        .withTestIdOffsets(true)
                        .withPoolSize(4)
                        .withClock(clock)));
  }

  @AfterContainer
  static void close() throws Exception {
    System.out.println("messaging simulation (PostgreSQL): " + sim.summary());
    sim.close();
    schema.close();
  }

  @Provide
  Arbitrary<List<MessagingSimulation.Cmd>> scripts() {
    return MessagingSimulation.scripts();
  }

  @Property(tries = 50)
  void everySendMatchedAtItsSendTimeAndNoneIsLost(
      @ForAll("scripts") List<MessagingSimulation.Cmd> script) {
    sim.run(script);
  }
}
