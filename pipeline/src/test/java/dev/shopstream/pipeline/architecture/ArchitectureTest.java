package dev.shopstream.pipeline.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.classes;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The module rules of docs/architecture.md (Module layout), checked on the compiled classes of all modules. */
class ArchitectureTest {
  private static JavaClasses classes;

  @BeforeAll
  static void importClasses() {
    classes = new ClassFileImporter().withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
        .importPackages("dev.shopstream");
  }

  @Test
  void contractsDependOnNothingButTheJdk() {
    classes().that().resideInAPackage("dev.shopstream.contracts..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.shopstream.contracts..", "java..")
        .check(classes);
  }

  @Test
  void settingsDependOnNothingButTheJdk() {
    classes().that().resideInAPackage("dev.shopstream.settings..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.shopstream.settings..", "java..")
        .check(classes);
  }

  @Test
  void handlersNeverSeeKclOrTheStreamsAdapter() {
    noClasses().that().resideInAPackage("dev.shopstream.handlers..")
        .should().dependOnClassesThat().resideInAnyPackage("software.amazon.kinesis..",
            "com.amazonaws.services.dynamodbv2.streamsadapter..", "dev.shopstream.pipeline..")
        .check(classes);
  }

  @Test
  void onlyTheKclPackageCheckpoints() {
    noClasses().that().resideOutsideOfPackage("dev.shopstream.pipeline.kcl..")
        .should().dependOnClassesThat()
        .haveFullyQualifiedName("software.amazon.kinesis.processor.RecordProcessorCheckpointer")
        .check(classes);
  }

  @Test
  void theDifferDoesNoIo() {
    noClasses().that().resideInAPackage("dev.shopstream.pipeline.diff..")
        .should().dependOnClassesThat().resideInAnyPackage("software.amazon.kinesis..", "java.io..", "java.net..",
            "software.amazon.awssdk.services.dynamodb.streams..")
        .orShould().dependOnClassesThat().haveSimpleNameEndingWith("Client")
        .check(classes);
  }

  @Test
  void pipelinePackagesHaveNoCycles() {
    slices().matching("dev.shopstream.pipeline.(*)..").should().beFreeOfCycles().check(classes);
  }

  /** The wiring ({@code app}: the composition root and what it builds from) is seen by the command line alone. */
  @Test
  void onlyTheCliSeesTheWiring() {
    noClasses().that().resideInAPackage("dev.shopstream.pipeline..")
        .and().resideOutsideOfPackages("dev.shopstream.pipeline.app..", "dev.shopstream.pipeline.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.shopstream.pipeline.app..")
        .check(classes);
  }

  /** The KCL edge (the running worker and its workarounds) is given what it needs; it never reaches back. */
  @Test
  void theKclEdgeNeverSeesTheWiringOrTheCli() {
    noClasses().that().resideInAPackage("dev.shopstream.pipeline.kcl..")
        .should().dependOnClassesThat().resideInAnyPackage("dev.shopstream.pipeline.app..",
            "dev.shopstream.pipeline.cli..")
        .check(classes);
  }

  /** The command line is the top: nothing depends on it (the image and WorkerProcess name Main as a string). */
  @Test
  void nothingButTheCliSeesTheCli() {
    noClasses().that().resideOutsideOfPackage("dev.shopstream.pipeline.cli..")
        .should().dependOnClassesThat().resideInAPackage("dev.shopstream.pipeline.cli..")
        .check(classes);
  }

  /**
   * Configuration is by slice: each subsystem declares its keys in a settings record beside the code that reads
   * it. A slice is a value (the project's types and the JDK only: no AWS SDK, no KCL), so any consumer can be
   * given it.
   */
  @Test
  void settingsSlicesAreValuesBesideTheirSubsystem() {
    classes().that().haveSimpleNameEndingWith("Settings").and().resideInAPackage("dev.shopstream..")
        .should().onlyDependOnClassesThat().resideInAnyPackage("dev.shopstream..", "java..")
        .check(classes);
  }
}
