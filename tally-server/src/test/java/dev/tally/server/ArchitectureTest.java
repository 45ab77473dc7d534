package dev.tally.server;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The architecture, enforced: the core imports no backend and no channel; only the store module
 * touches the store; the channels know neither the store nor the index.
 */
class ArchitectureTest {
  private static JavaClasses tally;

  @BeforeAll
  static void importClasses() {
    tally =
        new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.tally");
  }

  @Test
  void coreImportsNoBackend() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.core..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "org.sqlite..",
            "org.postgresql..",
            "com.zaxxer..",
            "org.flywaydb..",
            "org.apache.lucene..",
            "org.opensearch..",
            "io.javalin..",
            "org.eclipse.jetty..",
            "jakarta.servlet..",
            "java.net.http..",
            "picocli..",
            "jakarta.mail..",
            "org.eclipse.angus..",
            "dev.tally.store..",
            "dev.tally.index..",
            "dev.tally.messaging..",
            "dev.tally.server..")
        .check(tally);
  }

  /**
   * A channel delivers what the final check passed and answers what happened; reading the store or
   * the index, or recording the outcome, is the sender's job (the one door), never a channel's.
   */
  @Test
  void theChannelsKnowNeitherTheStoreNorTheIndex() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.messaging..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tally.store..", "dev.tally.index..", "dev.tally.server..")
        .check(tally);
  }

  @Test
  void onlyTheEmailChannelSpeaksMail() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tally.messaging.email..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("jakarta.mail..", "org.eclipse.angus..")
        .check(tally);
  }

  /**
   * (tally-testkit is test code, though a main artifact: ThrowawaySchema gives tests a schema of
   * their own over JDBC.)
   */
  @Test
  void onlyTheStoreModuleTouchesTheStore() {
    noClasses()
        .that()
        .resideOutsideOfPackages("dev.tally.store..", "dev.tally.testkit..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "java.sql..",
            "javax.sql..",
            "org.sqlite..",
            "org.postgresql..",
            "com.zaxxer..",
            "org.flywaydb..")
        .check(tally);
  }

  /**
   * The store is written once over JDBC: the shared module knows no database, and the databases'
   * modules not each other.
   */
  @Test
  void theJdbcStoreKnowsNoDatabaseAndTheDatabasesNotEachOther() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.store.jdbc..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage(
            "org.sqlite..",
            "org.postgresql..",
            "com.zaxxer..",
            "org.flywaydb..",
            "dev.tally.store.sqlite..",
            "dev.tally.store.postgres..")
        .check(tally);
    noClasses()
        .that()
        .resideInAPackage("dev.tally.store.sqlite..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.postgresql..", "dev.tally.store.postgres..")
        .check(tally);
    noClasses()
        .that()
        .resideInAPackage("dev.tally.store.postgres..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.sqlite..", "dev.tally.store.sqlite..")
        .check(tally);
  }

  @Test
  void onlyTheLuceneIndexModuleTouchesLucene() {
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tally.index.lucene..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.apache.lucene..")
        .check(tally);
  }

  @Test
  void onlyTheOpenSearchIndexModuleTalksToOpenSearch() {
    // It speaks REST with the JDK's HttpClient; an OpenSearch client library, if one came in, stays
    // there too.
    noClasses()
        .that()
        .resideOutsideOfPackage("dev.tally.index.opensearch..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("org.opensearch..")
        .check(tally);
  }

  /**
   * The server knows its backends in one place: the wiring package opens the store and the index
   * the settings choose, and everything else works on their contracts (Store, IndexEngine,
   * SearchIndex), so a new endpoint or command cannot quietly support only one setup.
   */
  @Test
  void onlyTheServersWiringKnowsTheBackends() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.server..")
        .and()
        .resideOutsideOfPackage("dev.tally.server.wiring..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tally.store..", "dev.tally.index..")
        .check(tally);
  }

  /**
   * One path for every send: only the sender speaks to a channel, after the final check, and
   * records the outcome through the one door; a route or a command that delivered on its own would
   * skip both.
   */
  @Test
  void onlyTheSenderDelivers() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.server..")
        .and()
        .resideOutsideOfPackage("dev.tally.server.messaging..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tally.messaging..")
        .check(tally);
  }

  @Test
  void theIndexBackendsAreIndependentOfEachOther() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.index.lucene..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tally.index.opensearch..")
        .check(tally);
  }

  @Test
  void theHttpApiUsesTheStoreContractNotAnImplementation() {
    noClasses()
        .that()
        .resideInAPackage("dev.tally.server.http..")
        .should()
        .dependOnClassesThat()
        .resideInAnyPackage("dev.tally.store..", "dev.tally.index..")
        .check(tally);
  }

  @Test
  void noPackageCycles() {
    slices().matching("dev.tally.(**)").should().beFreeOfCycles().check(tally);
  }
}
