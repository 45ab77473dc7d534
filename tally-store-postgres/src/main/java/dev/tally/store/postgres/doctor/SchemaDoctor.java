package dev.tally.store.postgres.doctor;

import java.io.PrintStream;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * {@code tally doctor} for PostgreSQL: audits a schema's key types, foreign-key type mismatches and
 * sequence capacity from the catalog alone (T9). The catalog is read in one read-only transaction
 * with a statement timeout (T15); afterwards, in a second short transaction, the sequences' values
 * are stored in tally_doctor_samples so that the next run can measure growth.
 */
public final class SchemaDoctor {

  /** Exit code when the doctor could not examine the schema at all. */
  public static final int EXIT_FAILED = 2;

  /**
   * Exit code of {@link #runAgainst} when the server could not be reached (as the tally CLI's other
   * commands).
   */
  public static final int EXIT_UNREACHABLE = 3;

  private final DoctorSettings settings;
  private Consumer<Connection> insideAuditTransaction = connection -> {};

  public SchemaDoctor(DoctorSettings settings) {
    this.settings = settings;
  }

  public SchemaDoctor() {
    this(DoctorSettings.defaults());
  }

  /**
   * Entry point for the CLI: examines, prints text or JSON, returns 1 if at risk, 0 if not, 2 on
   * failure.
   */
  public static int run(DataSource dataSource, String schema, boolean json, PrintStream out) {
    try (Connection connection = dataSource.getConnection()) {
      return run(connection, schema, json, out);
    } catch (SQLException e) {
      out.println("tally doctor: could not connect: " + e.getMessage());
      return EXIT_FAILED;
    }
  }

  /** As {@link #run(DataSource, String, boolean, PrintStream)}, on a connection the caller owns. */
  public static int run(Connection connection, String schema, boolean json, PrintStream out) {
    return new SchemaDoctor().report(connection, schema, json, out);
  }

  /**
   * Entry point for {@code tally doctor}: connects to {@code url} itself (so that JDBC stays in the
   * store module), examines {@code schema} (null: the connection's current schema), prints the
   * report to {@code out} and any failure to {@code err}, so that {@code --json} output stays JSON.
   *
   * @param password null when the URL carries it
   * @return 0 nothing at risk, 1 at risk, {@link #EXIT_FAILED} bad URL or no such schema or the
   *     catalog could not be read, {@link #EXIT_UNREACHABLE} could not connect
   */
  public static int runAgainst(
      String url, String password, String schema, boolean json, PrintStream out, PrintStream err) {
    try (Connection connection = DoctorConnection.open(url, password)) {
      String examined = schema != null ? schema : currentSchema(connection);
      DoctorReport report;
      try {
        report = new SchemaDoctor().examine(connection, examined);
      } catch (SQLException | IllegalArgumentException e) {
        err.println(
            "tally doctor: could not examine schema \"" + examined + "\": " + e.getMessage());
        return EXIT_FAILED;
      }
      out.print(json ? DoctorJsonRenderer.render(report) : DoctorTextRenderer.render(report));
      out.flush();
      return report.exitCode();
    } catch (IllegalArgumentException e) {
      err.println("tally doctor: " + e.getMessage());
      return EXIT_FAILED;
    } catch (SQLException e) {
      err.println(
          "tally doctor: could not connect to "
              + DoctorConnection.withoutParameters(url)
              + ": "
              + e.getMessage());
      return EXIT_UNREACHABLE;
    }
  }

  private static String currentSchema(Connection connection) throws SQLException {
    try (Statement st = connection.createStatement();
        java.sql.ResultSet rs = st.executeQuery("SELECT current_schema()")) {
      String schema = rs.next() ? rs.getString(1) : null;
      if (schema == null) {
        throw new IllegalArgumentException(
            "the connection has no current schema; name one with --store-schema");
      }
      return schema;
    }
  }

  /** Examines and prints; returns the exit code. */
  public int report(Connection connection, String schema, boolean json, PrintStream out) {
    DoctorReport report;
    try {
      report = examine(connection, schema);
    } catch (SQLException | IllegalArgumentException e) {
      out.println("tally doctor: could not examine schema \"" + schema + "\": " + e.getMessage());
      return EXIT_FAILED;
    }
    out.print(json ? DoctorJsonRenderer.render(report) : DoctorTextRenderer.render(report));
    out.flush();
    return report.exitCode();
  }

  public DoctorReport examine(DataSource dataSource, String schema) throws SQLException {
    try (Connection connection = dataSource.getConnection()) {
      return examine(connection, schema);
    }
  }

  /**
   * Examines {@code schema}. The connection must not be inside a transaction (the doctor begins and
   * ends its own); its auto-commit setting is restored afterwards.
   *
   * @throws IllegalArgumentException if there is no such schema
   * @throws SQLException if a catalog query fails, or takes longer than the statement timeout
   */
  public DoctorReport examine(Connection connection, String schema) throws SQLException {
    boolean autoCommit = connection.getAutoCommit();
    connection.setAutoCommit(false);
    try {
      CatalogSnapshot snapshot = readCatalog(connection, schema);
      List<SequenceCapacity> capacities = capacities(snapshot);
      List<Finding> findings =
          FindingsBuilder.build(snapshot.keyColumns(), snapshot.sequences(), capacities);
      List<String> notes = new ArrayList<>();
      if (snapshot.sequences().stream().anyMatch(s -> s.lastValue() == null)) {
        notes.add(
            "Sequences without a last value were never used, or this user may not read them (USAGE or SELECT).");
      }
      if (settings.recordSamples()) recordSamples(connection, snapshot, notes);
      return new DoctorReport(
          schema,
          snapshot.examinedAt(),
          snapshot.keyColumns(),
          capacities,
          findings,
          List.copyOf(notes));
    } finally {
      connection.setAutoCommit(autoCommit);
    }
  }

  /** For tests: runs inside the read-only audit transaction, after the timeout is set. */
  SchemaDoctor onAuditTransaction(Consumer<Connection> probe) {
    this.insideAuditTransaction = probe;
    return this;
  }

  private CatalogSnapshot readCatalog(Connection connection, String schema) throws SQLException {
    try {
      beginGuardedTransaction(connection, true);
      insideAuditTransaction.accept(connection);
      CatalogReader catalog = new CatalogReader(connection, schema);
      if (!catalog.schemaExists())
        throw new IllegalArgumentException("there is no schema named \"" + schema + "\"");
      Instant now = catalog.serverNow();
      Map<String, SequenceSample> previous =
          new HashMap<>(new SampleHistory(connection, schema).previousSamples(now));
      for (SequenceSample given : settings.previousSamples()) previous.put(given.sequence(), given);
      CatalogSnapshot snapshot =
          new CatalogSnapshot(
              schema,
              now,
              catalog.keyColumns(),
              catalog.sequences(),
              catalog.insertsByTableOid(),
              catalog.statsResetAt(),
              previous);
      connection.commit();
      return snapshot;
    } catch (SQLException | RuntimeException e) {
      connection.rollback();
      throw e;
    }
  }

  private List<SequenceCapacity> capacities(CatalogSnapshot snapshot) {
    List<SequenceCapacity> capacities = new ArrayList<>();
    for (SequenceFeed feed : snapshot.sequences()) {
      Long inserts =
          feed.column() == null ? null : snapshot.insertsByTableOid().get(feed.column().tableOid());
      GrowthEstimate growth =
          GrowthEstimator.estimate(
              feed,
              snapshot.previousSamples().get(feed.sequence()),
              inserts,
              snapshot.statsResetAt(),
              snapshot.examinedAt());
      capacities.add(SequenceCapacity.of(feed, growth));
    }
    return capacities;
  }

  private void recordSamples(Connection connection, CatalogSnapshot snapshot, List<String> notes) {
    List<SequenceSample> samples = new ArrayList<>();
    for (SequenceFeed feed : snapshot.sequences()) {
      boolean alreadyTaken = samples.stream().anyMatch(s -> s.sequence().equals(feed.sequence()));
      if (feed.lastValue() != null && !alreadyTaken) {
        samples.add(new SequenceSample(feed.sequence(), feed.lastValue(), snapshot.examinedAt()));
      }
    }
    if (samples.isEmpty()) return;
    try {
      beginGuardedTransaction(connection, false);
      new SampleHistory(connection, snapshot.schema()).record(samples);
      connection.commit();
    } catch (SQLException e) {
      try {
        connection.rollback();
      } catch (SQLException ignored) {
        // the note below says what matters
      }
      notes.add(
          "Could not record sequence samples in "
              + SampleHistory.TABLE
              + " ("
              + e.getMessage()
              + "); the next run cannot measure growth from this one.");
    }
  }

  private void beginGuardedTransaction(Connection connection, boolean readOnly)
      throws SQLException {
    try (Statement st = connection.createStatement()) {
      if (readOnly) st.execute("SET TRANSACTION READ ONLY");
      st.execute(
          "SET LOCAL statement_timeout = '" + settings.statementTimeout().toMillis() + "ms'");
    }
  }
}
